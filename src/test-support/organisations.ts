import assert from 'node:assert/strict';
import { mailedLink } from './accounts.js';
import type { TestApp } from './app.js';
import type { TestBrowser } from './browser.js';

/** Founds an organisation through its page as the signed-in account (its first owner); returns its id. */
export async function foundOrganisation(browser: TestBrowser, name: string): Promise<string> {
  await browser.get('/konto/organisationen');
  const response = await browser.post('/konto/organisationen', { name });
  assert.equal(response.statusCode, 303, response.body.slice(0, 300));
  return String(response.headers.location).match(/organisationen\/([0-9a-f-]{36})/)![1]!;
}

/** Invites an address as the owner signed in in `owner` and returns the link the mail carries. */
export async function inviteToOrganisation(app: TestApp, tenantId: string, owner: TestBrowser, organisationId: string, email: string, role = 'member'): Promise<string> {
  await owner.get(`/konto/organisationen/${organisationId}`);
  const response = await owner.post(`/konto/organisationen/${organisationId}/einladen`, { email, role });
  assert.equal(response.headers.location, `/konto/organisationen/${organisationId}?erledigt=invited`, response.body.slice(0, 300));
  await app.jobs.runDue();
  return (await mailedLink(app.database.db, tenantId, email, '/konto/einladung'))!;
}

/** Makes the account signed in in `member` a member: invited by `owner`, accepted by itself. */
export async function joinOrganisation(app: TestApp, tenantId: string, owner: TestBrowser, organisationId: string, member: { browser: TestBrowser; email: string }): Promise<void> {
  const link = await inviteToOrganisation(app, tenantId, owner, organisationId, member.email);
  await member.browser.get(link);
  assert.equal((await member.browser.post(link, {})).headers.location, `/konto/organisationen/${organisationId}?erledigt=joined`);
}

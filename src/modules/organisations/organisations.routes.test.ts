import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, signInAccount, type TestAccount } from '../../test-support/accounts.js';
import { foundOrganisation, inviteToOrganisation } from '../../test-support/organisations.js';
import { TestBrowser, fieldError } from '../../test-support/browser.js';
import type { Tenant } from '../tenants/tenant.js';
import { accountActor } from './index.js';

describe('organisation accounts', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  async function signedIn(account?: TestAccount): Promise<{ browser: TestBrowser; account: TestAccount }> {
    const who = account ?? (await createAccount(app.database.db, tenant.id));
    const browser = new TestBrowser(app.app, host);
    await signInAccount(browser, who);
    return { browser, account: who };
  }

  const found = foundOrganisation;
  const invite = (owner: TestBrowser, organisationId: string, email: string, role?: string) => inviteToOrganisation(app, tenant.id, owner, organisationId, email, role);

  it('founds an organisation with the founder as owner, and refuses a missing or too short name', async () => {
    const { browser } = await signedIn();
    await browser.get('/konto/organisationen');
    const empty = await browser.post('/konto/organisationen', { name: '  ' });
    assert.equal(empty.statusCode, 422);
    assert.match(fieldError(empty.body, 'name')!, /Namen der Organisation/);
    const short = await browser.post('/konto/organisationen', { name: 'X' });
    assert.match(fieldError(short.body, 'name')!, /2 bis 200/);
    assert.match(short.body, /value="X"/);
    const id = await found(browser, 'Bäckerei Korn GmbH');
    const page = await browser.get(`/konto/organisationen/${id}`);
    assert.match(page.body, /Bäckerei Korn GmbH/);
    assert.match(page.body, /Ihre Rolle: Eigentümer\/in/);
    assert.match((await browser.get('/konto/organisationen')).body, /Bäckerei Korn GmbH/);
  });

  it('invites by e-mail; only the invited address accepts, once; the member then sees the organisation', async () => {
    const { browser: owner } = await signedIn();
    const id = await found(owner, 'Schreinerei Holz & Co. KG');
    const { browser: bob, account: bobAccount } = await signedIn();
    const { browser: carol } = await signedIn();
    const link = await invite(owner, id, bobAccount.email);
    const mails = await sql<{ body: string }>`select body from mail_outbox where recipient = ${bobAccount.email}`.execute(app.database.db);
    assert.match(mails.rows[0]!.body, /Schreinerei Holz & Co\. KG/);

    assert.match((await carol.get(link)).body, /ging an eine andere E-Mail-Adresse/);
    assert.equal((await carol.post(link, {})).statusCode, 422, 'another account cannot use the link');
    assert.equal((await carol.get(`/konto/organisationen/${id}`)).statusCode, 404);

    assert.equal((await bob.get(link)).statusCode, 200);
    const accepted = await bob.post(link, {});
    assert.equal(accepted.headers.location, `/konto/organisationen/${id}?erledigt=joined`);
    const page = await bob.get(`/konto/organisationen/${id}`);
    assert.match(page.body, /Ihre Rolle: Mitglied/);
    assert.doesNotMatch(page.body, /Mitglied einladen/, 'members do not invite');
    assert.equal((await bob.get(link)).statusCode, 404, 'the link works once');
    await bob.get('/konto/organisationen');
    assert.equal((await bob.post(link, {})).statusCode, 404);
  });

  it('lets only owners invite, change roles and remove others, and keeps at least one owner', async () => {
    const { browser: owner, account: alice } = await signedIn();
    const id = await found(owner, 'Verein der Freunde des Stadtparks e. V.');
    const { browser: bob, account: bobAccount } = await signedIn();
    const link = await invite(owner, id, bobAccount.email);
    await bob.get(link);
    await bob.post(link, {});

    await bob.get(`/konto/organisationen/${id}`);
    const byMember = await bob.post(`/konto/organisationen/${id}/einladen`, { email: 'dritte@example.org', role: 'member' });
    assert.equal(byMember.statusCode, 422);
    assert.match(byMember.body, /nur Eigentümerinnen und Eigentümer/);
    assert.equal((await bob.post(`/konto/organisationen/${id}/mitglieder/${alice.id}/entfernen`, {})).statusCode, 422);

    await owner.get(`/konto/organisationen/${id}`);
    const selfDemote = await owner.post(`/konto/organisationen/${id}/mitglieder/${alice.id}/rolle`, { role: 'member' });
    assert.equal(selfDemote.statusCode, 422);
    assert.match(selfDemote.body, /mindestens eine Eigentümerin/);
    await owner.get(`/konto/organisationen/${id}`);
    assert.equal((await owner.post(`/konto/organisationen/${id}/mitglieder/${alice.id}/entfernen`, {})).statusCode, 422, 'the last owner cannot leave');

    await owner.get(`/konto/organisationen/${id}`);
    assert.equal((await owner.post(`/konto/organisationen/${id}/mitglieder/${bobAccount.id}/rolle`, { role: 'owner' })).statusCode, 303);
    await owner.get(`/konto/organisationen/${id}`);
    const left = await owner.post(`/konto/organisationen/${id}/mitglieder/${alice.id}/entfernen`, {});
    assert.equal(left.headers.location, '/konto/organisationen?erledigt=left');
    assert.equal((await owner.get(`/konto/organisationen/${id}`)).statusCode, 404, 'gone after leaving');
    assert.match((await bob.get(`/konto/organisationen/${id}`)).body, /Ihre Rolle: Eigentümer\/in/);
  });

  it('keeps two owners demoting each other at once from leaving the organisation without owner', async () => {
    const { browser: alice, account: aliceAccount } = await signedIn();
    const id = await found(alice, 'Gleichzeitig GmbH');
    const { browser: bob, account: bobAccount } = await signedIn();
    const link = await invite(alice, id, bobAccount.email, 'owner');
    await bob.get(link);
    await bob.post(link, {});
    await alice.get(`/konto/organisationen/${id}`);
    await bob.get(`/konto/organisationen/${id}`);
    await Promise.all([
      alice.post(`/konto/organisationen/${id}/mitglieder/${bobAccount.id}/rolle`, { role: 'member' }),
      bob.post(`/konto/organisationen/${id}/mitglieder/${aliceAccount.id}/rolle`, { role: 'member' }),
    ]);
    const owners = await sql<{ n: number }>`select count(*)::int as n from organisation_members where organisation_id = ${id} and role = 'owner'`.execute(app.database.db);
    assert.equal(owners.rows[0]!.n, 1);
  });

  it('revokes an invitation, after which its link is worthless', async () => {
    const { browser: owner } = await signedIn();
    const id = await found(owner, 'Zurückgenommen AG');
    const { browser: dave, account: daveAccount } = await signedIn();
    const link = await invite(owner, id, daveAccount.email);
    const page = await owner.get(`/konto/organisationen/${id}`);
    const invitationId = page.body.match(/einladungen\/([0-9a-f-]{36})\/zuruecknehmen/)![1]!;
    assert.equal((await owner.post(`/konto/organisationen/${id}/einladungen/${invitationId}/zuruecknehmen`, {})).headers.location, `/konto/organisationen/${id}?erledigt=revoked`);
    assert.equal((await dave.get(link)).statusCode, 404);
  });

  it('shows an outsider nothing: 404 for every URL, and no rows even for unfiltered queries', async () => {
    const { browser: owner } = await signedIn();
    const id = await found(owner, 'Geheim & Partner');
    const { browser: member, account: memberAccount } = await signedIn();
    const link = await invite(owner, id, memberAccount.email);
    await member.get(link);
    await member.post(link, {});
    const { browser: outsider, account: outsiderAccount } = await signedIn();
    await invite(owner, id, 'noch.offen@example.org');

    await outsider.get('/konto/organisationen');
    for (const path of [`/konto/organisationen/${id}`]) assert.equal((await outsider.get(path)).statusCode, 404);
    for (const path of [`/konto/organisationen/${id}/einladen`, `/konto/organisationen/${id}/mitglieder/${memberAccount.id}/rolle`, `/konto/organisationen/${id}/mitglieder/${memberAccount.id}/entfernen`]) {
      await outsider.get('/konto/organisationen');
      const response = await outsider.post(path, { email: 'x@example.org', role: 'owner' });
      assert.ok([404, 422].includes(response.statusCode), `${path}: ${response.statusCode}`);
      assert.doesNotMatch(response.body, /Geheim &amp; Partner/);
    }
    const actor = await accountActor(app.database.db, tenant.id, outsiderAccount.id);
    const seen = await inTransaction(app.database.db, actor, async (trx) => ({
      organisations: (await sql<{ n: number }>`select count(*)::int as n from organisations`.execute(trx)).rows[0]!.n,
      members: (await sql<{ n: number }>`select count(*)::int as n from organisation_members`.execute(trx)).rows[0]!.n,
    }));
    assert.deepEqual(seen, { organisations: 0, members: 0 });
    // Accepting someone else's invitation, or joining without one, is refused by the policies.
    await assert.rejects(inTransaction(app.database.db, actor, (trx) =>
      trx.updateTable('organisation_invitations').set({ accepted_by: outsiderAccount.id, accepted_at: new Date() }).execute()), /row-level security/);
    await assert.rejects(inTransaction(app.database.db, actor, (trx) =>
      trx.insertInto('organisation_members').values({ tenant_id: tenant.id, organisation_id: id, account_id: outsiderAccount.id, role: 'owner' }).execute()), /row-level security/);
  });

  it('leaves no organisation without owner when its last owner deletes the account: the longest member inherits, an empty one is dissolved', async () => {
    const { browser: alice, account: aliceAccount } = await signedIn();
    const shop = await found(alice, 'Nachfolge Bäckerei');
    const { browser: bob, account: bobAccount } = await signedIn();
    const { browser: carol, account: carolAccount } = await signedIn();
    for (const [browser, account] of [[bob, bobAccount], [carol, carolAccount]] as const) {
      const link = await invite(alice, shop, account.email);
      await browser.get(link);
      await browser.post(link, {});
    }
    const solo = await found(alice, 'Nur Alma e. K.');
    const club = await found(carol, 'Verein ohne Alma');
    const link = await invite(carol, club, aliceAccount.email);
    await alice.get(link);
    await alice.post(link, {});

    const page = await alice.get('/konto/loeschen');
    assert.match(page.body, /Was außerdem geschieht/);
    assert.match(page.body, new RegExp(`Nachfolge Bäckerei: Sie sind die einzige Eigentümerin oder der einzige Eigentümer\. Die Eigentümerrolle geht an das am längsten beteiligte Mitglied über, ${bobAccount.email.replace(/\./g, '\\.')}`));
    assert.match(page.body, /Nur Alma e\. K\.: Außer Ihnen gehört niemand der Organisation an; sie wird aufgelöst/);
    assert.match(page.body, /Verein ohne Alma: Sie scheiden als Mitglied aus/);
    const wrong = await alice.post('/konto/loeschen', { confirm: 'yes', password: 'nicht das Passwort' });
    assert.equal(wrong.statusCode, 422);
    assert.match((await alice.get(`/konto/organisationen/${solo}`)).body, /Ihre Rolle: Eigentümer\/in/, 'a refused deletion changes no organisation');

    await alice.get('/konto/loeschen');
    assert.equal((await alice.post('/konto/loeschen', { confirm: 'yes', password: aliceAccount.password })).headers.location, '/konto/geloescht');
    assert.match((await bob.get(`/konto/organisationen/${shop}`)).body, /Ihre Rolle: Eigentümer\/in/, 'the longest member inherits');
    assert.match((await carol.get(`/konto/organisationen/${shop}`)).body, /Ihre Rolle: Mitglied/);
    assert.match((await carol.get(`/konto/organisationen/${club}`)).body, /Ihre Rolle: Eigentümer\/in/);
    const left = await sql<{ n: number }>`select count(*)::int as n from organisations where id = ${solo}`.execute(app.database.db);
    assert.equal(left.rows[0]!.n, 0, 'the organisation nobody else belonged to is dissolved');
    const audit = await sql<{ action: string }>`select action from audit_log where subject in (${`organisation:${shop}`}, ${`organisation:${solo}`}) and action in ('organisation.ownership_inherited', 'organisation.dissolved') order by action`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['organisation.dissolved', 'organisation.ownership_inherited']);
  });
});

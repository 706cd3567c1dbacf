import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { runHousekeeping } from './housekeeping.js';
import { buildTestApp, type TestApp } from './test-support/app.js';
import { samplePdf, TestBrowser } from './test-support/browser.js';
import { createAccount, signInAccount } from './test-support/accounts.js';
import { issueResumeLink } from './modules/forms/saved-drafts.js';

describe('housekeeping', () => {
  let app: TestApp;
  before(async () => (app = await buildTestApp()));
  after(() => app.close());

  /** Starts a complaint with an upload in a browser; returns the draft's id. */
  async function startDraft(browser: TestBrowser): Promise<string> {
    await browser.get('/leistungen/kontakt-beschwerde/antrag');
    const response = await browser.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: 'B', nachricht: 'N', _action: 'continue' }, {
      anhang: [{ filename: 'foto.pdf', contentType: 'application/pdf', content: samplePdf }],
    });
    assert.equal(response.statusCode, 303);
    return (response.headers.location as string).split('/')[2]!;
  }

  it('deletes abandoned drafts with their uploads and expired sessions, and keeps live ones', async () => {
    const { tenant, host } = await app.createTown();
    const start = () => startDraft(new TestBrowser(app.app, host));
    const old = await start();
    const live = await start();
    // Age the first draft, its upload and its session as if two days had passed (as the owner, not the app role).
    await sql`update drafts set updated_at = now() - interval '2 days' where id = ${old}`.execute(app.database.db);
    await sql`update files set created_at = now() - interval '2 days' where draft_id = ${old}`.execute(app.database.db);
    await sql`update sessions set expires_at = now() - interval '1 day' where tenant_id = ${tenant.id} and id_hash = (select session_hash from drafts where id = ${old})`.execute(app.database.db);
    await runHousekeeping(app.database.db, app.tenants);
    const remaining = await sql<{ id: string; files: number }>`
      select d.id, (select count(*)::int from files f where f.draft_id = d.id) as files from drafts d where d.tenant_id = ${tenant.id}`.execute(app.database.db);
    assert.deepEqual(remaining.rows, [{ id: live, files: 1 }]);
    const orphanFiles = await sql<{ n: number }>`select count(*)::int as n from files where draft_id = ${old}`.execute(app.database.db);
    assert.equal(orphanFiles.rows[0]!.n, 0);
    const sessions = await sql<{ n: number }>`select count(*)::int as n from sessions where tenant_id = ${tenant.id}`.execute(app.database.db);
    assert.equal(sessions.rows[0]!.n, 1);
  });

  it('keeps account drafts for 30 days and anonymous ones as long as their resume link, and deletes the rest', async () => {
    const { tenant, host } = await app.createTown();
    const db = app.database.db;
    const anonymous = await startDraft(new TestBrowser(app.app, host));
    const linked = await startDraft(new TestBrowser(app.app, host));
    const usedLink = await startDraft(new TestBrowser(app.app, host));
    const signedIn = new TestBrowser(app.app, host);
    await signInAccount(signedIn, await createAccount(db, tenant.id));
    const accountDraft = await startDraft(signedIn);
    const oldAccountDraft = await startDraft(signedIn);
    assert.ok(await issueResumeLink(db, tenant.id, linked));
    assert.ok(await issueResumeLink(db, tenant.id, usedLink));
    await sql`update draft_resume_links set used_at = now() where draft_id = ${usedLink}`.execute(db);
    // Two days since the last save for all, 31 for one account draft (as the owner, not the app role).
    await sql`update drafts set updated_at = now() - interval '2 days' where tenant_id = ${tenant.id}`.execute(db);
    await sql`update files set created_at = now() - interval '2 days' where tenant_id = ${tenant.id}`.execute(db);
    await sql`update drafts set updated_at = now() - interval '31 days' where id = ${oldAccountDraft}`.execute(db);

    await runHousekeeping(db, app.tenants);
    const remaining = await sql<{ id: string; files: number }>`
      select d.id, (select count(*)::int from files f where f.draft_id = d.id) as files from drafts d where d.tenant_id = ${tenant.id} order by d.id`.execute(db);
    assert.deepEqual(remaining.rows, [{ id: accountDraft, files: 1 }, { id: linked, files: 1 }].sort((a, b) => a.id.localeCompare(b.id)));
    const orphans = await sql<{ n: number }>`select count(*)::int as n from files where draft_id in (${sql.join([anonymous, usedLink, oldAccountDraft])})`.execute(db);
    assert.equal(orphans.rows[0]!.n, 0);
    const links = await sql<{ draft_id: string }>`select draft_id from draft_resume_links where tenant_id = ${tenant.id}`.execute(db);
    assert.deepEqual(links.rows.map((r) => r.draft_id), [linked]);

    // Once its link has expired, the linked draft goes too.
    await sql`update draft_resume_links set expires_at = now() - interval '1 minute' where draft_id = ${linked}`.execute(db);
    await runHousekeeping(db, app.tenants);
    const left = await sql<{ id: string }>`select id from drafts where tenant_id = ${tenant.id}`.execute(db);
    assert.deepEqual(left.rows.map((r) => r.id), [accountDraft]);
  });
});

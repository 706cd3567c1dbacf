import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { runHousekeeping } from './housekeeping.js';
import { buildTestApp, type TestApp } from './test-support/app.js';
import { samplePdf, TestBrowser } from './test-support/browser.js';

describe('housekeeping', () => {
  let app: TestApp;
  before(async () => (app = await buildTestApp()));
  after(() => app.close());

  it('deletes abandoned drafts with their uploads and expired sessions, and keeps live ones', async () => {
    const { tenant, host } = await app.createTown();
    const start = async () => {
      const browser = new TestBrowser(app.app, host);
      await browser.get('/leistungen/kontakt-beschwerde/antrag');
      const response = await browser.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: 'B', nachricht: 'N', _action: 'continue' }, {
        anhang: [{ filename: 'foto.pdf', contentType: 'application/pdf', content: samplePdf }],
      });
      assert.equal(response.statusCode, 303);
      return (response.headers.location as string).split('/')[2]!;
    };
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
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Tenant } from '../tenants/tenant.js';
import { runRetention } from '../retention/retention.service.js';
import type { TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { buildReportTown, inside, phoneJpeg } from '../../test-support/reports.js';

describe('retention of defect reports', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: TestBrowser;
  before(async () => {
    ({ app, tenant, host, clerk } = await buildReportTown());
  });
  after(() => app.close());

  const owner = <T>(fn: Parameters<typeof asTownOwner<T>>[2]) => asTownOwner(app.database.db, tenant.id, fn);
  const details = (id: string) => owner((trx) => trx.selectFrom('report_details').selectAll().where('report_id', '=', id).executeTakeFirstOrThrow());
  const photos = (id: string) => owner((trx) => trx.selectFrom('report_photos').select(['position', 'sha256', 'released']).where('report_id', '=', id).orderBy('position').execute());
  const retention = () => runRetention({ db: app.database.db, files: app.files, services: app.services }, tenant.id, { actor: 'system:retention' });
  const ageBy = (id: string, days: number) => owner((trx) => trx.updateTable('reports').set({ updated_at: sql<Date>`now() - make_interval(days => ${days})` }).where('id', '=', id).execute());

  let filed = 0;
  /** A report with two photos (the second one's bytes its own) and an e-mail address; the clerk releases photo 1 and sets the status. */
  async function report(status: 'done' | 'rejected' | 'in_progress'): Promise<string> {
    const citizen = new TestBrowser(app.app, host);
    await citizen.get('/maengel/melden');
    const photo = await phoneJpeg();
    const sent = await citizen.postMultipart('/maengel/melden', {
      kategorie: 'schlagloch', breite: String(inside.lat), laenge: String(inside.lon), beschreibung: 'Loch vor dem Haus von Frau Muster', email: 'muster@example.org', hausnummer: '', trotzdem: '1',
    }, { fotos: [{ filename: 'a.jpg', contentType: 'image/jpeg', content: photo }, { filename: 'b.jpg', contentType: 'image/jpeg', content: await phoneJpeg(640 + ++filed, 480) }] });
    assert.equal(sent.statusCode, 303);
    const id = (sent.headers.location as string).split('/')[2]!;
    let stand = (await clerk.get(`/verwaltung/maengel/${id}`)).body.match(/name="stand" value="(\d+)"/)![1]!;
    assert.equal((await clerk.post(`/verwaltung/maengel/${id}/freigabe`, { stand, beschreibung: 'Loch vor dem Haus', foto: '1' })).statusCode, 303);
    stand = (await clerk.get(`/verwaltung/maengel/${id}`)).body.match(/name="stand" value="(\d+)"/)![1]!;
    assert.equal((await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand, status, kommentar: 'Erledigt.' })).statusCode, 303);
    return id;
  }

  it('removes what was never public from reports closed longer than the town\'s period, keeping the public part', async () => {
    const due = await report('done');
    const rejected = await report('rejected');
    const recent = await report('done');
    const open = await report('in_progress');
    await Promise.all([ageBy(due, 181), ageBy(rejected, 200), ageBy(recent, 179), ageBy(open, 400)]);
    const unreleased = (await photos(due))[1]!;

    const outcome = await retention();
    assert.equal(outcome.reportsRedacted, 2);
    for (const id of [due, rejected]) {
      const d = await details(id);
      assert.deepEqual([d.description, d.address, d.reporter_email, d.attributes], ['', null, null, {}]);
      assert.ok(d.redacted_at);
      assert.deepEqual((await photos(id)).map((p) => [p.position, p.released]), [[1, true]], 'the released photo stays, the other goes');
    }
    await assert.rejects(app.files.get(unreleased.sha256), Error, 'its file is removed');
    for (const id of [recent, open]) assert.equal((await details(id)).reporter_email, 'muster@example.org', 'not due');
    const publicPage = await new TestBrowser(app.app, host).get(`/maengel/${due}`);
    assert.ok(publicPage.body.includes('Loch vor dem Haus') && publicPage.body.includes('Erledigt.'), 'the public part stays');
    assert.equal((await new TestBrowser(app.app, host).get(`/maengel/${due}/fotos/1`)).statusCode, 200);
    const staffPage = await clerk.get(`/verwaltung/maengel/${due}`);
    assert.equal(staffPage.statusCode, 200);
    assert.match(staffPage.body, /nach Ablauf der Aufbewahrungsfrist gelöscht/);
    const jobs = await sql<{ payload: Record<string, unknown> }>`select payload from jobs where kind like 'reports.%' and payload::text like ${`%${due}%`}`.execute(app.database.db);
    assert.equal(jobs.rows.length, 0, 'no job names the address any more');
    const audit = await sql<{ subject: string }>`select subject from audit_log where tenant_id = ${tenant.id} and action = 'report.redacted' order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.subject).sort(), [`report:${due}`, `report:${rejected}`].sort());
    assert.equal((await retention()).reportsRedacted, 0, 'a second run finds nothing');
  });

  it('lets nobody but the retention job change what the reporter typed', async () => {
    const id = await report('done');
    await assert.rejects(app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('role', 'rathaus_app', true), set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      await trx.updateTable('report_details').set({ reporter_email: null }).where('report_id', '=', id).execute();
    }), /permission denied/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Tenant } from '../tenants/tenant.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { fileReport, setUpReports } from '../../test-support/reports.js';
import { signInClerk } from '../../test-support/staff.js';
import { reportIdIn } from './report-merge.js';

describe('merging duplicate reports', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let otherTown: { tenant: Tenant; host: string };
  let clerk: TestBrowser;
  let departments: Record<string, string>;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    otherTown = await app.createTown();
    await setUpReports(app.database.db, tenant.id);
    await setUpReports(app.database.db, otherTown.tenant.id);
    clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'bauamt'));
    const rows = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('departments').select(['key', 'id']).where('tenant_id', '=', tenant.id).execute());
    departments = Object.fromEntries(rows.map((r) => [r.key, r.id]));
  });
  after(() => app.close());

  const reportRow = (id: string) => asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const supports = async (id: string) => (await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_supports').select('supporter_hash').where('report_id', '=', id).execute())).length;
  const stand = async (id: string) => (await clerk.get(`/verwaltung/maengel/${id}`)).body.match(/name="stand" value="(\d+)"/)![1]!;
  const merge = async (id: string, meldung: string) => clerk.post(`/verwaltung/maengel/${id}/zusammenfuehren`, { stand: await stand(id), meldung });
  const mailsTo = async (to: string) => (await listOutbox(app.database.db, 500)).filter((m) => m.to === to && m.tenantId === tenant.id);

  it('reads a report id from an id or any address of the report', () => {
    const id = '0b6f1c2e-6d1a-4c3b-9a7e-2f1d3c4b5a69';
    assert.equal(reportIdIn(id.toUpperCase()), id);
    assert.equal(reportIdIn(`https://rathaus.example/maengel/${id}`), id);
    assert.equal(reportIdIn(`/verwaltung/maengel/${id}#stand`), id);
    assert.equal(reportIdIn('Meldung 42'), undefined);
  });

  it('merges B into A: B points to A, its supporters and reporter follow A, it leaves the inbox and the list, and A\'s status mails reach B\'s reporter', async () => {
    const a = await fileReport(app, host, { email: 'a@example.org' });
    const b = await fileReport(app, host, { email: 'b@example.org' });
    const supporter = new TestBrowser(app.app, host);
    await supporter.get('/maengel/melden');
    assert.equal((await supporter.post(`/maengel/${b.id}/unterstuetzen`, {})).statusCode, 303);
    assert.equal(await supports(a.id), 0);

    const merged = await merge(b.id, `https://${host}/maengel/${a.id}`);
    assert.equal(merged.statusCode, 303, app.logs.filter((l) => l.includes('"level":50')).join('\n').slice(0, 3000));
    assert.equal((await reportRow(b.id)).duplicate_of, a.id);
    assert.equal(await supports(a.id), 2, 'B\'s supporter and B\'s reporter now support A');

    const visitor = new TestBrowser(app.app, host);
    const bPage = await visitor.get(`/maengel/${b.id}`);
    assert.equal(bPage.statusCode, 302);
    assert.equal(bPage.headers.location, `/maengel/${a.id}`);
    const list = await visitor.get('/maengel');
    assert.ok(list.body.includes(`/maengel/${a.id}`));
    assert.equal(list.body.includes(`/maengel/${b.id}`), false, 'the duplicate is not listed twice');
    const inbox = await clerk.get('/verwaltung/maengel');
    assert.ok(inbox.body.includes(`/verwaltung/maengel/${a.id}`));
    assert.equal(inbox.body.includes(`/verwaltung/maengel/${b.id}`), false, 'the duplicate left the inbox');
    const bStaff = await clerk.get(`/verwaltung/maengel/${b.id}`);
    assert.ok(bStaff.body.includes(`href="/verwaltung/maengel/${a.id}"`), 'the back office page points to A');
    assert.ok(bStaff.body.includes('Als Doppelung zusammengeführt'));
    const aStaff = await clerk.get(`/verwaltung/maengel/${a.id}`);
    assert.ok(aStaff.body.includes('Eine doppelte Meldung wurde hierher zusammengeführt'));
    assert.ok(aStaff.body.includes(`href="/verwaltung/maengel/${b.id}"`), 'A\'s page lists B');
    // Supporting B from a stale page supports A.
    const late = new TestBrowser(app.app, host);
    await late.get('/maengel/melden');
    await late.post(`/maengel/${b.id}/unterstuetzen`, {});
    assert.equal(await supports(a.id), 3);

    const done = await clerk.post(`/verwaltung/maengel/${a.id}/stand`, { stand: await stand(a.id), status: 'done', kommentar: 'Verfüllt.' });
    assert.equal(done.statusCode, 303);
    await app.jobs.runDue();
    const [toA] = await mailsTo('a@example.org');
    const [toB] = await mailsTo('b@example.org');
    assert.ok(toA && toB, 'both reporters are told');
    assert.ok(toB.text.includes('Verfüllt.'), 'with A\'s public comment');
    assert.ok(toB.text.includes(`/maengel/${a.id}`), 'and A\'s page');
    const tokenOf = (text: string) => text.match(/\/maengel\/abbestellen\/([A-Za-z0-9_-]{43})/)![1]!;
    // B's reporter unsubscribing stops B's mails only, not A's reporter's.
    const reader = new TestBrowser(app.app, host);
    await reader.get(`/maengel/abbestellen/${tokenOf(toB.text)}`);
    assert.equal((await reader.post(`/maengel/abbestellen/${tokenOf(toB.text)}`, {})).statusCode, 200);
    assert.equal((await clerk.post(`/verwaltung/maengel/${a.id}/stand`, { stand: await stand(a.id), status: 'in_progress', kommentar: 'Doch nicht.' })).statusCode, 303);
    await app.jobs.runDue();
    assert.equal((await mailsTo('a@example.org')).length, 2);
    assert.equal((await mailsTo('b@example.org')).length, 1);

    const audit = await sql<{ details: { into: string } }>`select details from audit_log where tenant_id = ${tenant.id} and subject = ${`report:${b.id}`} and action = 'report.merged'`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.details.into), [a.id]);
  });

  it('resolves chains: merging into a duplicate merges into its report, and a report\'s own duplicates follow it', async () => {
    const a = await fileReport(app, host, {});
    const b = await fileReport(app, host, {});
    const c = await fileReport(app, host, {});
    const d = await fileReport(app, host, {});
    assert.equal((await merge(b.id, a.id)).statusCode, 303);
    assert.equal((await merge(c.id, b.id)).statusCode, 303, 'into a duplicate');
    assert.equal((await reportRow(c.id)).duplicate_of, a.id);
    assert.equal((await merge(a.id, d.id)).statusCode, 303, 'A, with its duplicates, into D');
    assert.deepEqual(await Promise.all([a, b, c].map(async (r) => (await reportRow(r.id)).duplicate_of)), [d.id, d.id, d.id]);
    assert.equal((await new TestBrowser(app.app, host).get(`/maengel/${b.id}`)).headers.location, `/maengel/${d.id}`);
  });

  it('refuses merging into itself, across departments and towns, nonsense, and merging a report twice — storing nothing', async () => {
    const a = await fileReport(app, host, {});
    const b = await fileReport(app, host, {});
    const rubbish = await fileReport(app, host, { kategorie: 'muell' });
    const elsewhere = await fileReport(app, otherTown.host, {});
    const cases: Array<[string, string, RegExp]> = [
      [b.id, b.id, /nicht mit sich selbst/],
      [b.id, rubbish.id, /gibt es bei Ihrer Stelle nicht/],
      [b.id, elsewhere.id, /gibt es bei Ihrer Stelle nicht/],
      [b.id, '00000000-0000-4000-8000-000000000000', /gibt es bei Ihrer Stelle nicht/],
      [b.id, 'die von gestern', /Nummer oder die Adresse einer Meldung/],
      [b.id, '', /darf nicht leer sein/],
    ];
    for (const [id, target, message] of cases) {
      const refused = await merge(id, target);
      assert.equal(refused.statusCode, 422, target);
      assert.match(refused.body, message);
      if (target) assert.ok(refused.body.includes(target), 'what was typed is kept');
    }
    assert.equal((await reportRow(b.id)).duplicate_of, null, 'nothing stored');
    assert.equal((await merge(b.id, a.id)).statusCode, 303);
    const again = await merge(b.id, rubbish.id);
    assert.equal(again.statusCode, 422);
    assert.match(again.body, /schon mit einer anderen/);
    assert.equal((await reportRow(b.id)).duplicate_of, a.id);
    assert.equal((await clerk.post(`/verwaltung/maengel/${a.id}/zusammenfuehren`, { stand: await stand(a.id), meldung: b.id }, { csrf: null })).statusCode, 403);
  });

  it('takes the merged duplicates along when the report is passed to another department', async () => {
    const a = await fileReport(app, host, {});
    const b = await fileReport(app, host, {});
    assert.equal((await merge(b.id, a.id)).statusCode, 303);
    const moved = await clerk.post(`/verwaltung/maengel/${a.id}/weiterleiten`, { stand: await stand(a.id), abteilung: departments.abfallwirtschaft! });
    assert.equal(moved.statusCode, 303);
    assert.deepEqual([(await reportRow(a.id)).department_id, (await reportRow(b.id)).department_id], [departments.abfallwirtschaft, departments.abfallwirtschaft]);
  });
});

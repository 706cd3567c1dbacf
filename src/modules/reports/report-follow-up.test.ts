import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Tenant } from '../tenants/tenant.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import type { TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { buildReportTown, fileReport } from '../../test-support/reports.js';
import { followUpJob } from './report-follow-up.js';

describe('asking the reporter four weeks after "done"', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: TestBrowser;
  before(async () => {
    ({ app, tenant, host, clerk } = await buildReportTown());
  });
  after(() => app.close());

  let reporters = 0;
  const reportRow = (id: string) => asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const mailsTo = async (to: string) => (await listOutbox(app.database.db, 500)).filter((m) => m.to === to && m.tenantId === tenant.id);
  const setStatus = async (id: string, status: string) => {
    const stand = (await clerk.get(`/verwaltung/maengel/${id}`)).body.match(/name="stand" value="(\d+)"/)![1]!;
    assert.equal((await clerk.post(`/verwaltung/maengel/${id}/stand`, { stand, status, kommentar: '' })).statusCode, 303);
  };
  /** Lets four weeks pass for the report's follow-up jobs, then runs what is due. */
  const fourWeeksLater = async (id: string) => {
    const queued = await sql<{ run_at: Date }>`update jobs set run_at = now() - interval '1 second' where kind = ${followUpJob} and payload->>'reportId' = ${id} and done_at is null returning run_at`.execute(app.database.db);
    await app.jobs.runDue();
    return queued.rows.length;
  };
  /** Files a report with an address (in the browser's language), marks it done; returns it and the follow-up link once sent. */
  async function doneReport(lang: 'de' | 'en' = 'de') {
    const email = `melder${++reporters}@example.org`;
    const browser = new TestBrowser(app.app, host);
    await browser.get(`/sprache?lang=${lang}&zurueck=/`);
    const { id } = await fileReport(app, host, { email }, browser);
    await setStatus(id, 'done');
    return { id, email };
  }
  const linkIn = (text: string) => text.match(/https?:\/\/[^/\s]+(\/maengel\/nachfrage\/[A-Za-z0-9_-]{43})/)?.[1];

  it('asks once, four weeks after done, in the reporter\'s language; "no" reopens the report for the department', async () => {
    const { id, email } = await doneReport('en');
    // Done, reopened and done again by the clerk: two jobs, one question.
    await setStatus(id, 'in_progress');
    await setStatus(id, 'done');
    await app.jobs.runDue();
    const statusMails = await mailsTo(email);
    assert.equal(statusMails.length, 3, 'the status mails go out at once');
    assert.ok(statusMails.some((m) => /Your report "Pothole": Done/.test(m.subject)), 'in the language the reporter filed in');
    const [job] = (await sql<{ run_at: Date }>`select run_at from jobs where kind = ${followUpJob} and payload->>'reportId' = ${id} order by id`.execute(app.database.db)).rows;
    assert.ok(job!.run_at.getTime() > Date.now() + 27 * 86_400_000, 'queued for four weeks later');

    assert.equal(await fourWeeksLater(id), 2);
    const questions = (await mailsTo(email)).filter((m) => linkIn(m.text));
    assert.equal(questions.length, 1, 'asked once per report');
    assert.match(questions[0]!.subject, /is the defect fixed\?/);
    const link = linkIn(questions[0]!.text)!;
    const stored = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('report_follow_ups').selectAll().where('report_id', '=', id).executeTakeFirstOrThrow());
    assert.equal(questions[0]!.text.includes(stored.token_hash), false, 'only the hash is stored');

    const reader = new TestBrowser(app.app, host);
    const page = await reader.get(link);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('name="antwort" value="nein"'));
    assert.equal((await reportRow(id)).status, 'done', 'opening the link answers nothing');
    assert.equal((await reader.post(link, { antwort: 'nein' }, { csrf: null })).statusCode, 403);
    await reader.get(link);
    assert.equal((await reader.post(link, { antwort: 'vielleicht' })).statusCode, 400);
    assert.equal((await reportRow(id)).status, 'done');
    await reader.get(link);
    const no = await reader.post(link, { antwort: 'nein' });
    assert.equal(no.statusCode, 303);
    assert.equal((await reportRow(id)).status, 'in_progress');
    assert.match((await reader.get(link)).body, /wieder in Bearbeitung/);
    assert.ok((await clerk.get('/verwaltung/maengel')).body.includes(`/verwaltung/maengel/${id}`), 'back among the department\'s open reports');
    assert.match((await clerk.get(`/verwaltung/maengel/${id}`)).body, /Wieder geöffnet/);

    // Answering again changes nothing, even after the clerk closed it once more.
    await setStatus(id, 'done');
    await reader.get('/maengel/melden'); // the answered page has no form to take the CSRF token from
    assert.equal((await reader.post(link, { antwort: 'nein' })).statusCode, 303);
    assert.equal((await reportRow(id)).status, 'done');
    const audit = await sql<{ action: string }>`select action from audit_log where tenant_id = ${tenant.id} and subject = ${`report:${id}`} and action = 'report.reopened'`.execute(app.database.db);
    assert.equal(audit.rows.length, 1);
    assert.equal(await fourWeeksLater(id), 1, 'done again queues another job');
    assert.equal((await mailsTo(email)).filter((m) => linkIn(m.text)).length, 1, 'but the question is never asked twice');
  });

  it('keeps a report done on "yes", and asks nothing about a report that is no longer done', async () => {
    const fixed = await doneReport();
    await fourWeeksLater(fixed.id);
    const link = linkIn((await mailsTo(fixed.email)).find((m) => linkIn(m.text))!.text)!;
    const reader = new TestBrowser(app.app, host);
    await reader.get(link);
    assert.equal((await reader.post(link, { antwort: 'ja' })).statusCode, 303);
    assert.equal((await reportRow(fixed.id)).status, 'done');
    assert.match((await reader.get(link)).body, /Vielen Dank für Ihre Rückmeldung/);

    const reopened = await doneReport();
    await setStatus(reopened.id, 'in_progress');
    await fourWeeksLater(reopened.id);
    assert.equal((await mailsTo(reopened.email)).some((m) => linkIn(m.text)), false);
    assert.equal((await new TestBrowser(app.app, host).get(`/maengel/nachfrage/${'a'.repeat(43)}`)).statusCode, 404, 'an unknown token');
  });
});

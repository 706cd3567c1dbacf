import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { berlinDay, formatIsoDate } from '../../platform/i18n/i18n.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { complaintAnswers, makeTeamLead, submitViaApi } from '../../test-support/applications.js';
import { TestBrowser } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import { changeCase } from '../cases/cases.service.js';
import { findStaffMember } from '../staff/staff.repository.js';
import type { StaffMember } from '../staff/index.js';
import type { Tenant } from '../tenants/tenant.js';
import { computeCaseFigures } from './statistics.repository.js';
import { parsePeriod } from './statistics.js';

const dayMs = 86_400_000;
const germanDay = (daysAgo: number) => formatIsoDate(berlinDay(new Date(Date.now() - daysAgo * dayMs)));

describe('statistics for team leads', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let lead: TestBrowser;
  let otherLead: TestBrowser;
  let clerk: TestBrowser;
  let worker: StaffMember;
  const references: string[] = [];

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    const leadAccount = await app.createClerk(tenant, 'zentrale');
    await makeTeamLead(app, tenant.id, leadAccount.id);
    const otherAccount = await app.createClerk(tenant, 'ordnungsamt');
    await makeTeamLead(app, tenant.id, otherAccount.id);
    const clerkAccount = await app.createClerk(tenant, 'zentrale');
    worker = (await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => findStaffMember(trx, clerkAccount.id)))!;
    lead = new TestBrowser(app.app, host);
    await signInClerk(lead, leadAccount);
    otherLead = new TestBrowser(app.app, host);
    await signInClerk(otherLead, otherAccount);
    clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, clerkAccount);

    const db = app.database.db;
    const version = async (id: string) => (await sql<{ version: number }>`select version from cases where id = ${id}`.execute(db)).rows[0]!.version;
    /** A complaint received `receivedDaysAgo` days ago, moved through `path`; decided `decidedAfterDays` after receipt. */
    async function seed(receivedDaysAgo: number, path: Array<'in_progress' | 'decided' | 'closed'>, decidedAfterDays?: number) {
      const c = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Die Straßenlaterne flackert', 'statistik@example.org'));
      references.push(c.reference);
      for (const to of path) {
        const outcome = await changeCase(db, { tenantId: tenant.id, staff: worker, caseId: c.caseId, version: await version(c.caseId), command: { kind: 'status', to, ...(to === 'decided' ? { decision: 'approved' as const } : {}) }, services: app.services });
        assert.equal(outcome, 'done');
      }
      await sql`update cases set created_at = now() - make_interval(days => ${receivedDaysAgo}) where id = ${c.caseId}`.execute(db);
      if (decidedAfterDays !== undefined) {
        await sql`update case_events set occurred_at = (select created_at from cases where id = ${c.caseId}) + make_interval(days => ${decidedAfterDays})
                  where case_id = ${c.caseId} and kind = 'status' and details->>'to' = 'decided'`.execute(db);
      }
      return c.caseId;
    }
    await seed(10, ['in_progress', 'decided', 'closed'], 2);
    await seed(9, ['in_progress', 'decided'], 4);
    await seed(8, ['in_progress', 'decided', 'closed'], 1);
    const overdue = await seed(5, []);
    await sql`update cases set due_at = now() - interval '1 day' where id = ${overdue}`.execute(db);
    const paper = await seed(3, ['in_progress']);
    await sql`update cases set channel = 'paper' where id = ${paper}`.execute(db);
    // Received last year: outside the default period (this year).
    await seed(400, []);
  });
  after(() => app.close());

  it('computes counts per status, the online share, overdue cases and the median processing time in SQL', async () => {
    const zentrale = (await sql<{ id: string }>`select id from departments where tenant_id = ${tenant.id} and key = 'zentrale'`.execute(app.database.db)).rows[0]!.id;
    const period = parsePeriod({ von: germanDay(30), bis: germanDay(0) }, 'de').period!;
    const figures = await inTransaction(app.database.db, { tenantId: tenant.id, departmentIds: [zentrale] }, (trx) =>
      computeCaseFigures(trx, { departmentIds: [zentrale], from: period.from, to: period.to, now: new Date() }));
    const expected = {
      total: 5,
      byStatus: { received: 1, in_progress: 1, waiting_for_applicant: 0, decided: 1, closed: 2, withdrawn: 0 },
      online: 4, overdue: 1, decided: 3, medianProcessingDays: 2,
    };
    assert.deepEqual(figures, [{ serviceId: 'kontakt-beschwerde', ...expected }, { serviceId: null, ...expected }]);
  });

  it('shows the figures to the team lead for a chosen period, without names or references', async () => {
    const byDefault = await lead.get('/verwaltung/statistik');
    assert.equal(byDefault.statusCode, 200);
    assert.match(byDefault.body, new RegExp(`Vorgänge je Leistung und Status, Eingang 01\\.01\\.${berlinDay(new Date()).slice(0, 4)} bis ${germanDay(0).replace(/\./g, '\\.')}</caption>`), 'this year up to today');
    const page = await lead.get(`/verwaltung/statistik?von=${germanDay(30)}&bis=${germanDay(0)}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<th scope="row" class="kern-table__header">Kontakt und Beschwerde<\/th><td class="kern-table__cell kern-table__cell--numeric">5<\/td><td[^>]*>1<\/td><td[^>]*>1<\/td><td[^>]*>0<\/td><td[^>]*>1<\/td><td[^>]*>2<\/td><td[^>]*>0<\/td>/);
    assert.match(page.body, /4 von 5 \(80\s%\)<\/td><td[^>]*>3<\/td><td class="kern-table__cell">2 Tage<\/td><td[^>]*>1<\/td>/);
    for (const reference of references) assert.ok(!page.body.includes(reference), 'no reference numbers');
    assert.doesNotMatch(page.body, /Straßenlaterne|statistik@example\.org|Greta/);

    // Received nine to eight days ago: the two cases decided after 4 and 1 days.
    const narrow = await lead.get(`/verwaltung/statistik?von=${germanDay(9)}&bis=${germanDay(8)}`);
    assert.equal(narrow.statusCode, 200);
    assert.match(narrow.body, /Kontakt und Beschwerde<\/th><td class="kern-table__cell kern-table__cell--numeric">2<\/td>/);
    assert.match(narrow.body, /2 von 2 \(100\s%\)<\/td><td[^>]*>2<\/td><td class="kern-table__cell">2,5 Tage<\/td>/);
  });

  it('refuses dates it cannot read and an end before the start, keeping what was typed', async () => {
    const bad = await lead.get('/verwaltung/statistik?von=31.02.2026&bis=gestern');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /<title>Nicht angezeigt: Statistik/);
    assert.match(bad.body, /class="kern-alert kern-alert--danger error-summary"/);
    assert.match(bad.body, /value="31\.02\.2026"/);
    assert.match(bad.body, /value="gestern"/);
    assert.equal((bad.body.match(/Bitte geben Sie ein Datum wie 31\.12\.2026 ein\./g) ?? []).length, 4, 'in the summary and at both fields');
    assert.doesNotMatch(bad.body, /<table/);
    const reversed = await lead.get('/verwaltung/statistik?von=10.03.2026&bis=09.03.2026');
    assert.equal(reversed.statusCode, 422);
    assert.match(reversed.body, /Das Ende darf nicht vor dem Anfang liegen\./);
  });

  it('refuses plain clerks and shows other departments\' leads none of these cases', async () => {
    const refused = await clerk.get('/verwaltung/statistik');
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Nur für Teamleitungen/);
    assert.doesNotMatch((await clerk.get('/verwaltung')).body, /href="\/verwaltung\/statistik"/);
    assert.match((await lead.get('/verwaltung')).body, /href="\/verwaltung\/statistik"/);
    const other = await otherLead.get('/verwaltung/statistik');
    assert.equal(other.statusCode, 200);
    assert.match(other.body, /Im gewählten Zeitraum sind in Ihren Fachbereichen keine Vorgänge eingegangen\./);
    assert.doesNotMatch(other.body, /Kontakt und Beschwerde/);
  });
});

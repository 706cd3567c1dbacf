import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { berlinDay, formatIsoDate } from '../../platform/i18n/i18n.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { mailedLink, signedInAccount } from '../../test-support/accounts.js';
import { submitViaApi } from '../../test-support/applications.js';
import { TestBrowser } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { readPayment } from './payments.service.js';

/** The day `days` after today in Europe/Berlin, YYYY-MM-DD. */
function inDays(days: number): string {
  const date = new Date(`${berlinDay(new Date())}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A skip of 7.5 m² (charged as 8) for 8 days: 30,00 € + 8 × 8 × 0,50 € = 62,00 €. */
function skipAnswers(email = 'dispo@example.org') {
  return {
    antragsteller: { name: 'Containerdienst Probe GmbH', anschrift: { street: 'Hafenstraße', houseNumber: '9', postcode: '12345', city: 'Teststadt' }, email, telefon: '0123 456789' },
    nutzung: { art: 'container', beschreibung: 'Ein Container, 2 mal 4 Meter' },
    ort: { anschrift: { street: 'Lindenweg', houseNumber: '7a', postcode: '12345', city: 'Teststadt' }, bereich: ['parkstreifen'], groesse: 7.5 },
    zeitraum: { von: inDays(14), bis: inDays(21) },
  };
}

const permitValues = { 'wert.erlaubtVon': '01.12.2026', 'wert.erlaubtBis': '08.12.2026', 'wert.flaeche': '8 m² auf dem Parkstreifen', 'wert.auflagen': '1,50 m Gehweg bleiben frei.' };

describe('fees paid after the decision (Sondernutzung)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let clerk: TestBrowser;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    // The legal remedy notice names the town's administrative court.
    await sql`update tenants set profile = jsonb_set(profile, '{administrativeCourt}', '"Verwaltungsgericht Gelsenkirchen"') where id = ${tenant.id}`.execute(app.database.db);
    await app.tenants.reload();
    clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'ordnungsamt'));
  });
  after(() => app.close());

  const casePage = (caseId: string) => `/verwaltung/vorgaenge/${caseId}`;
  const paymentsOf = async (caseId: string) =>
    (await sql<{ id: string; status: string; amount_cents: number; fee_mode: string }>`select id, status, amount_cents, fee_mode from payments where case_id = ${caseId}`.execute(app.database.db)).rows;

  /** Applies through the API and has the clerk take and decide the case (then at version 3). */
  async function decided(decision: 'approved' | 'partly' | 'rejected', answers = skipAnswers()) {
    const submitted = await submitViaApi(app, host, 'sondernutzung', answers);
    await clerk.get(casePage(submitted.caseId));
    assert.equal((await clerk.post(`${casePage(submitted.caseId)}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    assert.equal((await clerk.post(`${casePage(submitted.caseId)}/aenderung`, { version: '2', aktion: 'status', status: 'decided', entscheidung: decision })).statusCode, 303);
    return submitted;
  }

  async function issue(caseId: string, vorlage: string, version: number, fields: Record<string, string>) {
    await clerk.get(`${casePage(caseId)}/bescheide?vorlage=${vorlage}`);
    return clerk.post(`${casePage(caseId)}/bescheide`, { version: String(version), vorlage, aktion: 'erstellen', ...fields });
  }

  it('writes the payment request with the permit: the letter names the breakdown and how to pay, the status page links to the payment, paying once settles it', async () => {
    const { caseId } = await decided('approved');
    assert.deepEqual(await paymentsOf(caseId), [], 'nothing is due before the letter');

    const preview = await clerk.post(`${casePage(caseId)}/bescheide`, { version: '3', vorlage: 'erlaubnis', aktion: 'vorschau', ...permitValues });
    assert.match(preview.body, /Verwaltungsgebühr für die Bearbeitung: 30,00\s€/);
    assert.match(preview.body, /Sondernutzungsgebühr je Quadratmeter und Tag: 64 × 0,50\s€ = 32,00\s€/);

    const issued = await issue(caseId, 'erlaubnis', 3, permitValues);
    assert.equal(issued.statusCode, 303);
    const [payment, ...more] = await paymentsOf(caseId);
    assert.equal(more.length, 0);
    assert.deepEqual({ ...payment, id: undefined }, { id: undefined, status: 'created', amount_cents: 6200, fee_mode: 'after' });
    const letter = (await sql<{ content: string }>`select content from case_documents where case_id = ${caseId}`.execute(app.database.db)).rows[0]!.content;
    assert.match(letter, /Zu zahlen sind insgesamt \*\*62,00\s€\*\*/);
    assert.match(letter, /Verwendungszweck das Aktenzeichen/);

    // The applicant without an account finds the letter and the payment link behind the mailed status link.
    await app.jobs.runDue();
    const statusLink = (await mailedLink(app.database.db, tenant.id, 'dispo@example.org', '/status'))!;
    const applicant = new TestBrowser(app.app, host);
    const status = await applicant.get(statusLink);
    assert.match(status.body, /Mit dem Bescheid ist eine Gebühr von 62,00\s€ festgesetzt/);
    assert.match(status.body, new RegExp(`href="/zahlung/${payment!.id}"`));

    const page = await applicant.get(`/zahlung/${payment!.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /62,00\s€/);
    assert.match(page.body, /Später bezahlen/);
    const started = await applicant.post(`/zahlung/${payment!.id}`, {});
    const sandbox = String(started.headers.location);
    await applicant.get(sandbox);
    const back = await applicant.post(sandbox, { ergebnis: 'bezahlt' });
    await applicant.get(String(back.headers.location));
    assert.equal((await readPayment(app.database.db, tenant.id, payment!.id))!.status, 'paid');

    // Paying twice is impossible: the paid payment starts nothing new, and a corrected letter asks for no second fee.
    const again = await applicant.post(`/zahlung/${payment!.id}`, {});
    assert.equal(again.headers.location, `/zahlung/${payment!.id}`, 'a paid payment leads back to its page, not to the provider');
    const count = (await sql<{ n: number }>`select count(*)::int as n from payment_sandbox_transactions where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;
    assert.equal(count, 1, 'no second transaction at the provider');
    const first = (await sql<{ id: string }>`select id from case_documents where case_id = ${caseId}`.execute(app.database.db)).rows[0]!.id;
    assert.equal((await issue(caseId, 'erlaubnis', 4, { ...permitValues, ersetzt: first })).statusCode, 303);
    assert.equal((await paymentsOf(caseId)).length, 1, 'the correction keeps the one payment');

    const onCase = await clerk.get(casePage(caseId));
    assert.match(onCase.body, /62,00\s€/);
    assert.match(onCase.body, /Bezahlt/);
  });

  it('puts the payment link beside the permit in the postbox of an applicant who applied signed in', async () => {
    const { browser } = await signedInAccount(app, tenant.id, host);
    const start = '/leistungen/sondernutzung/antrag';
    await browser.get(start);
    const answers = skipAnswers('konto@example.org');
    const first = await browser.post(start, {
      name: answers.antragsteller.name, 'anschrift.street': 'Hafenstraße', 'anschrift.houseNumber': '9', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt',
      email: 'konto@example.org', telefon: '0123 456789', _action: 'continue',
    });
    assert.equal(first.statusCode, 303, first.body.slice(0, 500));
    const base = String(first.headers.location).replace(/\/[a-z]+$/, '');
    const steps: Array<[string, Record<string, string | string[]>]> = [
      ['nutzung', { art: 'container', beschreibung: 'Ein Container' }],
      ['ort', { 'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7a', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt', bereich: ['parkstreifen'], groesse: '7,5', lage: '' }],
      ['zeitraum', { von: formatIsoDate(answers.zeitraum.von), bis: formatIsoDate(answers.zeitraum.bis) }],
    ];
    for (const [step, fields] of steps) {
      await browser.get(`${base}/${step}`);
      const next = await browser.post(`${base}/${step}`, { ...fields, _action: 'continue' });
      assert.equal(next.statusCode, 303, next.body.slice(0, 500));
    }
    await browser.get(`${base}/skizze`);
    assert.equal((await browser.postMultipart(`${base}/skizze`, { _action: 'continue' }, {})).statusCode, 303);
    const check = await browser.get(`${base}/pruefen`);
    assert.match(check.body, /Sie bezahlen die Gebühr nach der Entscheidung/);
    assert.match(check.body, /64 × 0,50\s€ = 32,00\s€/, 'the check page shows the fee the decision will set');
    const sent = await browser.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303);
    assert.match(String(sent.headers.location), /^\/eingang\//, 'not paid first: on to the receipt');
    const caseId = (await sql<{ id: string }>`select c.id from cases c join submissions s on s.id = c.submission_id where s.tenant_id = ${tenant.id} order by s.submitted_at desc limit 1`.execute(app.database.db)).rows[0]!.id;

    await clerk.get(casePage(caseId));
    await clerk.post(`${casePage(caseId)}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' });
    await clerk.post(`${casePage(caseId)}/aenderung`, { version: '2', aktion: 'status', status: 'decided', entscheidung: 'partly' });
    assert.equal((await issue(caseId, 'erlaubnis', 3, permitValues)).statusCode, 303);
    const [payment] = await paymentsOf(caseId);
    assert.equal(payment!.amount_cents, 6200, 'a permit granted in part sets the fee too');

    const documentId = (await sql<{ id: string; delivery: string }>`select id, delivery from case_documents where case_id = ${caseId}`.execute(app.database.db)).rows[0]!;
    assert.equal(documentId.delivery, 'postbox');
    const letter = await browser.get(`/konto/postfach/bescheide/${documentId.id}`);
    assert.equal(letter.statusCode, 200);
    assert.match(letter.body, /Mit dem Bescheid ist eine Gebühr von 62,00\s€ festgesetzt/);
    assert.match(letter.body, new RegExp(`href="/zahlung/${payment!.id}"`));
    assert.match((await browser.get(`/zahlung/${payment!.id}`)).body, /href="\/konto\/postfach"/, 'paying later leads back to the postbox');
  });

  it('requests nothing with a rejection, and refuses an unknown or tampered payment id', async () => {
    const { caseId } = await decided('rejected');
    assert.equal((await issue(caseId, 'ablehnung', 3, { 'wert.begruendung': 'Der Gehweg ist zu schmal.' })).statusCode, 303);
    assert.deepEqual(await paymentsOf(caseId), []);
    const browser = new TestBrowser(app.app, host);
    assert.equal((await browser.get('/zahlung/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.equal((await browser.get('/zahlung/kein-uuid')).statusCode, 404);
  });
});

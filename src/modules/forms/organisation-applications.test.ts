import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { formatIsoDate, berlinDay } from '../../platform/i18n/i18n.js';
import { inTransaction } from '../../platform/db/database.js';
import { signedInAccount, type TestAccount } from '../../test-support/accounts.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { fieldError, TestBrowser } from '../../test-support/browser.js';
import { formValues } from '../../test-support/forms.js';
import { foundOrganisation, joinOrganisation } from '../../test-support/organisations.js';
import { pdfText } from '../../test-support/pdf.js';
import { signInClerk } from '../../test-support/staff.js';
import { addDays } from '../cases/applicant-requests.js';
import { referenceSequenceName } from '../tenants/tenants.repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { insertSubmissions } from './forms.repository.js';

const today = formatIsoDate(berlinDay(new Date()));

/** The Gewerbeanmeldung's steps after the first, complete. */
const laterSteps = {
  inhaber: {
    vorname: 'Alma', nachname: 'Korn', geburtsdatum: '12.08.1980', geburtsort: 'Essen', staatsangehoerigkeit: 'deutsch',
    'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7', 'anschrift.postcode': '45657', 'anschrift.city': 'Teststadt',
    email: 'backstube@example.org', telefon: '02361 12345',
  },
  taetigkeit: { beginn: today, taetigkeit: 'Herstellung und Verkauf von Backwaren', art: 'handwerk', nebenerwerb: 'no', beschaeftigteVollzeit: '3', beschaeftigteTeilzeit: '2' },
  betriebsstaette: { 'anschrift.street': 'Marktplatz', 'anschrift.houseNumber': '1', 'anschrift.postcode': '45657', 'anschrift.city': 'Teststadt', hauptniederlassung: 'yes' },
};

/**
 * Applying in an organisation's name (issue 4, item 9; ADR 0023): a member chooses the
 * organisation, the form names it, every member sees the application and its messages, nobody
 * else does, and only members can apply in its name.
 */
describe('applying in the name of an organisation', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let alice: { account: TestAccount; browser: TestBrowser };
  let bob: { account: TestAccount; browser: TestBrowser };
  let carol: { account: TestAccount; browser: TestBrowser };
  let bakery: string;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    [alice, bob, carol] = [await signedInAccount(app, tenant.id, host), await signedInAccount(app, tenant.id, host), await signedInAccount(app, tenant.id, host)];
    bakery = await foundOrganisation(alice.browser, 'Bäckerei Korn GmbH');
    await joinOrganisation(app, tenant.id, alice.browser, bakery, { browser: bob.browser, email: bob.account.email });
  });
  after(() => app.close());

  const db = () => app.database.db;

  /** Chooses for whom on the service's first page; returns the new draft's first step path. */
  async function choose(browser: TestBrowser, applicant: string): Promise<string> {
    const start = await browser.get('/leistungen/gewerbeanmeldung/antrag');
    assert.equal(start.headers.location, '/leistungen/gewerbeanmeldung/antrag/fuer-wen');
    await browser.get('/leistungen/gewerbeanmeldung/antrag/fuer-wen');
    const chosen = await browser.post('/leistungen/gewerbeanmeldung/antrag/fuer-wen', { applicant });
    assert.equal(chosen.statusCode, 303, chosen.body.slice(0, 300));
    return String(chosen.headers.location);
  }

  /** Fills every step (the first as it was prefilled, with the legal form) and lands on the check page. */
  async function fillSteps(browser: TestBrowser, firstStep: string): Promise<string> {
    const draftPath = firstStep.replace(/\/betrieb$/, '');
    const first = await browser.get(firstStep);
    const posted = await browser.post(firstStep, { ...formValues(first.body, firstStep), rechtsform: 'gmbh', registergericht: 'Amtsgericht Essen', registernummer: 'HRB 4711' });
    assert.equal(posted.statusCode, 303, posted.body.slice(0, 500));
    for (const [step, values] of Object.entries(laterSteps)) {
      await browser.get(`${draftPath}/${step}`);
      const response = await browser.post(`${draftPath}/${step}`, values);
      assert.equal(response.statusCode, 303, `${step}: ${fieldError(response.body, Object.keys(values)[0]!) ?? response.body.slice(0, 500)}`);
    }
    return `${draftPath}/pruefen`;
  }

  async function submit(browser: TestBrowser, checkPath: string) {
    await browser.get(checkPath);
    return browser.post(checkPath.replace(/pruefen$/, 'absenden'), { declaration: 'yes' });
  }

  const submissionOf = async (reference: string) =>
    (await sql<{ organisation_id: string | null; organisation_name: string | null; account_id: string | null }>`
      select organisation_id, organisation_name, account_id from submissions where reference = ${reference}`.execute(db())).rows[0];

  it('asks a member for whom, refuses no or a foreign choice, and names the organisation through to the clerk', async () => {
    const question = await alice.browser.get('/leistungen/gewerbeanmeldung/antrag/fuer-wen');
    assert.equal(question.statusCode, 200);
    assert.match(question.body, /Für wen stellen Sie den Antrag\?/);
    assert.match(question.body, /Mich selbst/);
    assert.match(question.body, /Im Namen von Bäckerei Korn GmbH/);

    const none = await alice.browser.post('/leistungen/gewerbeanmeldung/antrag/fuer-wen', {});
    assert.equal(none.statusCode, 422);
    assert.match(fieldError(none.body, 'applicant')!, /Wählen Sie aus, für wen Sie den Antrag stellen/);
    const carolsShop = await foundOrganisation(carol.browser, 'Carols Laden');
    await alice.browser.get('/leistungen/gewerbeanmeldung/antrag/fuer-wen');
    const foreign = await alice.browser.post('/leistungen/gewerbeanmeldung/antrag/fuer-wen', { applicant: carolsShop });
    assert.equal(foreign.statusCode, 422, 'an organisation the account does not belong to is no choice');
    const drafts = await sql<{ n: number }>`select count(*)::int as n from drafts where account_id = ${alice.account.id}`.execute(db());
    assert.equal(drafts.rows[0]!.n, 0, 'no draft was made');

    const firstStep = await choose(alice.browser, bakery);
    const first = await alice.browser.get(firstStep);
    assert.match(first.body, /value="Bäckerei Korn GmbH"/, 'the business name is prefilled with the organisation\'s');
    const checkPath = await fillSteps(alice.browser, firstStep);
    const check = await alice.browser.get(checkPath);
    assert.match(check.body, /Antrag gestellt für/);
    assert.match(check.body, /Im Namen von Bäckerei Korn GmbH/);
    assert.match(check.body, new RegExp(`href="${checkPath.replace(/pruefen$/, 'fuer-wen')}"`));

    const sent = await submit(alice.browser, checkPath);
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
    const receiptPage = await alice.browser.get(String(sent.headers.location));
    const reference = receiptPage.body.match(/data-testid="reference">([^<]+)</)![1]!;
    assert.deepEqual(await submissionOf(reference), { organisation_id: bakery, organisation_name: 'Bäckerei Korn GmbH', account_id: alice.account.id });
    const receiptPdf = await alice.browser.get(`${String(sent.headers.location)}/quittung.pdf`);
    assert.match(await pdfText(receiptPdf.rawPayload), /Im Namen von\s*Bäckerei Korn GmbH/);

    // The clerk sees for whom the application was made.
    const clerk = await app.createClerk(tenant, 'gewerbeamt');
    const staff = new TestBrowser(app.app, host);
    await signInClerk(staff, clerk);
    const caseId = (await sql<{ id: string }>`select id from cases where reference = ${reference}`.execute(db())).rows[0]!.id;
    const casePage = await staff.get(`/verwaltung/vorgaenge/${caseId}`);
    assert.match(casePage.body, /Im Namen von \(Organisation\)/);
    assert.match(casePage.body, /Bäckerei Korn GmbH/);

    // Every member sees it, with a question of the town in the postbox; outsiders do not.
    assert.match((await bob.browser.get('/konto/antraege')).body, new RegExp(`${reference}[\\s\\S]*im Namen von Bäckerei Korn GmbH`));
    const bobsView = await bob.browser.get(`/konto/antraege/${caseId}`);
    assert.equal(bobsView.statusCode, 200);
    assert.match(bobsView.body, /Herstellung und Verkauf von Backwaren/);
    assert.equal((await carol.browser.get(`/konto/antraege/${caseId}`)).statusCode, 404);
    assert.doesNotMatch((await carol.browser.get('/konto/antraege')).body, new RegExp(reference));

    assert.equal((await staff.post(`/verwaltung/vorgaenge/${caseId}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    await staff.get(`/verwaltung/vorgaenge/${caseId}`);
    const due = formatIsoDate(addDays(berlinDay(new Date()), 14));
    const asked = await staff.post(`/verwaltung/vorgaenge/${caseId}/nachforderungen`, { version: '2', rueckfrage: 'Bitte senden Sie den Handelsregisterauszug.', frist: due, unterlagen: 'Handelsregisterauszug' });
    assert.equal(asked.statusCode, 303, asked.body.slice(0, 500));
    const requestId = (await sql<{ id: string }>`select id from applicant_requests where case_id = ${caseId}`.execute(db())).rows[0]!.id;
    assert.match((await bob.browser.get('/konto/postfach')).body, new RegExp(`Frage zu Ihrem Antrag ${reference}`));
    assert.equal((await carol.browser.get(`/konto/postfach/fragen/${requestId}`)).statusCode, 404);
    const question2 = await bob.browser.get(`/konto/postfach/fragen/${requestId}`);
    assert.equal(question2.statusCode, 200, 'a member other than the applicant opens the question');
    assert.match(question2.body, /Handelsregisterauszug/);

    // Leaving the organisation ends the view of its applications; the applying account keeps its own.
    await bob.browser.get(`/konto/organisationen/${bakery}`);
    const left = await bob.browser.post(`/konto/organisationen/${bakery}/mitglieder/${bob.account.id}/entfernen`, {});
    assert.equal(left.statusCode, 303, left.body.slice(0, 300));
    assert.equal((await bob.browser.get(`/konto/antraege/${caseId}`)).statusCode, 404);
    assert.equal((await bob.browser.get(`/konto/postfach/fragen/${requestId}`)).statusCode, 404);
    assert.equal((await alice.browser.get(`/konto/antraege/${caseId}`)).statusCode, 200);
    await joinOrganisation(app, tenant.id, alice.browser, bakery, { browser: bob.browser, email: bob.account.email });
  });

  it('does not ask for whom where organisations may not apply, nor a signed-in account without organisations', async () => {
    const complaint = await alice.browser.get('/leistungen/kontakt-beschwerde/antrag');
    assert.equal(complaint.statusCode, 200);
    assert.doesNotMatch(complaint.body, /Für wen stellen Sie den Antrag/);
    const loner = await signedInAccount(app, tenant.id, host);
    assert.equal((await loner.browser.get('/leistungen/gewerbeanmeldung/antrag')).statusCode, 200);
    assert.equal((await loner.browser.get('/leistungen/gewerbeanmeldung/antrag/fuer-wen')).headers.location, '/leistungen/gewerbeanmeldung/antrag');
    const anonymous = new TestBrowser(app.app, host);
    assert.equal((await anonymous.get('/leistungen/gewerbeanmeldung/antrag')).statusCode, 200);
  });

  it('refuses to send in the name of an organisation the applicant has left, keeping the draft to choose again', async () => {
    const firstStep = await choose(bob.browser, bakery);
    const checkPath = await fillSteps(bob.browser, firstStep);
    await alice.browser.get(`/konto/organisationen/${bakery}`);
    assert.equal((await alice.browser.post(`/konto/organisationen/${bakery}/mitglieder/${bob.account.id}/entfernen`, {})).statusCode, 303);

    const refused = await submit(bob.browser, checkPath);
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /Sie gehören der gewählten Organisation nicht mehr an/);
    assert.match(refused.body, /eine Organisation, der Sie nicht mehr angehören/);
    const changePath = checkPath.replace(/pruefen$/, 'fuer-wen');
    const change = await bob.browser.get(changePath);
    assert.equal(change.statusCode, 200);
    assert.doesNotMatch(change.body, /Bäckerei Korn/);
    const personal = await bob.browser.post(changePath, { applicant: 'person' });
    assert.equal(personal.headers.location, checkPath);
    // With no organisation left to choose, the check page asks nothing about it.
    assert.doesNotMatch((await bob.browser.get(checkPath)).body, /Antrag gestellt für/);
    const sent = await submit(bob.browser, checkPath);
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
    const reference = (await bob.browser.get(String(sent.headers.location))).body.match(/data-testid="reference">([^<]+)</)![1]!;
    assert.deepEqual(await submissionOf(reference), { organisation_id: null, organisation_name: null, account_id: bob.account.id });
  });

  it('lets the database refuse a submission in the name of an organisation the actor does not belong to', async () => {
    const departmentId = (await sql<{ department_id: string }>`
      select department_id from tenant_services where tenant_id = ${tenant.id} and service_id = 'gewerbeanmeldung'`.execute(db())).rows[0]!.department_id;
    const submission = {
      tenantId: tenant.id, id: randomUUID(), caseId: randomUUID(), serviceId: 'gewerbeanmeldung', definitionHash: app.services.get('gewerbeanmeldung')!.hash,
      departmentId, answers: { answers: {}, sealed: null, dataKeyId: null }, language: 'de' as const, receiptTokenHash: 'f'.repeat(64), sequence: referenceSequenceName(tenant.id),
      referencePrefix: tenant.referencePrefix, actor: `account:${carol.account.id}`, applicantEmail: undefined, dueAt: undefined, searchText: '',
      accountId: carol.account.id, organisationId: bakery,
    };
    // Whatever the code above it passes, the memberships in the actor's settings decide.
    await assert.rejects(
      inTransaction(db(), { tenantId: tenant.id, accountId: carol.account.id }, (trx) => insertSubmissions(trx, [submission])),
      /submissions_organisation_named|row-level security/,
    );
    const stored = await sql<{ n: number }>`select count(*)::int as n from submissions where id = ${submission.id}`.execute(db());
    assert.equal(stored.rows[0]!.n, 0);
  });
});

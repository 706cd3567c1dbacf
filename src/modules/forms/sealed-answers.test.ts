import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { Keyring } from '../../platform/crypto/keyring.js';
import { loadAnswersKey } from '../../platform/crypto/secret-box.js';
import { inTransaction } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, readZip, signInAccount } from '../../test-support/accounts.js';
import { dogAnswers, housingBenefitAnswers, submitViaApi } from '../../test-support/applications.js';
import { samplePdf, TestBrowser } from '../../test-support/browser.js';
import { pdfText } from '../../test-support/pdf.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { searchText } from './answers.js';
import { openAnswers, splitSensitive } from './sealed-answers.js';

// A valid IBAN and an income found nowhere else: where they turn up, the plain value leaked.
const iban = 'DE03500105179173648265';
const ibanShown = 'DE03 5001 0517 9173 6482 65';

/** What the database holds of a submission: its plain answers, the sealed part, and the case's search vector. */
async function storedSubmission(app: TestApp, submissionId: string) {
  const { rows } = await sql<{ answers: string; sealed_answers: string | null; data_key_id: string | null; search: string }>`
    select s.answers::text as answers, s.sealed_answers, s.data_key_id, c.search::text as search
    from submissions s join cases c on c.tenant_id = s.tenant_id and c.submission_id = s.id and c.parent_case_id is null
    where s.id = ${submissionId}`.execute(app.database.db);
  return rows[0]!;
}

/** Asserts that no plain copy of the markers is in the row, its sealed part or the search vector. */
function assertNoPlainMarkers(stored: Awaited<ReturnType<typeof storedSubmission>>, markers: string[]) {
  for (const marker of markers) {
    assert.ok(!stored.answers.includes(marker), `answers hold ${marker}`);
    assert.ok(!stored.sealed_answers!.includes(marker), `sealed_answers hold ${marker}`);
    assert.ok(!stored.search.includes(marker.toLowerCase()), `the search vector holds ${marker}`);
  }
}

describe('sensitive answers sealed at rest (ADR 0025)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let other: Tenant;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    ({ tenant: other } = await app.createTown());
  });
  after(() => app.close());

  it('takes income, benefits and IBAN of a Wohngeld application out of the plain answers and out of the search text', () => {
    const form = app.services.get('wohngeld')!.definition.form!;
    const answers = housingBenefitAnswers();
    const { plain, sensitive } = splitSensitive(form, answers);
    assert.deepEqual(sensitive, { haushalt: { einkommen: 1850, transferleistungen: false }, konto: { iban: answers.konto.iban } });
    assert.deepEqual(plain.haushalt, { personen: 2 });
    assert.deepEqual(plain.nachweise, {}, 'a step without sensitive answers stays as it was');
    const text = searchText(form, answers);
    assert.match(text, /Mustermann/);
    assert.doesNotMatch(text, /1850|DE02/);
  });

  it('seals the sensitive answers of an API submission: neither column nor the search vector holds them in plain text', async () => {
    const answers = dogAnswers();
    answers.bankverbindung.iban = iban;
    const { submissionId } = await submitViaApi(app, host, 'hund-anmelden', answers);
    const stored = await storedSubmission(app, submissionId);
    assert.match(stored.sealed_answers ?? '', /^v1\./);
    assert.ok(stored.data_key_id);
    assertNoPlainMarkers(stored, [iban, '9173', '6482']);
    const plain = JSON.parse(stored.answers);
    assert.deepEqual(plain.bankverbindung, { kontoinhaber: 'Erika Mustermann' }, 'the IBAN left the plain answers');
    assert.match(stored.search, /'mustermann'/, 'the other answers are still searchable');

    // The same query through SQL text search: the clerks' search does not find the IBAN either.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from cases where tenant_id = ${tenant.id} and search @@ plainto_tsquery('simple', '9173')`.execute(app.database.db);
    assert.equal(rows[0]!.n, 0);

    const opened = await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) =>
      openAnswers(app.keyring, trx, tenant.id, { submissionId }, { answers: plain, sealed: stored.sealed_answers, dataKeyId: stored.data_key_id }));
    assert.deepEqual(opened, answers, 'opened, the answers are as given');
  });

  it('opens sealed answers only for their submission and their town', async () => {
    const answers = dogAnswers();
    answers.bankverbindung.iban = iban;
    const { submissionId } = await submitViaApi(app, host, 'hund-anmelden', answers);
    const { submissionId: anotherId } = await submitViaApi(app, host, 'hund-anmelden', dogAnswers());
    const stored = await storedSubmission(app, submissionId);
    const sealed = { answers: {}, sealed: stored.sealed_answers, dataKeyId: stored.data_key_id };

    // Copied to another submission of the same town, the seal does not open.
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => openAnswers(app.keyring, trx, tenant.id, { submissionId: anotherId }, sealed)));
    // Another town cannot read this town's data key at all (row-level security) …
    await assert.rejects(inTransaction(app.database.db, { tenantId: other.id }, (trx) => openAnswers(app.keyring, trx, other.id, { submissionId }, sealed)), /data key .* not found/);
    // … and the wrapped key copied into the other town does not unwrap there. (Rolled back: on a
    // shared PostgreSQL test database, other test apps open every town's newest key at start.)
    const rollback = new Error('rollback');
    await assert.rejects(app.database.db.transaction().execute(async (trx) => {
      await sql`insert into data_keys (tenant_id, id, wrapped_key) select ${other.id}, id, wrapped_key from data_keys where tenant_id = ${tenant.id} and id = ${stored.data_key_id}`.execute(trx);
      await sql`select set_config('role', 'rathaus_app', true), set_config('app.tenant_id', ${other.id}, true)`.execute(trx);
      await assert.rejects(openAnswers(new Keyring(app.config.answersKey!), trx, other.id, { submissionId }, sealed), /does not open with ANSWERS_KEY/);
      throw rollback;
    }), (error) => error === rollback);
    // A keyring with another master key opens nothing.
    const stranger = new Keyring(await loadAnswersKey({ dataDir: `${app.config.dataDir}-other` }));
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => openAnswers(stranger, trx, tenant.id, { submissionId }, sealed)), /does not open with ANSWERS_KEY/);
    // The town's own key does.
    const opened = await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => openAnswers(app.keyring, trx, tenant.id, { submissionId }, sealed));
    assert.equal(opened.bankverbindung?.iban, iban);
  });

  it('seals them in the browser journey too; the applicant, the clerks and the involved department see them opened', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const citizen = new TestBrowser(app.app, host);
    await signInAccount(citizen, account);
    await citizen.get('/leistungen/hund-anmelden/antrag');
    const first = await citizen.post('/leistungen/hund-anmelden/antrag', {
      vorname: 'Sina', nachname: 'Siegelhalterin', geburtsdatum: '1980-04-02',
      'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7a', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt',
      email: 'siegel@example.org', telefon: '', _action: 'continue',
    });
    assert.equal(first.statusCode, 303, first.body.slice(0, 500));
    const base = String(first.headers.location).replace(/\/hund$/, '');
    await citizen.get(`${base}/hund`);
    const dog = await citizen.post(`${base}/hund`, {
      name: 'Rex', rasse: 'rottweiler', rasseSonstige: '', geburtsdatum: '2023-01-15', chipnummer: '276098106543210', haltungSeit: new Date().toISOString().slice(0, 10), zweitHund: 'no', _action: 'continue',
    });
    assert.equal(dog.statusCode, 303, dog.body.slice(0, 500));
    await citizen.get(`${base}/gefaehrlicherHund`);
    const dangerous = await citizen.postMultipart(`${base}/gefaehrlicherHund`, { fuehrungszeugnis: 'yes', _action: 'continue' }, {
      sachkunde: [{ filename: 'sachkunde.pdf', contentType: 'application/pdf', content: samplePdf }],
      haftpflicht: [{ filename: 'haftpflicht.pdf', contentType: 'application/pdf', content: samplePdf }],
    });
    assert.equal(dangerous.statusCode, 303, dangerous.body.slice(0, 500));
    await citizen.get(`${base}/bankverbindung`);
    assert.equal((await citizen.post(`${base}/bankverbindung`, { iban: ibanShown, kontoinhaber: 'Sina Siegelhalterin', _action: 'continue' })).headers.location, `${base}/pruefen`);
    await citizen.get(`${base}/pruefen`);
    const sent = await citizen.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
    const submissionId = String(sent.headers.location).split('/').pop()!;

    const stored = await storedSubmission(app, submissionId);
    assertNoPlainMarkers(stored, [iban, '9173', '6482']);
    const plain = JSON.parse(stored.answers);
    assert.equal(plain.bankverbindung.iban, undefined);
    assert.equal(plain.gefaehrlicherHund.fuehrungszeugnis, undefined, 'the criminal-record question is sealed');
    assert.equal(plain.gefaehrlicherHund.sachkunde.length, 1, 'the files stay plain (the file store holds them)');

    // The applicant: receipt PDF, "Meine Anträge", the data export.
    const receiptPdf = await pdfText((await citizen.get(`${sent.headers.location}/quittung.pdf`)).rawPayload);
    assert.ok(receiptPdf.includes(ibanShown), 'the receipt PDF shows the IBAN');
    const { rows: [c] } = await sql<{ id: string }>`select id from cases where submission_id = ${submissionId} and parent_case_id is null`.execute(app.database.db);
    const detail = await citizen.get(`/konto/antraege/${c!.id}`);
    assert.equal(detail.statusCode, 200);
    assert.ok(detail.body.includes(ibanShown), 'Meine Anträge shows the IBAN');
    const data = JSON.parse((await readZip((await citizen.get('/konto/daten/export.zip')).rawPayload)).get('konto.json')!.toString('utf8'));
    const exported = data.applications.find((a: { answers: { bankverbindung?: { iban?: string } } }) => a.answers.bankverbindung?.iban === iban);
    assert.ok(exported, 'the export holds the applicant\'s own IBAN');
    assert.equal(exported.answers.gefaehrlicherHund.fuehrungszeugnis, true);
    assert.equal(exported.answers.halter.nachname, 'Siegelhalterin');

    // The Steueramt: case page and receipt PDF.
    const tax = new TestBrowser(app.app, host);
    await signInClerk(tax, await app.createClerk(tenant, 'steueramt'));
    const page = `/verwaltung/vorgaenge/${c!.id}`;
    const casePage = await tax.get(page);
    assert.ok(casePage.body.includes(ibanShown), 'the case page shows the IBAN');
    assert.match(casePage.body, /Haben Sie ein Führungszeugnis beantragt\?/);
    assert.ok((await pdfText((await tax.get(`${page}/eingang.pdf`)).rawPayload)).includes(ibanShown), 'the clerk\'s receipt PDF shows the IBAN');

    // The Ordnungsamt is given the criminal-record question, not the IBAN: sealed for its linked case.
    assert.equal((await tax.post(`${page}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);
    assert.equal((await tax.post(`${page}/beteiligungen`, { version: '2', beteiligung: 'lhundg-erlaubnis', frage: 'Bitte Erlaubnis prüfen.' })).statusCode, 303);
    const { rows: [linked] } = await sql<{ id: string; shared: string; sealed: string | null; key: string | null }>`
      select id, shared_answers::text as shared, shared_sealed_answers as sealed, shared_data_key_id as key from cases where parent_case_id = ${c!.id}`.execute(app.database.db);
    assert.ok(linked!.sealed && linked!.key === stored.data_key_id);
    assert.doesNotMatch(linked!.shared, /fuehrungszeugnis/);
    assert.match(linked!.shared, /Siegelhalterin/);
    const order = new TestBrowser(app.app, host);
    await signInClerk(order, await app.createClerk(tenant, 'ordnungsamt'));
    const linkedPage = await order.get(`/verwaltung/vorgaenge/${linked!.id}`);
    assert.equal(linkedPage.statusCode, 200);
    assert.match(linkedPage.body, /Haben Sie ein Führungszeugnis beantragt\?/, 'the shared sensitive answer is shown opened');
    assert.ok(!linkedPage.body.includes(ibanShown), 'the IBAN is not shared');
    // The linked case's seal is bound to it: the submission's context does not open it.
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id }, (trx) =>
      openAnswers(app.keyring, trx, tenant.id, { submissionId }, { answers: {}, sealed: linked!.sealed, dataKeyId: linked!.key })));
  });

  it('keeps the answers of submissions made before sealing (no sealed part) as they were', async () => {
    const opened = await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) =>
      openAnswers(app.keyring, trx, tenant.id, { submissionId: '00000000-0000-4000-8000-000000000000' }, { answers: { konto: { iban } }, sealed: null, dataKeyId: null }));
    assert.deepEqual(opened, { konto: { iban } });
  });
});

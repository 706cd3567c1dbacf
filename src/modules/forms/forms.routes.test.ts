import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { fakeExecutable, samplePdf, TestBrowser } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';

const owner = {
  vorname: 'Testa', nachname: 'Beispielhalterin', geburtsdatum: '1980-04-02',
  'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7a', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt',
  email: 'halterin@example.org', telefon: '',
};
const dog = (breed: string) => ({ name: 'Bello-Marker-7731', rasse: breed, rasseSonstige: '', geburtsdatum: '2023-01-15', chipnummer: '276098106543210', haltungSeit: new Date().toISOString().slice(0, 10), zweitHund: 'no' });

async function countRows(app: TestApp, tenant: Tenant, table: 'submissions' | 'cases' | 'files' | 'drafts') {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where tenant_id = ${tenant.id}`.execute(app.database.db);
  return r.rows[0]!.n;
}

/** Starts Hund anmelden and answers the owner and dog steps; returns the draft's URL prefix. */
async function startDogApplication(browser: TestBrowser, breed: string): Promise<string> {
  await browser.get('/leistungen/hund-anmelden/antrag');
  const first = await browser.post('/leistungen/hund-anmelden/antrag', { ...owner, _action: 'continue' });
  assert.equal(first.statusCode, 303, first.body.slice(0, 500));
  const stepUrl = first.headers.location as string;
  assert.match(stepUrl, /^\/antrag\/[0-9a-f-]{36}\/hund$/);
  await browser.get(stepUrl);
  const second = await browser.post(stepUrl, { ...dog(breed), _action: 'continue' });
  assert.equal(second.statusCode, 303, second.body.slice(0, 800));
  return stepUrl.replace(/\/hund$/, '');
}

describe('applying online (Hund anmelden)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  it('takes a newcomer from the form to a receipt, a PDF, a mail without data, and a case only the responsible department sees', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startDogApplication(browser, 'rottweiler');
    // A listed breed adds the dangerous-dog step with uploads.
    const dangerous = await browser.get(`${base}/gefaehrlicherHund`);
    assert.equal(dangerous.statusCode, 200);
    assert.match(dangerous.body, /enctype="multipart\/form-data"/);
    const upload = await browser.postMultipart(`${base}/gefaehrlicherHund`, { fuehrungszeugnis: 'yes', _action: 'continue' }, {
      sachkunde: [{ filename: 'sachkunde.pdf', contentType: 'application/pdf', content: samplePdf }],
      haftpflicht: [{ filename: 'haftpflicht.pdf', contentType: 'application/pdf', content: samplePdf }],
    });
    assert.equal(upload.statusCode, 303, upload.body.slice(0, 800));
    assert.equal(upload.headers.location, `${base}/bankverbindung`);
    await browser.get(`${base}/bankverbindung`);
    const bank = await browser.post(`${base}/bankverbindung`, { iban: 'DE02 1203 0000 0000 2020 51', kontoinhaber: 'Testa Beispielhalterin', _action: 'continue' });
    assert.equal(bank.headers.location, `${base}/pruefen`);

    const check = await browser.get(`${base}/pruefen`);
    assert.match(check.body, /Bello-Marker-7731/);
    assert.match(check.body, /DE02 1203 0000 0000 2020 51/);
    assert.match(check.body, /sachkunde\.pdf/);
    assert.match(check.body, new RegExp(`href="${base}/hund\\?pruefen=1`));

    const noDeclaration = await browser.post(`${base}/absenden`, {});
    assert.equal(noDeclaration.statusCode, 422);
    assert.match(noDeclaration.body, /Bestätigen Sie die Erklärung/);
    assert.equal(await countRows(app, tenant, 'submissions'), 0);

    const sent = await browser.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303);
    const receipt = await browser.get(sent.headers.location as string);
    assert.equal(receipt.statusCode, 200);
    const reference = receipt.body.match(new RegExp(`(${tenant.referencePrefix}-\\d{4}-\\d{6})`))?.[1];
    assert.ok(reference, 'receipt shows a reference number');

    const pdf = await browser.get(`${sent.headers.location}/quittung.pdf`);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

    // A second click on "send" does not create a second application.
    const again = await browser.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(again.statusCode, 404);
    assert.equal(await countRows(app, tenant, 'submissions'), 1);
    assert.equal(await countRows(app, tenant, 'drafts'), 0);

    await app.jobs.runDue();
    const mail = (await listOutbox(app.database.db, 50)).find((m) => m.tenantId === tenant.id);
    assert.ok(mail, 'confirmation mail queued and sent to the outbox');
    assert.equal(mail.to, 'halterin@example.org');
    assert.match(mail.text, new RegExp(reference));
    assert.doesNotMatch(mail.text + mail.subject, /Bello|Beispielhalterin|DE02|Lindenweg/);

    const steuer = await app.createClerk(tenant, 'steueramt');
    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, steuer);
    const inbox = await clerk.get('/verwaltung');
    assert.match(inbox.body, new RegExp(reference));
    const caseUrl = inbox.body.match(/href="(\/verwaltung\/vorgaenge\/[0-9a-f-]{36})"/)?.[1];
    assert.ok(caseUrl);
    const casePage = await clerk.get(caseUrl);
    assert.match(casePage.body, /Bello-Marker-7731/);
    assert.match(casePage.body, /haftpflicht\.pdf/);
    const fileUrl = casePage.body.match(/href="(\/verwaltung\/vorgaenge\/[^"]+\/dateien\/[^"]+)"/)?.[1];
    const file = await clerk.get(fileUrl!);
    assert.equal(file.statusCode, 200);
    assert.deepEqual(file.rawPayload, samplePdf);

    const buero = await app.createClerk(tenant, 'buergerbuero');
    const other = new TestBrowser(app.app, host);
    await signInClerk(other, buero);
    assert.doesNotMatch((await other.get('/verwaltung')).body, new RegExp(reference));
    assert.equal((await other.get(caseUrl)).statusCode, 404);
    assert.equal((await other.get(fileUrl!)).statusCode, 404);

    // The audit log records the submission and the clerk's read.
    const audit = await sql<{ action: string }>`select action from audit_log where tenant_id = ${tenant.id} order by id`.execute(app.database.db);
    assert.ok(audit.rows.some((r) => r.action === 'submission.created'));
    assert.ok(audit.rows.some((r) => r.action === 'case.viewed'));

    // No personal data in the logs.
    assert.equal(app.logs.filter((l) => /Bello-Marker-7731|halterin@example\.org|Beispielhalterin/.test(l)).length, 0);
  });

  it('skips the dangerous-dog step for other breeds', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startDogApplication(browser, 'labrador-retriever');
    assert.equal((await browser.get(`${base}/gefaehrlicherHund`)).statusCode, 404);
  });

  it('re-renders a step with errors next to the fields, keeping what was typed', async () => {
    const browser = new TestBrowser(app.app, host);
    await browser.get('/leistungen/hund-anmelden/antrag');
    const response = await browser.post('/leistungen/hund-anmelden/antrag', { ...owner, geburtsdatum: '31.02.1980', 'anschrift.postcode': '1234', email: 'kein-at-zeichen', _action: 'continue' });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /role="alert"/);
    assert.match(response.body, /href="#f-geburtsdatum"/);
    assert.match(response.body, /gültiges Datum/);
    assert.match(response.body, /fünfstellige Postleitzahl/);
    assert.match(response.body, /gültige E-Mail-Adresse/);
    assert.match(response.body, /value="Beispielhalterin"/);
    assert.match(response.body, /value="31.02.1980"/);
    assert.match(response.body, /value="kein-at-zeichen"/);
  });

  it('answers in English when English is chosen', async () => {
    const browser = new TestBrowser(app.app, host);
    const switched = await browser.get('/sprache?lang=en&zurueck=%2Fleistungen%2Fhund-anmelden%2Fantrag');
    assert.equal(switched.headers.location, '/leistungen/hund-anmelden/antrag');
    await browser.get('/leistungen/hund-anmelden/antrag');
    const response = await browser.post('/leistungen/hund-anmelden/antrag', { ...owner, 'anschrift.postcode': 'abc', _action: 'continue' });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /must be a five-digit postcode/);
    assert.match(response.body, /<html lang="en"/);
  });

  it('refuses a form without the CSRF token and stores nothing', async () => {
    const browser = new TestBrowser(app.app, host);
    await browser.get('/leistungen/hund-anmelden/antrag');
    const before = await countRows(app, tenant, 'drafts');
    const response = await browser.post('/leistungen/hund-anmelden/antrag', { ...owner, _action: 'continue' }, { csrf: 'forged' });
    assert.equal(response.statusCode, 403);
    assert.equal(await countRows(app, tenant, 'drafts'), before);
  });

  it('refuses unknown fields and tampered step ids with a 4xx', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startDogApplication(browser, 'labrador-retriever');
    assert.equal((await browser.post(`${base}/bankverbindung`, { iban: 'DE02120300000000202051', kontoinhaber: 'X', isAdmin: 'true' })).statusCode, 400);
    assert.equal((await browser.post(`${base}/gefaehrlicherHund`, { fuehrungszeugnis: 'yes' })).statusCode, 400);
    assert.equal((await browser.get(`${base}/nichtda`)).statusCode, 404);
    assert.equal((await browser.get('/antrag/not-a-uuid/hund')).statusCode, 404);
    // Another browser cannot use this draft.
    const stranger = new TestBrowser(app.app, host);
    await stranger.get('/leistungen/hund-anmelden/antrag');
    assert.equal((await stranger.get(`${base}/hund`)).statusCode, 404);
  });

  it('refuses an executable disguised as PDF, empty files and too many files, keeping the good ones', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startDogApplication(browser, 'rottweiler');
    await browser.get(`${base}/gefaehrlicherHund`);
    const bad = await browser.postMultipart(`${base}/gefaehrlicherHund`, { fuehrungszeugnis: 'yes', _action: 'continue' }, {
      sachkunde: [{ filename: 'nachweis.pdf', contentType: 'application/pdf', content: fakeExecutable }],
      haftpflicht: [{ filename: 'police.pdf', contentType: 'application/pdf', content: samplePdf }],
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /kein erlaubtes Format/);
    assert.match(bad.body, /police\.pdf/, 'the valid upload is kept');
    assert.match(bad.body, /value="yes" checked/, 'the answer is kept');
    const stored = await sql<{ filename: string }>`select filename from files where tenant_id = ${tenant.id} and draft_id is not null`.execute(app.database.db);
    assert.ok(!stored.rows.some((r) => r.filename === 'nachweis.pdf'));

    const tooMany = await browser.postMultipart(`${base}/gefaehrlicherHund`, { fuehrungszeugnis: 'yes', _action: 'continue' }, {
      sachkunde: [{ filename: 'a.pdf', contentType: 'application/pdf', content: samplePdf }, { filename: 'b.pdf', contentType: 'application/pdf', content: samplePdf }],
    });
    assert.equal(tooMany.statusCode, 422);
    assert.match(tooMany.body, /höchstens 1 Dateien/);

    const unknownFile = await browser.postMultipart(`${base}/gefaehrlicherHund`, { _action: 'continue' }, { foo: [{ filename: 'x.pdf', contentType: 'application/pdf', content: samplePdf }] });
    assert.equal(unknownFile.statusCode, 400);
  });

  it('refuses an upload above the size limit next to its field, keeping the other answers', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startDogApplication(browser, 'rottweiler');
    await browser.get(`${base}/gefaehrlicherHund`);
    const filesBefore = await countRows(app, tenant, 'files');
    const huge = Buffer.concat([samplePdf, Buffer.alloc(11 * 1024 * 1024)]);
    const response = await browser.postMultipart(`${base}/gefaehrlicherHund`, { fuehrungszeugnis: 'yes', _action: 'continue' }, {
      sachkunde: [{ filename: 'riesig.pdf', contentType: 'application/pdf', content: huge }],
    });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /Die Datei „riesig\.pdf“ ist zu groß/);
    assert.match(response.body, /value="yes" checked/);
    assert.equal(await countRows(app, tenant, 'files'), filesBefore);
  });

  it('answers malformed multipart with 400, not 500', async () => {
    const browser = new TestBrowser(app.app, host);
    const base = await startDogApplication(browser, 'rottweiler');
    const response = await app.app.inject({
      method: 'POST', url: `${base}/gefaehrlicherHund`,
      headers: { host, cookie: browser.cookieHeader, 'content-type': 'multipart/form-data; boundary=xyz' },
      payload: '--xyz\r\nContent-Disposition: form-data; name="sachkunde"; filename="a.pdf"\r\n\r\n%PDF-broken',
    });
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `status ${response.statusCode}`);
  });

  it('adds and removes items of a repeatable group without JavaScript', async () => {
    const browser = new TestBrowser(app.app, host);
    await browser.get('/leistungen/sperrmuell-anmeldung/antrag');
    const first = await browser.post('/leistungen/sperrmuell-anmeldung/antrag', { 'anschrift.street': 'Am Markt', 'anschrift.houseNumber': '3', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt', hinweis: '', _action: 'continue' });
    const url = first.headers.location as string;
    await browser.get(url);
    const items = { 'teile.0.art': 'schrank', 'teile.0.anzahl': '1', 'teile.0.beschreibung': 'Eiche', 'teile.1.art': 'sofa', 'teile.1.anzahl': '2', 'teile.1.beschreibung': '' };
    const added = await browser.post(url, { ...items, _action: 'add:teile' });
    assert.equal(added.statusCode, 200);
    assert.match(added.body, /name="teile\.2\.art"/);
    const removed = await browser.post(url, { ...items, 'teile.2.art': 'matratze', 'teile.2.anzahl': '1', _action: 'remove:teile:1' });
    assert.doesNotMatch(removed.body, /name="teile\.2\.art"/);
    assert.match(removed.body, /value="matratze" selected/);
    const saved = await browser.post(url, { 'teile.0.art': 'schrank', 'teile.0.anzahl': '1', 'teile.1.art': 'matratze', 'teile.1.anzahl': 'zwei', _action: 'continue' });
    assert.equal(saved.statusCode, 422);
    assert.match(saved.body, /muss eine Zahl sein/);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { readZip, signedInAccount } from '../../test-support/accounts.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { fakeExecutable, samplePdf, TestBrowser } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import { removeDeletedFiles } from '../retention/index.js';
import type { Tenant } from '../tenants/tenant.js';

/** A PDF of its own (a comment makes the bytes, and so the file store address, unique). */
const pdf = (label: string) => Buffer.concat([samplePdf, Buffer.from(`%${label} ${randomUUID()}\n`)]);
/** A 1×1 PNG. */
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const owner = {
  vorname: 'Testa', nachname: 'Safe', geburtsdatum: '02.04.1980',
  'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7a', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt',
  email: 'safe@example.org', telefon: '',
};
const today = new Date().toLocaleDateString('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Berlin' });
const listedDog = { name: 'Rex', rasse: 'rottweiler', rasseSonstige: '', geburtsdatum: '15.01.2023', chipnummer: '276098106543210', haltungSeit: today, zweitHund: 'no' };

describe('the document safe (/konto/dokumente)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  const signedIn = () => signedInAccount(app, tenant.id, host);

  /** Uploads a document through the page; returns its id. */
  async function upload(browser: TestBrowser, name: string, file: { filename: string; contentType: string; content: Buffer }): Promise<string> {
    await browser.get('/konto/dokumente');
    const response = await browser.postMultipart('/konto/dokumente', { name }, { datei: [file] });
    assert.equal(response.statusCode, 303, response.body.slice(0, 1500));
    assert.equal(response.headers.location, '/konto/dokumente?hinweis=hinzugefuegt');
    const page = await browser.get('/konto/dokumente');
    const id = page.body.match(new RegExp(`href="/konto/dokumente/([0-9a-f-]{36})/herunterladen">Herunterladen<span class="sr-only"> ${name}</span>`))?.[1];
    assert.ok(id, `the list links ${name}`);
    return id;
  }

  const documentRows = async (accountId: string) =>
    (await sql<{ id: string; name: string; sha256: string }>`select id, name, sha256 from account_documents where account_id = ${accountId}`.execute(app.database.db)).rows;
  const queuedForDeletion = async (sha256: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from file_deletions where sha256 = ${sha256}`.execute(app.database.db)).rows[0]!.n > 0;
  const storedBytes = (sha256: string) => app.files.get(sha256).then((b) => b, () => undefined);

  /** Starts Hund anmelden for a listed breed and answers the first two steps; returns the draft's URL prefix. */
  async function startListedDogApplication(browser: TestBrowser): Promise<string> {
    await browser.get('/leistungen/hund-anmelden/antrag');
    const first = await browser.post('/leistungen/hund-anmelden/antrag', { ...owner, _action: 'continue' });
    assert.equal(first.statusCode, 303, first.body.slice(0, 500));
    const base = String(first.headers.location).replace(/\/hund$/, '');
    await browser.get(`${base}/hund`);
    assert.equal((await browser.post(`${base}/hund`, { ...listedDog, _action: 'continue' })).headers.location, `${base}/gefaehrlicherHund`);
    return base;
  }

  it('keeps uploaded proofs: lists, downloads and deletes them, and refuses what is not a PDF, JPEG or PNG by its content', async () => {
    const anonymous = new TestBrowser(app.app, host);
    assert.equal((await anonymous.get('/konto/dokumente')).headers.location, '/konto/anmelden?weiter=%2Fkonto%2Fdokumente');
    const { account, browser } = await signedIn();
    const empty = await browser.get('/konto/dokumente');
    assert.equal(empty.statusCode, 200);
    assert.equal(empty.headers['cache-control'], 'no-store');
    assert.match(empty.body, /noch keine Dokumente/);
    assert.match(empty.body, /Belegt: 0 von 50 Dokumenten, 0 KB von 100 MB/);

    const bytes = pdf('haftpflicht');
    const id = await upload(browser, 'Haftpflicht 2026', { filename: 'haftpflicht.pdf', contentType: 'application/pdf', content: bytes });
    const list = await browser.get('/konto/dokumente?hinweis=hinzugefuegt');
    assert.match(list.body, /Das Dokument wurde hinzugefügt/);
    assert.match(list.body, /haftpflicht\.pdf \(1 KB\)/);
    assert.match(list.body, /Belegt: 1 von 50 Dokumenten, 1 KB von 100 MB/);

    const disguised = await browser.postMultipart('/konto/dokumente', { name: 'Ausweis' }, { datei: [{ filename: 'ausweis.pdf', contentType: 'application/pdf', content: fakeExecutable }] });
    assert.equal(disguised.statusCode, 422);
    assert.match(disguised.body, /Die Datei „ausweis\.pdf“ hat kein erlaubtes Format/);
    assert.match(disguised.body, /href="#f-datei"/);
    assert.match(disguised.body, /value="Ausweis"/, 'the name is kept');
    const nothing = await browser.postMultipart('/konto/dokumente', { name: '' }, {});
    assert.equal(nothing.statusCode, 422);
    assert.match(nothing.body, /Geben Sie an: Bezeichnung/);
    assert.match(nothing.body, /Laden Sie hoch: Datei/);
    const huge = await browser.postMultipart('/konto/dokumente', { name: 'Riesig' }, { datei: [{ filename: 'riesig.pdf', contentType: 'application/pdf', content: Buffer.concat([samplePdf, Buffer.alloc(11 * 1024 * 1024)]) }] });
    assert.equal(huge.statusCode, 422);
    assert.match(huge.body, /Die Datei „riesig\.pdf“ ist zu groß/);
    assert.equal((await documentRows(account.id)).length, 1);

    const download = await browser.get(`/konto/dokumente/${id}/herunterladen`);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf');
    assert.equal(download.headers['cache-control'], 'no-store');
    assert.equal(download.headers['content-disposition'], `attachment; filename="haftpflicht.pdf"; filename*=UTF-8''haftpflicht.pdf`);
    assert.deepEqual(download.rawPayload, bytes);

    const confirm = await browser.get(`/konto/dokumente/${id}/loeschen`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Möchten Sie „Haftpflicht 2026“/);
    assert.equal((await browser.post(`/konto/dokumente/${id}/loeschen`, {}, { csrf: 'forged' })).statusCode, 403);
    await browser.get(`/konto/dokumente/${id}/loeschen`);
    const deleted = await browser.post(`/konto/dokumente/${id}/loeschen`, {});
    assert.equal(deleted.statusCode, 303);
    assert.equal(deleted.headers.location, '/konto/dokumente?hinweis=geloescht');
    assert.doesNotMatch((await browser.get('/konto/dokumente')).body, /Haftpflicht 2026/);
    assert.equal((await browser.get(`/konto/dokumente/${id}/herunterladen`)).statusCode, 404);

    // The bytes nobody names any more go with the next retention run.
    const sha256 = (await sql<{ sha256: string }>`select encode(sha256(${bytes}), 'hex') as sha256`.execute(app.database.db)).rows[0]!.sha256;
    assert.ok(await queuedForDeletion(sha256));
    assert.ok(await storedBytes(sha256));
    await removeDeletedFiles(app, tenant.id);
    assert.equal(await storedBytes(sha256), undefined);

    const audit = await sql<{ action: string }>`select action from audit_log where subject = ${`account:${account.id}`} and action like 'account.document%' order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['account.document_added', 'account.document_deleted']);
  });

  it('stops at 50 documents or 100 MB per account', async () => {
    const { account, browser } = await signedIn();
    // Nine documents of 10 MB and one of 9.5 MB, as the database holds them (the bytes do not matter here).
    await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      for (let i = 0; i < 10; i++) {
        await trx.insertInto('account_documents').values({
          tenant_id: tenant.id, account_id: account.id, name: `Nachweis ${i}`, filename: `n${i}.pdf`, media_type: 'application/pdf',
          size: i === 9 ? 9.5 * 1024 * 1024 : 10 * 1024 * 1024, sha256: randomUUID().replace(/-/g, '').repeat(2),
        }).execute();
      }
    });
    await browser.get('/konto/dokumente');
    const bigger = await browser.postMultipart('/konto/dokumente', { name: 'Zu viel' }, { datei: [{ filename: 'gross.pdf', contentType: 'application/pdf', content: Buffer.concat([pdf('gross'), Buffer.alloc(600 * 1024)]) }] });
    assert.equal(bigger.statusCode, 422);
    assert.match(bigger.body, /höchstens 50 Dokumente und 100 MB zusammen/);
    assert.match(bigger.body, /value="Zu viel"/);
    await upload(browser, 'Passt noch', { filename: 'klein.pdf', contentType: 'application/pdf', content: pdf('klein') });

    await sql`delete from account_documents where account_id = ${account.id} and name like 'Nachweis %'`.execute(app.database.db);
    await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      for (let i = 0; i < 49; i++) {
        await trx.insertInto('account_documents').values({
          tenant_id: tenant.id, account_id: account.id, name: `Klein ${i}`, filename: `k${i}.pdf`, media_type: 'application/pdf', size: 1000, sha256: randomUUID().replace(/-/g, '').repeat(2),
        }).execute();
      }
    });
    await browser.get('/konto/dokumente');
    const fiftyFirst = await browser.postMultipart('/konto/dokumente', { name: 'Nummer 51' }, { datei: [{ filename: 'x.pdf', contentType: 'application/pdf', content: pdf('51') }] });
    assert.equal(fiftyFirst.statusCode, 422);
    assert.match(fiftyFirst.body, /höchstens 50 Dokumente/);
    assert.equal((await documentRows(account.id)).length, 50);
  });

  it('hides an account\'s documents from every other account: 404 on every URL, no attaching, row-level security', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const id = await upload(alice.browser, 'Ausweis Alice', { filename: 'ausweis.png', contentType: 'image/png', content: png });

    await bob.browser.get('/konto/dokumente');
    assert.doesNotMatch(bob.browser.lastPage, /Ausweis Alice/);
    assert.equal((await bob.browser.get(`/konto/dokumente/${id}/herunterladen`)).statusCode, 404);
    assert.equal((await bob.browser.get(`/konto/dokumente/${id}/loeschen`)).statusCode, 404);
    await bob.browser.get('/konto/dokumente');
    assert.equal((await bob.browser.post(`/konto/dokumente/${id}/loeschen`, {})).statusCode, 404);
    assert.equal((await bob.browser.get('/konto/dokumente/not-a-uuid/herunterladen')).statusCode, 404);
    assert.equal((await documentRows(alice.account.id)).length, 1, 'the document is still there');

    const seen = (accountId: string) => inTransaction(app.database.db, { tenantId: tenant.id, accountId }, async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from account_documents`.execute(trx)).rows[0]!.n);
    assert.equal(await seen(alice.account.id), 1);
    assert.equal(await seen(bob.account.id), 0);
    const removed = await inTransaction(app.database.db, { tenantId: tenant.id, accountId: bob.account.id }, (trx) => trx.deleteFrom('account_documents').executeTakeFirst());
    assert.equal(Number(removed.numDeletedRows), 0);

    // Bob (and a visitor who is signed out) cannot attach Alice's document to an application.
    for (const browser of [bob.browser, new TestBrowser(app.app, host)]) {
      const base = await startListedDogApplication(browser);
      const page = await browser.get(`${base}/gefaehrlicherHund`);
      assert.doesNotMatch(page.body, /Ausweis Alice/);
      const filesBefore = (await sql<{ n: number }>`select count(*)::int as n from files where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;
      const attempt = await browser.postMultipart(`${base}/gefaehrlicherHund`, { 'sachkunde.dokumente': id, fuehrungszeugnis: 'yes', _action: 'continue' }, {});
      assert.equal(attempt.statusCode, 404);
      const filesAfter = (await sql<{ n: number }>`select count(*)::int as n from files where tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;
      assert.equal(filesAfter, filesBefore);
    }
  });

  it('attaches documents from the safe to a dog application as if uploaded; the case file keeps them after they leave the safe', async () => {
    const { account, browser } = await signedIn();
    const sachkundeBytes = pdf('sachkunde');
    const sachkunde = await upload(browser, 'Sachkundenachweis', { filename: 'sachkunde-nachweis.pdf', contentType: 'application/pdf', content: sachkundeBytes });
    const haftpflicht = await upload(browser, 'Versicherung Hund', { filename: 'police.png', contentType: 'image/png', content: png });

    const base = await startListedDogApplication(browser);
    const step = await browser.get(`${base}/gefaehrlicherHund`);
    assert.match(step.body, /Aus meinen Dokumenten hinzufügen/);
    assert.match(step.body, /Sachkundenachweis \(sachkunde-nachweis\.pdf, PDF, 1 KB\)/);
    assert.match(step.body, /name="sachkunde\.dokumente"/);
    // "Add" stays on the step and lists the document like an upload.
    const added = await browser.postMultipart(`${base}/gefaehrlicherHund`, { 'sachkunde.dokumente': sachkunde, fuehrungszeugnis: 'yes', _action: 'attach:sachkunde' }, {});
    assert.equal(added.statusCode, 200, added.body.slice(0, 800));
    assert.match(added.body, /sachkunde-nachweis\.pdf \(1 KB\)/);
    assert.match(added.body, /value="yes" checked/);
    // Picked and sent on in one go.
    const next = await browser.postMultipart(`${base}/gefaehrlicherHund`, { 'haftpflicht.dokumente': haftpflicht, fuehrungszeugnis: 'yes', _action: 'continue' }, {});
    assert.equal(next.statusCode, 303, next.body.slice(0, 800));
    await browser.get(`${base}/bankverbindung`);
    await browser.post(`${base}/bankverbindung`, { iban: 'DE02120300000000202051', kontoinhaber: 'Testa Safe', _action: 'continue' });
    const check = await browser.get(`${base}/pruefen`);
    assert.match(check.body, /sachkunde-nachweis\.pdf/);
    assert.match(check.body, /police\.png/);
    const sent = await browser.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303);

    // The application's files are rows of their own, naming the same stored bytes.
    const submissionId = String(sent.headers.location).split('/').pop()!;
    const files = await sql<{ filename: string; sha256: string }>`select filename, sha256 from files where submission_id = ${submissionId} order by filename`.execute(app.database.db);
    const safe = await documentRows(account.id);
    assert.deepEqual(files.rows.map((f) => f.filename), ['police.png', 'sachkunde-nachweis.pdf']);
    assert.equal(files.rows[1]!.sha256, safe.find((d) => d.id === sachkunde)!.sha256);

    // The owner deletes both from the safe; the clerk's case file still has them, bytes and all.
    for (const id of [sachkunde, haftpflicht]) {
      await browser.get(`/konto/dokumente/${id}/loeschen`);
      assert.equal((await browser.post(`/konto/dokumente/${id}/loeschen`, {})).statusCode, 303);
    }
    await removeDeletedFiles(app, tenant.id);
    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'steueramt'));
    const inbox = await clerk.get('/verwaltung');
    const caseUrl = inbox.body.match(/href="(\/verwaltung\/vorgaenge\/[0-9a-f-]{36})"/)?.[1];
    assert.ok(caseUrl);
    const casePage = await clerk.get(caseUrl);
    assert.match(casePage.body, /E-Akte/);
    assert.match(casePage.body, /sachkunde-nachweis\.pdf/);
    assert.match(casePage.body, /police\.png/);
    const fileUrls = [...casePage.body.matchAll(/href="(\/verwaltung\/vorgaenge\/[^"]+\/dateien\/[^"]+)"/g)].map((m) => m[1]!);
    const downloads = await Promise.all([...new Set(fileUrls)].map((url) => clerk.get(url)));
    assert.ok(downloads.some((d) => d.statusCode === 200 && d.rawPayload.equals(sachkundeBytes)), 'the clerk downloads the attached document');
    assert.ok(downloads.some((d) => d.statusCode === 200 && d.rawPayload.equals(png)));
  });

  it('puts the profile and every document into the account\'s data export', async () => {
    const { browser } = await signedIn();
    await browser.get('/konto/profil');
    await browser.post('/konto/profil', { vorname: 'Erika', nachname: 'Export', geburtsdatum: '12.08.1984', sprache: 'de', vorausfuellen: 'ja' });
    const bytes = pdf('export');
    await upload(browser, 'Meldebescheinigung', { filename: 'melde/bescheinigung.pdf', contentType: 'application/pdf', content: bytes });
    const zip = await readZip((await browser.get('/konto/daten/export.zip')).rawPayload);
    const exported = JSON.parse(zip.get('konto.json')!.toString()) as { profile: { givenName: string; birthDate: string; prefillConsentGivenAt: string | null; documents: Array<{ name: string; file: string }> } };
    assert.equal(exported.profile.givenName, 'Erika');
    assert.equal(exported.profile.birthDate, '1984-08-12');
    assert.ok(exported.profile.prefillConsentGivenAt);
    assert.deepEqual(exported.profile.documents.map((d) => [d.name, d.file]), [['Meldebescheinigung', 'dokumente/1-bescheinigung.pdf']]);
    assert.deepEqual(zip.get('dokumente/1-bescheinigung.pdf'), bytes);
  });

  it('deletes an account\'s documents with the account and queues their bytes', async () => {
    const { account, browser } = await signedIn();
    await upload(browser, 'Einkommensnachweis', { filename: 'einkommen.pdf', contentType: 'application/pdf', content: pdf('einkommen') });
    const [document] = await documentRows(account.id);
    await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      await trx.deleteFrom('accounts').where('id', '=', account.id).execute();
    });
    assert.deepEqual(await documentRows(account.id), []);
    assert.ok(await queuedForDeletion(document!.sha256));
  });
});

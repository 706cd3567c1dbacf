import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { signedInAccount } from '../../test-support/accounts.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { formValues } from '../../test-support/forms.js';
import { pdfText } from '../../test-support/pdf.js';
import type { Tenant } from '../tenants/tenant.js';

const erika = {
  vorname: 'Erika', nachname: 'Musterfrau', geburtsdatum: '12.08.1984',
  'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7a', 'anschrift.postcode': '45657', 'anschrift.city': 'Teststadt',
  telefon: '02361 12345', sprache: 'de',
};

const dogStep = { name: 'Bello', rasse: 'beagle', rasseSonstige: '', geburtsdatum: '15.01.2023', chipnummer: '276098106543210', haltungSeit: new Date().toLocaleDateString('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Berlin' }), zweitHund: 'no' };

describe('the profile (/konto/profil)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  const signedIn = () => signedInAccount(app, tenant.id, host);

  async function saveProfile(browser: TestBrowser, fields: Record<string, string>) {
    await browser.get('/konto/profil');
    const response = await browser.post('/konto/profil', fields);
    assert.equal(response.statusCode, 303, response.body.slice(0, 800));
    assert.equal(response.headers.location, '/konto/profil?hinweis=gespeichert');
  }

  const profileRow = async (accountId: string) =>
    (await sql<{ given_name: string | null; birth_date: string | null; street: string | null; phone: string | null; prefill_consent_at: Date | null }>`
      select given_name, birth_date::text as birth_date, street, phone, prefill_consent_at from account_profiles where account_id = ${accountId}`.execute(app.database.db)).rows[0];

  it('sends a signed-out visitor to the sign-in and links the profile from the account page', async () => {
    const anonymous = new TestBrowser(app.app, host);
    const response = await anonymous.get('/konto/profil');
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/konto/anmelden?weiter=%2Fkonto%2Fprofil');
    const { browser } = await signedIn();
    const overview = await browser.get('/konto');
    assert.match(overview.body, /href="\/konto\/profil"/);
    assert.match(overview.body, /href="\/konto\/dokumente"/);
  });

  it('refuses bad details with a message next to each field, keeping what was typed, and stores nothing', async () => {
    const { account, browser } = await signedIn();
    const empty = await browser.get('/konto/profil');
    assert.equal(empty.statusCode, 200);
    assert.equal(empty.headers['cache-control'], 'no-store');
    assert.match(empty.body, /Zurzeit füllen wir keine Formulare/);
    const response = await browser.post('/konto/profil', {
      vorname: 'E'.repeat(101), nachname: 'Musterfrau', geburtsdatum: '31.02.1990', 'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '',
      'anschrift.postcode': '123', 'anschrift.city': '', telefon: 'abc', sprache: 'fr',
    });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /role="alert"/);
    for (const message of ['Vorname darf höchstens 100 Zeichen', 'Geburtsdatum muss ein gültiges Datum sein', 'Geben Sie an: Hausnummer', 'fünfstellige Postleitzahl', 'Geben Sie an: Ort', 'gültige Telefonnummer', 'Bevorzugte Sprache']) {
      assert.ok(response.body.includes(message), `message "${message}" shown`);
    }
    for (const href of ['#f-vorname', '#f-geburtsdatum', '#f-anschrift-houseNumber', '#f-anschrift-postcode', '#f-telefon', '#f-sprache']) assert.ok(response.body.includes(`href="${href}"`), href);
    assert.match(response.body, /value="31.02.1990"/);
    assert.match(response.body, /value="Lindenweg"/);
    assert.match(response.body, /value="abc"/);
    const future = await browser.post('/konto/profil', { ...erika, geburtsdatum: `01.01.${new Date().getFullYear() + 1}` });
    assert.equal(future.statusCode, 422);
    assert.match(future.body, /Geburtsdatum darf nicht nach dem/);
    assert.equal(await profileRow(account.id), undefined);
  });

  it('stores the details, the language of mails and the consent with its time; keeps that time and lets the consent be withdrawn', async () => {
    const { account, browser } = await signedIn();
    await saveProfile(browser, { ...erika, sprache: 'en', vorausfuellen: 'ja' });
    const page = await browser.get('/konto/profil?hinweis=gespeichert');
    assert.match(page.body, /Ihr Profil wurde gespeichert/);
    for (const value of ['Erika', 'Musterfrau', '12.08.1984', 'Lindenweg', '7a', '45657', 'Teststadt', '02361 12345']) assert.ok(page.body.includes(`value="${value}"`), value);
    assert.match(page.body, /value="en" checked/);
    assert.match(page.body, /value="ja" checked/);
    assert.match(page.body, /Sie haben am \d{2}\.\d{2}\.\d{4}/);
    const stored = await profileRow(account.id);
    assert.equal(stored?.birth_date, '1984-08-12');
    assert.ok(stored?.prefill_consent_at, 'consent stored with its time');
    const language = await sql<{ language: string }>`select language from accounts where id = ${account.id}`.execute(app.database.db);
    assert.equal(language.rows[0]!.language, 'en');

    await saveProfile(browser, { ...erika, telefon: '', vorausfuellen: 'ja' });
    const again = await profileRow(account.id);
    assert.equal(again?.prefill_consent_at?.getTime(), stored.prefill_consent_at.getTime(), 'saving again keeps when consent was given');
    assert.equal(again?.phone, null, 'an emptied field is removed');

    await saveProfile(browser, { vorname: '', nachname: '', geburtsdatum: '', 'anschrift.street': '', 'anschrift.houseNumber': '', 'anschrift.postcode': '', 'anschrift.city': '', telefon: '', sprache: 'de' });
    const withdrawn = await profileRow(account.id);
    assert.equal(withdrawn?.prefill_consent_at, null);
    assert.equal(withdrawn?.given_name, null);
    assert.equal(withdrawn?.street, null);
    assert.match((await browser.get('/konto/profil')).body, /Zurzeit füllen wir keine Formulare/);

    const audit = await sql<{ action: string; details: unknown }>`select action, details from audit_log where subject = ${`account:${account.id}`} and action like 'account.p%' order by id`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['account.profile_saved', 'account.prefill_consent_given', 'account.profile_saved', 'account.profile_saved', 'account.prefill_consent_withdrawn']);
    assert.doesNotMatch(JSON.stringify(audit.rows), /Musterfrau|Lindenweg/);
  });

  it('refuses a post without the CSRF token or with unknown fields', async () => {
    const { account, browser } = await signedIn();
    await browser.get('/konto/profil');
    assert.equal((await browser.post('/konto/profil', erika, { csrf: 'forged' })).statusCode, 403);
    await browser.get('/konto/profil');
    assert.equal((await browser.post('/konto/profil', { ...erika, account_id: 'x' })).statusCode, 400);
    assert.equal(await profileRow(account.id), undefined);
  });

  it('shows each account only its own profile (row-level security)', async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    await saveProfile(alice.browser, { ...erika, vorausfuellen: 'ja' });
    const bobsPage = await bob.browser.get('/konto/profil');
    assert.doesNotMatch(bobsPage.body, /Musterfrau|Lindenweg/);
    const seen = (accountId: string) => inTransaction(app.database.db, { tenantId: tenant.id, accountId }, async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from account_profiles`.execute(trx)).rows[0]!.n);
    assert.equal(await seen(alice.account.id), 1);
    assert.equal(await seen(bob.account.id), 0);
    const changed = await inTransaction(app.database.db, { tenantId: tenant.id, accountId: bob.account.id }, (trx) =>
      trx.updateTable('account_profiles').set({ given_name: 'Mallory' }).executeTakeFirst());
    assert.equal(Number(changed.numUpdatedRows), 0);
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id, accountId: bob.account.id }, (trx) =>
      trx.insertInto('account_profiles').values({ tenant_id: tenant.id, account_id: alice.account.id, given_name: 'Mallory' }).execute()), /row-level security/);
    assert.equal((await profileRow(alice.account.id))?.given_name, 'Erika');
  });

  it('prefills a signed-in applicant\'s form only with consent; the changed value is what is sent', async () => {
    const { account, browser } = await signedIn();
    await saveProfile(browser, { ...erika, vorausfuellen: 'ja' });

    const start = await browser.get('/leistungen/hund-anmelden/antrag');
    assert.equal(start.statusCode, 200);
    assert.equal(start.headers['cache-control'], 'no-store');
    assert.match(start.body, /Angaben aus Ihrem Profil übernommen/);
    assert.match(start.body, /Vorname, Nachname, Geburtsdatum, Anschrift, E-Mail-Adresse, Telefonnummer/);
    const prefilled = formValues(start.body, '/leistungen/hund-anmelden/antrag');
    assert.deepEqual(prefilled, {
      vorname: 'Erika', nachname: 'Musterfrau', geburtsdatum: '12.08.1984', 'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7a',
      'anschrift.postcode': '45657', 'anschrift.city': 'Teststadt', email: account.email, telefon: '02361 12345',
    });

    const owner = await browser.post('/leistungen/hund-anmelden/antrag', { ...prefilled, nachname: 'Geändert-Mustermann', _action: 'continue' });
    assert.equal(owner.statusCode, 303, owner.body.slice(0, 800));
    const base = String(owner.headers.location).replace(/\/hund$/, '');
    // An answered step shows the answers, not the profile again.
    const back = await browser.get(`${base}/halter`);
    assert.match(back.body, /value="Geändert-Mustermann"/);
    assert.doesNotMatch(back.body, /Angaben aus Ihrem Profil übernommen/);

    await browser.get(`${base}/hund`);
    assert.equal((await browser.post(`${base}/hund`, { ...dogStep, _action: 'continue' })).headers.location, `${base}/bankverbindung`);
    const bank = await browser.get(`${base}/bankverbindung`);
    assert.equal(formValues(bank.body, `${base}/bankverbindung`).kontoinhaber, 'Erika Musterfrau', 'the full name fills the account holder');
    assert.equal((await browser.post(`${base}/bankverbindung`, { iban: 'DE02120300000000202051', kontoinhaber: 'Erika Geändert-Mustermann', _action: 'continue' })).headers.location, `${base}/pruefen`);

    const check = await browser.get(`${base}/pruefen`);
    assert.match(check.body, /Geändert-Mustermann/);
    assert.doesNotMatch(check.body, />Musterfrau</);
    const sent = await browser.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303);
    const submissionId = String(sent.headers.location).split('/').pop()!;
    const answers = await sql<{ answers: { halter: Record<string, unknown> } }>`select answers from submissions where id = ${submissionId}`.execute(app.database.db);
    assert.equal(answers.rows[0]!.answers.halter.nachname, 'Geändert-Mustermann');
    assert.equal(answers.rows[0]!.answers.halter.vorname, 'Erika');
    assert.equal(answers.rows[0]!.answers.halter.geburtsdatum, '1984-08-12');
    const receipt = await pdfText((await browser.get(`${sent.headers.location}/quittung.pdf`)).rawPayload);
    assert.match(receipt, /Geändert-Mustermann/);
    assert.equal((await profileRow(account.id))?.given_name, 'Erika', 'the profile itself is unchanged');

    // Withdrawn consent: nothing is prefilled any more.
    await saveProfile(browser, { ...erika });
    const withoutConsent = await browser.get('/leistungen/hund-anmelden/antrag');
    assert.doesNotMatch(withoutConsent.body, /value="Erika"|Angaben aus Ihrem Profil/);
    assert.ok(!withoutConsent.body.includes(`value="${account.email}"`));
  });

  it('prefills nothing for a visitor who is signed out, or an account without a profile', async () => {
    const { browser } = await signedIn();
    await saveProfile(browser, { ...erika, vorausfuellen: 'ja' });
    const anonymous = new TestBrowser(app.app, host);
    const page = await anonymous.get('/leistungen/hund-anmelden/antrag');
    assert.doesNotMatch(page.body, /value="Erika"|Angaben aus Ihrem Profil/);
    const { browser: other } = await signedIn();
    const otherPage = await other.get('/leistungen/hund-anmelden/antrag');
    assert.doesNotMatch(otherPage.body, /value="Erika"|Angaben aus Ihrem Profil/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, readZip, signInAccount, type TestAccount } from '../../test-support/accounts.js';
import { complainInBrowser, complaintAnswers, submitViaApi } from '../../test-support/applications.js';
import { samplePdf, TestBrowser } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';

const owner = {
  vorname: 'Konta', nachname: 'Entwurfsfrau', geburtsdatum: '1980-04-02',
  'anschrift.street': 'Lindenweg', 'anschrift.houseNumber': '7a', 'anschrift.postcode': '12345', 'anschrift.city': 'Teststadt',
  email: 'konta@example.org', telefon: '',
};

describe('Meine Anträge', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  const browser = () => new TestBrowser(app.app, host);
  async function signedIn(account?: TestAccount): Promise<{ browser: TestBrowser; account: TestAccount }> {
    const acc = account ?? (await createAccount(app.database.db, tenant.id));
    const b = browser();
    await signInAccount(b, acc);
    return { browser: b, account: acc };
  }
  const caseOf = async (submissionId: string) =>
    (await sql<{ id: string; reference: string }>`select id, reference from cases where submission_id = ${submissionId}`.execute(app.database.db)).rows[0]!;

  /** Starts "Hund anmelden" and answers the first step; returns the draft's id. */
  async function startDogDraft(b: TestBrowser, name = owner.nachname): Promise<string> {
    await b.get('/leistungen/hund-anmelden/antrag');
    const first = await b.post('/leistungen/hund-anmelden/antrag', { ...owner, nachname: name, _action: 'continue' });
    assert.equal(first.statusCode, 303, first.body.slice(0, 500));
    return String(first.headers.location).split('/')[2]!;
  }

  it('lists the account\'s applications newest first, each with its status, history, answers and receipt', async () => {
    const { browser: alice } = await signedIn();
    const older = await caseOf(await complainInBrowser(alice, 'Erste Frage zum Markt'));
    const newer = await caseOf(await complainInBrowser(alice, 'Zweite Frage zum Markt'));
    await complainInBrowser(browser(), 'Ohne Konto gefragt');

    const clerk = await app.createClerk(tenant, 'zentrale');
    const staff = browser();
    await signInClerk(staff, clerk);
    await staff.get(`/verwaltung/vorgaenge/${older.id}`);
    assert.equal((await staff.post(`/verwaltung/vorgaenge/${older.id}/aenderung`, { version: '1', aktion: 'status', status: 'in_progress' })).statusCode, 303);

    const list = await alice.get('/konto/antraege');
    assert.equal(list.statusCode, 200);
    assert.equal(list.headers['cache-control'], 'no-store');
    const order = [newer.reference, older.reference].map((r) => list.body.indexOf(r));
    assert.ok(order[0]! > 0 && order[0]! < order[1]!, 'the newest application comes first');
    assert.doesNotMatch(list.body, /Ohne Konto/);
    assert.match(list.body, /Kontakt und Beschwerde/);
    assert.match(list.body, /In Bearbeitung/);
    assert.match(list.body, new RegExp(`href="/konto/antraege/${older.id}"`));
    assert.match((await alice.get('/konto')).body, /href="\/konto\/antraege"/, 'the account overview links to the list');

    const detail = await alice.get(`/konto/antraege/${older.id}`);
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /<strong>In Bearbeitung<\/strong>/);
    assert.match(detail.body, /Antrag eingegangen/);
    assert.match(detail.body, /Erste Frage zum Markt/, 'the answers as sent');
    assert.match(detail.body, /fragende@example\.org/);
    assert.match(detail.body, /href="\/konto\/postfach"/);
    assert.match(detail.body, /name="bestaetigung"/, 'an open application can be withdrawn');
    const pdf = await alice.get(`/konto/antraege/${older.id}/quittung.pdf`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
  });

  it('withdraws an open application after confirming, and refuses without the confirmation or once it is withdrawn', async () => {
    const { browser: alice } = await signedIn();
    const { id } = await caseOf(await complainInBrowser(alice, 'Bitte zurückziehen'));
    await alice.get(`/konto/antraege/${id}`);
    const unconfirmed = await alice.post(`/konto/antraege/${id}/zurueckziehen`, {});
    assert.equal(unconfirmed.statusCode, 422);
    assert.match(unconfirmed.body, /Bestätigen Sie, dass Sie den Antrag zurückziehen möchten/);
    const csrf = alice.csrf;
    assert.equal((await alice.post(`/konto/antraege/${id}/zurueckziehen`, { bestaetigung: 'ja' }, { csrf: 'falsch' })).statusCode, 403);
    assert.equal((await alice.post(`/konto/antraege/${id}/zurueckziehen`, { bestaetigung: 'ja', grund: 'x' }, { csrf })).statusCode, 400);
    const done = await alice.post(`/konto/antraege/${id}/zurueckziehen`, { bestaetigung: 'ja' }, { csrf });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `/konto/antraege/${id}#verlauf`);
    const page = await alice.get(`/konto/antraege/${id}`);
    assert.match(page.body, /<strong>Zurückgezogen<\/strong>/);
    assert.doesNotMatch(page.body, /name="bestaetigung"/);
    assert.equal((await alice.post(`/konto/antraege/${id}/zurueckziehen`, { bestaetigung: 'ja' }, { csrf })).statusCode, 409);
    const audit = await sql<{ details: { via: string } }>`select details from audit_log where subject = ${`case:${id}`} and action = 'case.withdrawn'`.execute(app.database.db);
    assert.deepEqual(audit.rows.map((r) => r.details.via), ['account']);
  });

  it('pages through the applications, ten at a time', async () => {
    const { browser: alice, account } = await signedIn();
    const references: string[] = [];
    for (let i = 0; i < 12; i++) references.push((await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers(`Anliegen ${i}`))).reference);
    // Through the API no account applies; as the database owner, make them Alice's, one minute apart.
    await sql`update submissions s set account_id = ${account.id}, submitted_at = now() - make_interval(mins => o.n::int)
              from (select id, row_number() over (order by reference) as n from submissions where tenant_id = ${tenant.id} and reference in (${sql.join(references)})) o
              where s.tenant_id = ${tenant.id} and s.id = o.id`.execute(app.database.db);
    const newestFirst = (await sql<{ reference: string }>`select reference from submissions where account_id = ${account.id} order by submitted_at desc, id desc`.execute(app.database.db)).rows.map((r) => r.reference);

    const first = await alice.get('/konto/antraege');
    const shown = (body: string) => newestFirst.filter((r) => body.includes(r));
    assert.deepEqual(shown(first.body), newestFirst.slice(0, 10));
    assert.match(first.body, /href="\/konto\/antraege\?seite=2"/);
    const second = await alice.get('/konto/antraege?seite=2');
    assert.deepEqual(shown(second.body), newestFirst.slice(10));
    assert.match(second.body, /href="\/konto\/antraege"/);
    assert.doesNotMatch(second.body, /seite=3/);
    assert.equal((await alice.get('/konto/antraege?seite=abc')).statusCode, 200);
  });

  it('keeps a draft in the account: resumed in a second browser, listed with its service, discarded after asking', async () => {
    const { browser: first, account } = await signedIn();
    const draftId = await startDogDraft(first, 'Zweigeraet');
    const second = (await signedIn(account)).browser;
    const list = await second.get('/konto/antraege');
    assert.match(list.body, /Gespeicherte Entwürfe/);
    assert.match(list.body, /Hund anmelden/);
    assert.match(list.body, new RegExp(`href="/antrag/${draftId}"`));
    const resume = await second.get(`/antrag/${draftId}`);
    assert.equal(resume.statusCode, 303);
    assert.equal(resume.headers.location, `/antrag/${draftId}/hund`, 'the draft continues at its first unanswered step');
    const back = await second.get(`/antrag/${draftId}/halter`);
    assert.equal(back.statusCode, 200);
    assert.match(back.body, /value="Zweigeraet"/, 'the answers saved on the first device');

    // "Später fortsetzen" while signed in: the draft waits in the account, no mail.
    await second.get(`/antrag/${draftId}/hund`);
    const later = await second.post(`/antrag/${draftId}/hund`, { name: '', rasse: '', rasseSonstige: '', geburtsdatum: '', chipnummer: '', haltungSeit: '', _action: 'later' });
    assert.equal(later.statusCode, 303);
    assert.equal(later.headers.location, '/konto/antraege?hinweis=draftSaved');
    assert.match((await second.get(later.headers.location)).body, /als Entwurf in Ihrem Konto gespeichert/);
    assert.equal((await second.get(`/antrag/${draftId}/spaeter`)).headers.location, '/konto/antraege?hinweis=draftSaved');

    const ask = await second.get(`/konto/antraege/entwuerfe/${draftId}/verwerfen`);
    assert.equal(ask.statusCode, 200);
    assert.match(ask.body, /Hund anmelden/);
    const csrf = second.csrf;
    assert.equal((await second.post(`/konto/antraege/entwuerfe/${draftId}/verwerfen`, {}, { csrf: 'falsch' })).statusCode, 403);
    const discarded = await second.post(`/konto/antraege/entwuerfe/${draftId}/verwerfen`, {}, { csrf });
    assert.equal(discarded.statusCode, 303);
    assert.match((await second.get(discarded.headers.location as string)).body, /Der Entwurf wurde gelöscht/);
    assert.equal((await first.get(`/antrag/${draftId}/halter`)).statusCode, 404);
    const left = await sql<{ n: number }>`select count(*)::int as n from drafts where id = ${draftId}`.execute(app.database.db);
    assert.equal(left.rows[0]!.n, 0);
  });

  it('carries a draft started before signing in into the account, with its upload', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const b = browser();
    await b.get('/leistungen/kontakt-beschwerde/antrag');
    const started = await b.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: 'Vor der Anmeldung', nachricht: 'N', _action: 'continue' }, {
      anhang: [{ filename: 'foto.pdf', contentType: 'application/pdf', content: samplePdf }],
    });
    assert.equal(started.statusCode, 303);
    const draftId = String(started.headers.location).split('/')[2]!;
    await signInAccount(b, account);
    const row = await sql<{ account_id: string | null; files: number }>`
      select account_id, (select count(*)::int from files where draft_id = ${draftId}) as files from drafts where id = ${draftId}`.execute(app.database.db);
    assert.deepEqual(row.rows[0], { account_id: account.id, files: 1 });
    assert.match((await b.get('/konto/antraege')).body, new RegExp(`href="/antrag/${draftId}"`));
    assert.equal((await b.get(`/antrag/${draftId}/anliegen`)).statusCode, 200);
    // Signed out, this browser no longer reaches the account's draft.
    await b.post('/konto/abmelden', {});
    assert.equal((await b.get(`/antrag/${draftId}/anliegen`)).statusCode, 404);
  });

  it('puts the account\'s drafts, with their answers and uploads, into its data export', async () => {
    const { browser: b } = await signedIn();
    await b.get('/leistungen/kontakt-beschwerde/antrag');
    const started = await b.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: 'Entwurf im Export', nachricht: 'N', _action: 'continue' }, {
      anhang: [{ filename: '../skizze.pdf', contentType: 'application/pdf', content: samplePdf }],
    });
    assert.equal(started.statusCode, 303);
    await startDogDraft(browser(), 'Fremder-Entwurf');
    const entries = await readZip((await b.get('/konto/daten/export.zip')).rawPayload);
    const data = JSON.parse(entries.get('konto.json')!.toString('utf8'));
    assert.equal(data.drafts.length, 1);
    assert.equal(data.drafts[0].service, 'kontakt-beschwerde');
    assert.equal(data.drafts[0].answers.anliegen.betreff, 'Entwurf im Export');
    assert.ok(data.drafts[0].keptUntil);
    assert.doesNotMatch(data.drafts[0].uploads[0].file, /\.\.\//);
    assert.deepEqual(entries.get(data.drafts[0].uploads[0].file), samplePdf);
    assert.doesNotMatch(JSON.stringify(data), /Fremder-Entwurf/);
  });

  it('answers 404 to another account for every address of an application or draft, and sends visitors to sign in', async () => {
    const { browser: alice, account } = await signedIn();
    const { id: caseId } = await caseOf(await complainInBrowser(alice, 'Nur für Alice'));
    const draftId = await startDogDraft(alice);
    const { browser: bob } = await signedIn();
    await bob.get('/konto');
    const csrf = bob.csrf;
    assert.ok(csrf);
    const gets = [`/konto/antraege/${caseId}`, `/konto/antraege/${caseId}/quittung.pdf`, `/konto/antraege/entwuerfe/${draftId}/verwerfen`,
      `/antrag/${draftId}`, `/antrag/${draftId}/halter`, `/antrag/${draftId}/pruefen`, `/antrag/${draftId}/spaeter`];
    for (const path of gets) assert.equal((await bob.get(path)).statusCode, 404, `GET ${path} as another account`);
    const posts: Array<[string, Record<string, string>]> = [
      [`/konto/antraege/${caseId}/zurueckziehen`, { bestaetigung: 'ja' }], [`/konto/antraege/entwuerfe/${draftId}/verwerfen`, {}],
      [`/antrag/${draftId}/halter`, { ...owner, _action: 'continue' }], [`/antrag/${draftId}/spaeter`, { email: 'bob@example.org' }], [`/antrag/${draftId}/absenden`, { declaration: 'yes' }],
    ];
    for (const [path, fields] of posts) assert.equal((await bob.post(path, fields, { csrf })).statusCode, 404, `POST ${path} as another account`);
    const bobsList = (await bob.get('/konto/antraege')).body;
    assert.doesNotMatch(bobsList, new RegExp(`${caseId}|${draftId}|Nur für Alice`));
    assert.equal((await bob.get('/konto/antraege/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.equal((await bob.get('/konto/antraege/kein-uuid')).statusCode, 404);

    // Nothing of Alice's changed.
    const state = await sql<{ status: string; drafts: number }>`select status, (select count(*)::int from drafts where account_id = ${account.id}) as drafts from cases where id = ${caseId}`.execute(app.database.db);
    assert.deepEqual(state.rows[0], { status: 'received', drafts: 1 });

    const visitor = browser();
    for (const path of ['/konto/antraege', `/konto/antraege/${caseId}`]) {
      const response = await visitor.get(path);
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, `/konto/anmelden?weiter=${encodeURIComponent(path)}`);
    }
    assert.equal((await visitor.get(`/antrag/${draftId}`)).statusCode, 404);
  });
});

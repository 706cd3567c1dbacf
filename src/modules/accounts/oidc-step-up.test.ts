import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { hashToken } from '../../platform/crypto/tokens.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { accountIdpClient, configureAccountIdp, idpPerson, sessionOf, signInThroughAccountIdp } from '../../test-support/account-idp.js';
import { createAccount, signInAccount } from '../../test-support/accounts.js';
import { dogAnswers, housingBenefitAnswers } from '../../test-support/applications.js';
import { TestBrowser } from '../../test-support/browser.js';
import { startTestIdp, type TestIdp } from '../../test-support/oidc-provider.js';
import type { Tenant } from '../tenants/tenant.js';

const applicant = {
  vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '1984-08-12',
  'anschrift.street': 'Hauptstraße', 'anschrift.houseNumber': '12a', 'anschrift.postcode': '45657', 'anschrift.city': 'Musterstadt',
  email: 'wohngeld@example.org', telefon: '',
};
const start = '/leistungen/wohngeld/antrag';

/**
 * Wohngeld requires the trust level "substantial" (service.yaml minimumTrustLevel): only an account
 * signed in through the town's IdP at that level may start, continue and send it, in the browser
 * and through the API.
 */
describe('services that require a trust level (Wohngeld: substantial)', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let plain: { tenant: Tenant; host: string };
  let idp: TestIdp;

  const browser = () => new TestBrowser(app.app, host);
  const submissions = async (t: Tenant = tenant) =>
    (await sql<{ n: number }>`select count(*)::int as n from submissions where tenant_id = ${t.id} and service_id = 'wohngeld'`.execute(app.database.db)).rows[0]!.n;
  const apiSubmit = (answers: unknown, cookie = '', at = host) =>
    app.app.inject({ method: 'POST', url: '/api/v1/services/wohngeld/submissions', headers: { host: at, cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ answers }) });

  /** A browser signed in through the IdP at the given acr (a new person each time). */
  async function signedInThroughIdp(acr: string): Promise<TestBrowser> {
    const b = browser();
    const sub = idpPerson(idp, { email: `${Math.random().toString(36).slice(2)}@example.org`, emailVerified: true });
    assert.equal((await signInThroughAccountIdp(b, idp, { accountId: sub, acr })).statusCode, 303);
    return b;
  }

  /** Answers the steps up to the check page in the browser; returns the draft's URL prefix. */
  async function answerUpToCheck(b: TestBrowser): Promise<string> {
    await b.get(start);
    const first = await b.post(start, { ...applicant, _action: 'continue' });
    assert.equal(first.statusCode, 303, first.body.slice(0, 500));
    const base = String(first.headers.location).replace(/\/wohnung$/, '');
    const steps: Array<[string, Record<string, string>]> = [
      ['wohnung', { art: 'miete', wohnflaeche: '62', miete: '540' }],
      ['haushalt', { personen: '2', einkommen: '1850', transferleistungen: 'no' }],
      ['nachweise', {}],
      ['konto', { iban: 'DE02 1203 0000 0000 2020 51', kontoinhaber: 'Erika Mustermann' }],
    ];
    for (const [step, fields] of steps) {
      await b.get(`${base}/${step}`);
      const next = await b.post(`${base}/${step}`, { ...fields, _action: 'continue' });
      assert.equal(next.statusCode, 303, `${step}: ${next.body.slice(0, 800)}`);
    }
    assert.equal((await b.get(`${base}/pruefen`)).statusCode, 200);
    return base;
  }

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    plain = await app.createTown();
    const client = accountIdpClient(host);
    idp = await startTestIdp([client]);
    await configureAccountIdp(app, tenant, idp.issuer, client);
  });
  after(async () => {
    await idp?.close();
    await app?.close();
  });

  it('names the requirement on the service page and in the catalog API', async () => {
    const page = await browser().get('/leistungen/wohngeld');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Vertrauensniveau „substanziell“ ausweisen/);
    assert.doesNotMatch((await browser().get('/leistungen/hund-anmelden')).body, /Vertrauensniveau/);
    const api = await app.app.inject({ method: 'GET', url: '/api/v1/services?q=wohngeld', headers: { host } });
    const wohngeld = (api.json() as { services: Array<{ id: string; onlineApplication: { minimumTrustLevel: string | null } | null }> }).services.find((s) => s.id === 'wohngeld');
    assert.equal(wohngeld?.onlineApplication?.minimumTrustLevel, 'substantial');
  });

  it('explains to someone not signed in why, and leads to the IdP asking for substantial', async () => {
    const b = browser();
    const page = await b.get(start);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1[^>]*>Für diesen Antrag müssen Sie sich ausweisen<\/h1>/);
    assert.match(page.body, /Für „Wohngeld beantragen“ müssen Sie sich mit dem Vertrauensniveau „substanziell“ ausweisen/);
    assert.match(page.body, /Sie sind nicht angemeldet\./);
    assert.match(page.body, /href="\/konto\/anmelden\/idp\?weiter=%2Fleistungen%2Fwohngeld%2Fantrag&amp;stufe=substantial"/);
    assert.doesNotMatch(page.body, /name="vorname"/, 'no form');
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from drafts where tenant_id = ${tenant.id} and service_id = 'wohngeld'`.execute(app.database.db)).rows[0]!.n, 0);
    const posted = await b.post(start, { ...applicant, _action: 'continue' });
    assert.equal(posted.statusCode, 403, 'a form sent without the level is refused');
    assert.match(posted.body, /Für diesen Antrag müssen Sie sich ausweisen/);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from drafts where tenant_id = ${tenant.id} and service_id = 'wohngeld'`.execute(app.database.db)).rows[0]!.n, 0, 'no draft');
  });

  it('steps a password sign-in (low) up to substantial through the IdP and returns to the form with a new session', async () => {
    const account = await createAccount(app.database.db, tenant.id);
    const b = browser();
    await signInAccount(b, account);
    const page = await b.get(start);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Ihre jetzige Anmeldung hat das Vertrauensniveau „niedrig“/);
    const stepUp = page.body.match(/href="(\/konto\/anmelden\/idp\?[^"]+)"/)![1]!.replace(/&amp;/g, '&');
    const toIdp = await b.get(stepUp);
    assert.equal(toIdp.statusCode, 303);
    const authorization = new URL(String(toIdp.headers.location));
    assert.deepEqual(authorization.searchParams.get('acr_values')?.split(' '), ['STORK-QAA-Level-3', 'http://eidas.europa.eu/LoA/substantial', 'STORK-QAA-Level-4', 'http://eidas.europa.eu/LoA/high']);

    const sub = idpPerson(idp, { email: 'andere.adresse@example.org', emailVerified: true });
    idp.nextSignIn = { accountId: sub, acr: 'requested' };
    const cookieBefore = b.cookieHeader;
    const back = await idp.authorize(authorization);
    assert.deepEqual(idp.requests.at(-1)?.acrValues.slice(0, 2), ['STORK-QAA-Level-3', 'http://eidas.europa.eu/LoA/substantial'], 'the IdP was asked for the level');
    const callback = await b.get(back.pathname + back.search);
    assert.equal(callback.statusCode, 303, callback.body.slice(0, 500));
    assert.equal(callback.headers.location, start, 'back to the form');
    assert.notEqual(b.cookieHeader, cookieBefore, 'the session was rotated');
    assert.deepEqual(await sessionOf(app, b), { accountId: account.id, trustLevel: 'substantial' });
    const links = await sql<{ subject: string }>`select subject from account_oidc_links where account_id = ${account.id}`.execute(app.database.db);
    assert.deepEqual(links.rows, [{ subject: sub }], 'the step-up linked the IdP identity to the signed-in account');

    const form = await b.get(start);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="vorname"/);
    const base = await answerUpToCheck(b);
    const sent = await b.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 800));
    assert.match(String(sent.headers.location), /^\/eingang\//);
    assert.equal(await submissions(), 1);
  });

  it('sends an IdP sign-in that stayed below the level back to the explanation', async () => {
    const b = browser();
    const sub = idpPerson(idp, { email: 'nur-niedrig@example.org', emailVerified: true });
    const landed = await signInThroughAccountIdp(b, idp, { accountId: sub, acr: 'STORK-QAA-Level-1' }, '/konto/anmelden/idp?weiter=%2Fleistungen%2Fwohngeld%2Fantrag&stufe=substantial');
    assert.equal(landed.headers.location, start);
    const page = await b.get(start);
    assert.match(page.body, /Ihre jetzige Anmeldung hat das Vertrauensniveau „niedrig“/);
    // A high level is enough for a substantial requirement.
    const high = await signedInThroughIdp('http://eidas.europa.eu/LoA/high');
    assert.match((await high.get(start)).body, /name="vorname"/);
  });

  it('refuses every step and the submission of a draft whose session is below the level, and sends no application', async () => {
    const b = await signedInThroughIdp('STORK-QAA-Level-3');
    const base = await answerUpToCheck(b);
    // The token of the check page: the forms below are refused for the level, not for a missing token.
    const csrf = b.csrf;
    const before = await submissions();
    // The session no longer reaches the level (as after a definition raised it, or a draft resumed from a weaker sign-in).
    const token = b.cookieHeader.match(/__Host-rathaus=([^;]+)/)![1]!;
    await sql`update sessions set trust_level = 'low' where id_hash = ${hashToken(token)}`.execute(app.database.db);

    for (const path of [`${base}/wohnung`, `${base}/pruefen`]) {
      const page = await b.get(path);
      assert.equal(page.statusCode, 200, path);
      assert.match(page.body, /Für diesen Antrag müssen Sie sich ausweisen/, path);
      assert.match(page.body, new RegExp(`weiter=${encodeURIComponent(path)}&amp;stufe=substantial`), path);
    }
    const step = await b.post(`${base}/wohnung`, { art: 'miete', wohnflaeche: '62', miete: '540', _action: 'continue' }, { csrf });
    assert.equal(step.statusCode, 403);
    const sent = await b.post(`${base}/absenden`, { declaration: 'yes' }, { csrf });
    assert.equal(sent.statusCode, 403);
    assert.match(sent.body, /weiter=%2Fantrag%2F[0-9a-f-]{36}%2Fpruefen&amp;stufe=substantial/, 'back to the check page after the step-up');
    assert.equal(await submissions(), before, 'nothing was sent');
  });

  it('refuses an API submission without an account session, or with a low one, as problem+json; accepts a substantial session', async () => {
    const before = await submissions();
    const anonymous = await apiSubmit(housingBenefitAnswers());
    assert.equal(anonymous.statusCode, 403);
    assert.match(String(anonymous.headers['content-type']), /^application\/problem\+json/);
    const problem = anonymous.json() as Record<string, unknown>;
    assert.equal(problem.type, 'urn:rathaus:problem:trust-level-required');
    assert.equal(problem.status, 403);
    assert.equal(problem.requiredTrustLevel, 'substantial');
    assert.equal(problem.currentTrustLevel, null);
    assert.match(String(problem.title), /requires a signed-in account/);
    assert.match(String(problem.detail), /"substantial"/);

    const account = await createAccount(app.database.db, tenant.id);
    const low = browser();
    await signInAccount(low, account);
    const lowAnswer = await apiSubmit(housingBenefitAnswers(), low.cookieHeader);
    assert.equal(lowAnswer.statusCode, 403);
    assert.equal((lowAnswer.json() as Record<string, unknown>).currentTrustLevel, 'low');
    // Refused before the answers are looked at: broken answers get the same refusal.
    assert.equal((await apiSubmit({ nonsense: true })).statusCode, 403);
    assert.equal(await submissions(), before);

    const substantial = await signedInThroughIdp('http://eidas.europa.eu/LoA/substantial');
    const accepted = await apiSubmit(housingBenefitAnswers(), substantial.cookieHeader);
    assert.equal(accepted.statusCode, 201, accepted.body);
    assert.equal(await submissions(), before + 1);
    // Services without a requirement still take anonymous API submissions.
    const dog = await app.app.inject({ method: 'POST', url: '/api/v1/services/hund-anmelden/submissions', headers: { host }, payload: { answers: dogAnswers() } });
    assert.equal(dog.statusCode, 201, dog.body);
  });

  it('says where the town has no IdP that the application cannot be made online there', async () => {
    const b = new TestBrowser(app.app, plain.host);
    const page = await b.get(start);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /bietet die Anmeldung über einen Identitätsdienst noch nicht an/);
    assert.doesNotMatch(page.body, /\/konto\/anmelden\/idp/);
    assert.match(page.body, /href="\/leistungen\/wohngeld"/);
    assert.equal((await apiSubmit(housingBenefitAnswers(), '', plain.host)).statusCode, 403);
    assert.equal(await submissions(plain.tenant), 0);
  });
});

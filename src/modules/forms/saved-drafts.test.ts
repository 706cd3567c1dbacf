import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { hashToken } from '../../platform/crypto/tokens.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { createAccount, mailedLink, signInAccount } from '../../test-support/accounts.js';
import { TestBrowser } from '../../test-support/browser.js';
import type { Tenant } from '../tenants/tenant.js';

const subject = 'Laterne-Marker-4711';
const message = 'Die Laterne vor Haus 12 flackert seit Wochen.';

describe('continuing an application later with a mailed link', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
  });
  after(() => app.close());

  const browser = () => new TestBrowser(app.app, host);
  const db = () => app.database.db;

  /** Answers the first step of a complaint and presses "Später fortsetzen"; returns the draft's id. */
  async function saveComplaintForLater(b: TestBrowser): Promise<string> {
    await b.get('/leistungen/kontakt-beschwerde/antrag');
    const later = await b.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'beschwerde', betreff: subject, nachricht: message, _action: 'later' }, {});
    assert.equal(later.statusCode, 303, later.body.slice(0, 400));
    const match = String(later.headers.location).match(/^\/antrag\/([0-9a-f-]{36})\/spaeter$/);
    assert.ok(match, `"Später fortsetzen" leads to the link page, not ${later.headers.location}`);
    return match[1]!;
  }

  /** Answers the first step of a complaint and opens the contact step; returns the draft's id. */
  async function answerFirstStep(b: TestBrowser): Promise<string> {
    await b.get('/leistungen/kontakt-beschwerde/antrag');
    const first = await b.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'frage', betreff: 'B', nachricht: 'N', _action: 'continue' }, {});
    const draftId = String(first.headers.location).split('/')[2]!;
    await b.get(`/antrag/${draftId}/kontakt`);
    return draftId;
  }

  /** Requests the link on the later page and returns its path from the mail. */
  async function mailLink(b: TestBrowser, draftId: string, email: string): Promise<string> {
    await b.get(`/antrag/${draftId}/spaeter`);
    const sent = await b.post(`/antrag/${draftId}/spaeter`, { email });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 400));
    assert.equal(sent.headers.location, `/antrag/${draftId}/spaeter?gesendet=1`);
    await app.jobs.runDue();
    const link = await mailedLink(db(), tenant.id, email, '/antrag/fortsetzen');
    assert.ok(link, 'the mail gives a resume link');
    return link;
  }

  it('mails a link without any answer that moves the draft, once, to another browser', async () => {
    const first = browser();
    const draftId = await saveComplaintForLater(first);
    const page = await first.get(`/antrag/${draftId}/spaeter`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="email"/, 'the answers hold no e-mail address yet');
    const wrong = await first.post(`/antrag/${draftId}/spaeter`, { email: 'kein-at-zeichen' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, /E-Mail-Adresse muss eine gültige E-Mail-Adresse sein/);
    assert.match(wrong.body, /value="kein-at-zeichen"/, 'the typed address is kept');
    assert.equal((await first.post(`/antrag/${draftId}/spaeter`, { email: 'a@example.org', extra: 'x' })).statusCode, 400);

    const path = await mailLink(first, draftId, 'spaeter@example.org');
    assert.match((await first.get(`/antrag/${draftId}/spaeter?gesendet=1`)).body, /Link gesendet/);
    const mail = (await listOutbox(db(), 200)).find((m) => m.to === 'spaeter@example.org')!;
    assert.match(mail.subject + mail.text, /Kontakt und Beschwerde/, 'the mail names the service');
    assert.doesNotMatch(mail.subject + mail.text, /Laterne|flackert|Haus 12|beschwerde\b/, 'the mail names no answer');
    const token = path.split('/').pop()!;
    const stored = await sql<{ token_hash: string }>`select token_hash from draft_resume_links where draft_id = ${draftId}`.execute(db());
    assert.deepEqual(stored.rows.map((r) => r.token_hash), [hashToken(token)], 'only the hash of the token is stored');
    const jobs = await sql<{ payload: unknown }>`select payload from jobs where kind = 'mail.draft-resume-link'`.execute(db());
    assert.ok(jobs.rows.every((j) => !JSON.stringify(j.payload).includes(token)), 'the token never sits in the job table');

    const second = browser();
    const landing = await second.get(path);
    assert.equal(landing.statusCode, 200);
    assert.equal(landing.headers['referrer-policy'], 'no-referrer');
    assert.match(landing.body, /Antrag fortsetzen/);
    assert.equal((await second.get(path)).statusCode, 200, 'opening the link (a mail scanner does) does not use it up');
    const resumed = await second.post(path, {});
    assert.equal(resumed.statusCode, 303);
    assert.equal(resumed.headers.location, `/antrag/${draftId}`);
    const next = await second.get(`/antrag/${draftId}`);
    assert.equal(next.headers.location, `/antrag/${draftId}/kontakt`, 'it continues where it stopped');
    assert.match((await second.get(`/antrag/${draftId}/anliegen`)).body, new RegExp(subject));

    assert.equal((await first.get(`/antrag/${draftId}/anliegen`)).statusCode, 404, 'the first browser no longer has the draft');
    const reused = browser();
    assert.equal((await reused.get(path)).statusCode, 404, 'the link is used up');
    await reused.get('/leistungen');
    assert.equal((await reused.post(path, {}, { csrf: null })).statusCode, 403);
  });

  it('takes the address from the answers, and a new link replaces the older one', async () => {
    const b = browser();
    const draftId = await answerFirstStep(b);
    const later = await b.post(`/antrag/${draftId}/kontakt`, { name: '', email: 'aus-dem-antrag@example.org', antwortErwuenscht: 'no', _action: 'later' });
    assert.equal(later.headers.location, `/antrag/${draftId}/spaeter`);
    const page = await b.get(`/antrag/${draftId}/spaeter`);
    assert.doesNotMatch(page.body, /name="email"/);
    assert.match(page.body, /aus-dem-antrag@example\.org/);
    const oldLink = await mailLink(b, draftId, 'aus-dem-antrag@example.org');
    await b.get(`/antrag/${draftId}/spaeter`);
    assert.equal((await b.post(`/antrag/${draftId}/spaeter`, {})).statusCode, 303);
    await app.jobs.runDue();
    const newLink = await mailedLink(db(), tenant.id, 'aus-dem-antrag@example.org', '/antrag/fortsetzen');
    assert.notEqual(newLink, oldLink);
    assert.equal((await browser().get(oldLink)).statusCode, 404, 'the older link expired');
    assert.equal((await browser().get(newLink!)).statusCode, 200);
  });

  it('refuses expired, unknown and malformed links, and limits the links of a draft per day', async () => {
    const b = browser();
    const draftId = await saveComplaintForLater(b);
    const path = await mailLink(b, draftId, 'abgelaufen@example.org');
    await sql`update draft_resume_links set expires_at = now() - interval '1 second' where draft_id = ${draftId}`.execute(db());
    const other = browser();
    assert.equal((await other.get(path)).statusCode, 404);
    await other.get('/leistungen/kontakt-beschwerde/antrag');
    const csrf = other.csrf;
    assert.equal((await other.post(path, {}, { csrf })).statusCode, 404, 'an expired link moves nothing');
    for (const bad of [`/antrag/fortsetzen/${'A'.repeat(43)}`, '/antrag/fortsetzen/zu-kurz', `/antrag/fortsetzen/${'A'.repeat(42)}!`]) {
      assert.equal((await other.get(bad)).statusCode, 404, bad);
      assert.equal((await other.post(bad, {}, { csrf })).statusCode, 404, bad);
    }
    assert.equal((await b.get(`/antrag/${draftId}/anliegen`)).statusCode, 200, 'the draft stayed where it was');

    for (let i = 1; i < 5; i++) await mailLink(b, draftId, 'abgelaufen@example.org');
    await b.get(`/antrag/${draftId}/spaeter`);
    const sixth = await b.post(`/antrag/${draftId}/spaeter`, { email: 'abgelaufen@example.org' });
    assert.equal(sixth.statusCode, 429);
    assert.match(sixth.body, /schon 5 Links angefordert/);
  });

  it('moves a draft opened by its link in a signed-in browser into that account', async () => {
    const b = browser();
    const draftId = await saveComplaintForLater(b);
    const path = await mailLink(b, draftId, 'konto-link@example.org');
    const account = await createAccount(db(), tenant.id);
    const signedIn = browser();
    await signInAccount(signedIn, account);
    await signedIn.get(path);
    assert.equal((await signedIn.post(path, {})).statusCode, 303);
    const row = await sql<{ account_id: string | null }>`select account_id from drafts where id = ${draftId}`.execute(db());
    assert.equal(row.rows[0]!.account_id, account.id);
    assert.match((await signedIn.get('/konto/antraege')).body, new RegExp(`href="/antrag/${draftId}"`));
  });

  it('leaves a step on which nothing was entered as it is, and shows the mistakes of a half-filled one', async () => {
    const b = browser();
    const draftId = await answerFirstStep(b);
    const empty = await b.post(`/antrag/${draftId}/kontakt`, { name: '', email: '', _action: 'later' });
    assert.equal(empty.headers.location, `/antrag/${draftId}/spaeter`);
    await b.get(`/antrag/${draftId}/kontakt`);
    const half = await b.post(`/antrag/${draftId}/kontakt`, { name: '', email: 'halb@', _action: 'later' });
    assert.equal(half.statusCode, 422);
    assert.match(half.body, /value="halb@"/);
    const answers = await sql<{ answers: Record<string, unknown> }>`select answers from drafts where id = ${draftId}`.execute(db());
    assert.deepEqual(Object.keys(answers.rows[0]!.answers), ['anliegen']);
  });
});

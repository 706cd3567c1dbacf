import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, type Trx } from '../../platform/db/database.js';
import { loadHandoffKey } from '../../platform/crypto/secret-box.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { complaintAnswers, dogAnswers, submitViaApi } from '../../test-support/applications.js';
import { samplePdf, TestBrowser } from '../../test-support/browser.js';
import { signInClerk } from '../../test-support/staff.js';
import type { Tenant } from '../tenants/tenant.js';
import { listCaseHandoffs, removeHandoffTarget, setHandoffTarget } from './index.js';
import { newWebhookSecret, verifyWebhook } from './webhook-signature.js';

interface Received { headers: http.IncomingHttpHeaders; body: string }
interface Answer { status: number; body?: string; processed?: boolean }

/**
 * A specialist system on 127.0.0.1: answers with what `respond` says, and like a careful receiver
 * stores each case once under its Idempotency-Key (when `respond` says it processed it).
 */
class Receiver {
  received: Received[] = [];
  cases = new Map<string, unknown>();
  respond: (request: Received, n: number) => Answer | Promise<Answer> = () => ({ status: 200 });
  #server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const got = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.received.push(got);
      const answer = await this.respond(got, this.received.length);
      const key = String(got.headers['idempotency-key']);
      if ((answer.processed ?? answer.status < 300) && !this.cases.has(key)) this.cases.set(key, JSON.parse(got.body));
      response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/vorgaenge`;
  }

  reset(respond: Receiver['respond']): void {
    this.received = [];
    this.cases.clear();
    this.respond = respond;
  }

  close(): void {
    this.#server.closeAllConnections();
    this.#server.close();
  }
}

/** The state the case page's hand-off section shows ("Stand"). */
function shownState(html: string): string | undefined {
  return html.match(/>Stand<\/dt><dd[^>]*><span[^>]*>([^<]*)</)?.[1];
}

/** A port on 127.0.0.1 nobody listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('hand-off of new cases to a specialist system', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  const receiver = new Receiver();
  let receiverUrl: string;
  let secret: string;
  let zentrale: TestBrowser;
  let buero: TestBrowser;

  /** Configures where a service of the town forwards, as `npm run cli -- handoff set` does. */
  async function configure(serviceId: string, url: string, withSecret = secret): Promise<void> {
    const key = await loadHandoffKey(app.config);
    const outcome = await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      return setHandoffTarget(trx, key, app.config, { tenantId: tenant.id, serviceId, url, secret: withSecret });
    });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
  }

  async function deliveryOf(caseId: string) {
    const { rows } = await sql<{ id: string; status: string; attempts: number; http_status: number | null; error: string | null; delivered_at: Date | null }>`
      select id, status, attempts, http_status, error, delivered_at from handoff_deliveries where case_id = ${caseId}`.execute(app.database.db);
    return rows[0];
  }

  /** The delivery's jobs still to run (a finished job's payload is cleared, so it names no delivery). */
  async function openJobsOf(deliveryId: string) {
    const { rows } = await sql<{ attempts: number; max_attempts: number; last_error: string | null; run_at: Date }>`
      select attempts, max_attempts, last_error, run_at from jobs
      where kind = 'handoff' and done_at is null and attempts < max_attempts and payload->>'deliveryId' = ${deliveryId}`.execute(app.database.db);
    return rows;
  }

  async function handoffJobCount(): Promise<number> {
    return (await sql<{ n: number }>`select count(*)::int as n from jobs where kind = 'handoff' and tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;
  }

  /** Makes the delivery's waiting retry due now instead of after its back-off. */
  async function makeRetryDue(deliveryId: string): Promise<void> {
    await sql`update jobs set run_at = now() where kind = 'handoff' and done_at is null and payload->>'deliveryId' = ${deliveryId}`.execute(app.database.db);
  }

  async function complaint(text: string) {
    return submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers(text));
  }

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    receiverUrl = await receiver.start();
    secret = newWebhookSecret();
    await configure('kontakt-beschwerde', receiverUrl);
    zentrale = new TestBrowser(app.app, host);
    await signInClerk(zentrale, await app.createClerk(tenant, 'zentrale'));
    buero = new TestBrowser(app.app, host);
    await signInClerk(buero, await app.createClerk(tenant, 'buergerbuero'));
  });
  after(async () => {
    receiver.close();
    await app.close();
  });

  it('forwards the sensitive answers opened, though the database holds them only sealed (ADR 0025)', async () => {
    receiver.reset(() => ({ status: 200 }));
    await configure('hund-anmelden', receiverUrl);
    const answers = dogAnswers();
    answers.bankverbindung.iban = 'DE03500105179173648265';
    const { caseId, submissionId } = await submitViaApi(app, host, 'hund-anmelden', answers);
    const { rows: [stored] } = await sql<{ answers: string; sealed_answers: string }>`select answers::text, sealed_answers from submissions where id = ${submissionId}`.execute(app.database.db);
    assert.doesNotMatch(stored!.answers, /DE03500105179173648265/);
    assert.ok(stored!.sealed_answers);

    await app.jobs.runDue();
    const sent = receiver.received.map((r) => JSON.parse(r.body)).find((b) => b.data.caseId === caseId);
    assert.ok(sent, 'the case was forwarded');
    assert.equal(sent.data.answers.bankverbindung.iban, 'DE03500105179173648265');
    assert.equal(sent.data.answers.bankverbindung.kontoinhaber, 'Erika Mustermann', 'the plain answers of the same step are there too');
    await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      assert.equal(await removeHandoffTarget(trx, tenant.id, 'hund-anmelden'), true);
    });
  });

  it('delivers a new case on the first try, signed, with its idempotency key, its answers and its files', async () => {
    receiver.reset(() => ({ status: 200 }));
    // The browser journey, with an attachment.
    const citizen = new TestBrowser(app.app, host);
    await citizen.get('/leistungen/kontakt-beschwerde/antrag');
    const first = await citizen.postMultipart('/leistungen/kontakt-beschwerde/antrag', { art: 'beschwerde', betreff: 'Laterne defekt', nachricht: 'Die Laterne vor Nr. 5 ist aus.', _action: 'continue' }, {
      anhang: [{ filename: 'foto.pdf', contentType: 'application/pdf', content: samplePdf }],
    });
    assert.equal(first.statusCode, 303, first.body.slice(0, 500));
    const base = String(first.headers.location).replace(/\/[^/]+$/, '');
    await citizen.get(String(first.headers.location));
    const second = await citizen.post(String(first.headers.location), { name: 'Greta Quandt', email: 'greta@example.org', antwortErwuenscht: 'yes', _action: 'continue' });
    assert.equal(second.statusCode, 303, second.body.slice(0, 500));
    await citizen.get(`${base}/pruefen`);
    const sent = await citizen.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
    const submissionId = String(sent.headers.location).split('/').pop()!;
    const { rows: [c] } = await sql<{ id: string; reference: string }>`select id, reference from cases where submission_id = ${submissionId}`.execute(app.database.db);

    const delivery = await deliveryOf(c!.id);
    assert.equal(delivery?.status, 'pending', 'the delivery exists with the case');
    await app.jobs.runDue();

    assert.equal(receiver.received.length, 1);
    const [request] = receiver.received;
    const headers = request!.headers;
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['idempotency-key'], delivery!.id);
    assert.equal(headers['webhook-id'], delivery!.id);
    assert.match(String(headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
    assert.equal(verifyWebhook(secret, { id: String(headers['webhook-id']), timestamp: String(headers['webhook-timestamp']), signature: String(headers['webhook-signature']) }, request!.body), true);
    assert.equal(verifyWebhook(newWebhookSecret(), { id: String(headers['webhook-id']), timestamp: String(headers['webhook-timestamp']), signature: String(headers['webhook-signature']) }, request!.body), false);

    const body = JSON.parse(request!.body);
    assert.equal(body.type, 'case.created');
    assert.equal(body.data.reference, c!.reference);
    assert.equal(body.data.caseId, c!.id);
    assert.deepEqual(body.data.tenant, { slug: tenant.slug, name: tenant.name });
    assert.equal(body.data.service.id, 'kontakt-beschwerde');
    assert.equal(typeof body.data.service.definitionVersion, 'number');
    assert.equal(body.data.answers.anliegen.betreff, 'Laterne defekt');
    assert.equal(body.data.answers.kontakt.email, 'greta@example.org');
    assert.deepEqual(body.data.files, [{ filename: 'foto.pdf', mediaType: 'application/pdf', size: samplePdf.length, sha256: createHash('sha256').update(samplePdf).digest('hex') }]);
    assert.equal(Date.parse(body.timestamp), Date.parse(body.data.submittedAt));

    const done = await deliveryOf(c!.id);
    assert.equal(done?.status, 'delivered');
    assert.equal(done?.http_status, 200);
    assert.equal(done?.attempts, 1);
    assert.ok(done?.delivered_at);

    const page = await zentrale.get(`/verwaltung/vorgaenge/${c!.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Übergabe an das Fachverfahren/);
    assert.equal(shownState(page.body), 'Übergeben');
    assert.match(page.body, /An das Fachverfahren übergeben \(HTTP 200\)/);
    assert.ok(page.body.includes(delivery!.id), 'the page names the key the receiving system sees');

    const audit = await sql<{ details: Record<string, unknown> }>`select details from audit_log where tenant_id = ${tenant.id} and action = 'handoff.delivered' and subject = ${`case:${c!.id}`}`.execute(app.database.db);
    assert.equal(audit.rows.length, 1);
    assert.equal(audit.rows[0]!.details.host, new URL(receiverUrl).host);
  });

  it('retries after a 500 with the same key and body, and is delivered by the second attempt', async () => {
    receiver.reset((_, n) => (n === 1 ? { status: 500, body: 'Wartung' } : { status: 200 }));
    const { caseId } = await complaint('Retry bitte');
    const { id } = (await deliveryOf(caseId))!;
    await app.jobs.runDue();
    const waiting = await deliveryOf(caseId);
    assert.equal(waiting?.status, 'pending');
    assert.equal(waiting?.attempts, 1);
    assert.equal(waiting?.http_status, 500);
    assert.equal(waiting?.error, 'HTTP 500: Wartung');
    const [job] = await openJobsOf(id);
    assert.equal(job?.last_error, 'hand-off answered HTTP 500');
    assert.ok(job!.run_at.getTime() > Date.now(), 'the retry waits for its back-off');
    const page = await zentrale.get(`/verwaltung/vorgaenge/${caseId}`);
    assert.equal(shownState(page.body), 'Wird übergeben');
    assert.match(page.body, /HTTP 500: Wartung/);
    assert.doesNotMatch(page.body, /Erneut senden/, 'nothing to resend while it is on its way');

    await app.jobs.runDue();
    assert.equal(receiver.received.length, 1, 'not before the back-off');
    await makeRetryDue(id);
    await app.jobs.runDue();
    assert.equal(receiver.received.length, 2);
    const [a, b] = receiver.received;
    assert.equal(a!.headers['idempotency-key'], id);
    assert.equal(b!.headers['idempotency-key'], id);
    assert.equal(a!.body, b!.body, 'every attempt sends the same bytes');
    for (const r of receiver.received) {
      assert.equal(verifyWebhook(secret, { id, timestamp: String(r.headers['webhook-timestamp']), signature: String(r.headers['webhook-signature']) }, r.body), true);
    }
    const done = await deliveryOf(caseId);
    assert.equal(done?.status, 'delivered');
    assert.equal(done?.attempts, 2);
    assert.equal(done?.error, null);
  });

  it('fails for good on a 400 with the reason on the case page, and a clerk of the department sends it again under the same key', async () => {
    receiver.reset(() => ({ status: 400, body: 'Pflichtfeld "aktenzeichen" fehlt' }));
    const { caseId } = await complaint('Bitte ablehnen');
    const { id } = (await deliveryOf(caseId))!;
    await app.jobs.runDue();
    const failed = await deliveryOf(caseId);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.http_status, 400);
    assert.equal(failed?.error, 'HTTP 400: Pflichtfeld "aktenzeichen" fehlt');
    assert.deepEqual(await openJobsOf(id), [], 'a 4xx is not retried');
    await makeRetryDue(id);
    await app.jobs.runDue();
    assert.equal(receiver.received.length, 1);

    const casePath = `/verwaltung/vorgaenge/${caseId}`;
    const page = await zentrale.get(casePath);
    assert.equal(shownState(page.body), 'Fehlgeschlagen');
    assert.match(page.body, /HTTP 400: Pflichtfeld &quot;aktenzeichen&quot; fehlt/);
    assert.match(page.body, /Übergabe an das Fachverfahren fehlgeschlagen: HTTP 400/);
    const resendUrl = `${casePath}/uebergabe/${id}/erneut-senden`;
    assert.ok(page.body.includes(`action="${resendUrl}"`));

    // Another department neither sees the case nor can resend it.
    assert.equal((await buero.get(casePath)).statusCode, 404);
    await buero.get('/verwaltung');
    assert.ok(buero.csrf, 'the other clerk posts with a valid token of their own session');
    assert.equal((await buero.post(resendUrl, {})).statusCode, 404);
    assert.equal((await deliveryOf(caseId))?.status, 'failed');
    // Without the session's CSRF token nothing happens.
    assert.equal((await zentrale.post(resendUrl, {}, { csrf: 'falsch' })).statusCode, 403);
    assert.equal((await deliveryOf(caseId))?.status, 'failed');

    // The receiver holds its answer until the page has been checked: the resend kicks the worker.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    receiver.respond = async () => {
      await held;
      return { status: 200 };
    };
    await zentrale.get(casePath);
    const jobsBefore = await handoffJobCount();
    // A double click: both requests arrive together; the second finds the delivery queued already.
    const clicks = await Promise.all([zentrale.post(resendUrl, {}), zentrale.post(resendUrl, {})]);
    assert.deepEqual(clicks.map((r) => [r.statusCode, r.headers.location]), [[303, `${casePath}#uebergabe`], [303, `${casePath}#uebergabe`]]);
    assert.equal(await handoffJobCount(), jobsBefore + 1, 'a double click queues one attempt');
    assert.equal((await deliveryOf(caseId))?.status, 'resent');
    const queued = await zentrale.get(casePath);
    assert.equal(shownState(queued.body), 'Erneut gesendet, wird übergeben');
    assert.match(queued.body, /Übergabe an das Fachverfahren erneut angestoßen/);
    assert.match(queued.body, /Clerk zentrale/, 'the history names who sent it again');
    assert.doesNotMatch(queued.body, /Erneut senden</, 'nothing to resend while it is on its way');

    release();
    await app.jobs.runDue();
    assert.equal(receiver.received.length, 2);
    assert.equal(receiver.received[1]!.headers['idempotency-key'], id, 'the resend uses the same key');
    const done = await deliveryOf(caseId);
    assert.equal(done?.status, 'delivered');
    assert.equal(done?.attempts, 2);
    const audit = await sql<{ actor: string }>`select actor from audit_log where tenant_id = ${tenant.id} and action = 'handoff.resent' and subject = ${`case:${caseId}`}`.execute(app.database.db);
    assert.equal(audit.rows.length, 1);
    assert.match(audit.rows[0]!.actor, /^staff:/);
  });

  it('retries when nobody listens, and fails with the reason after the last attempt', async () => {
    await configure('kontakt-beschwerde', `http://127.0.0.1:${await closedPort()}/vorgaenge`);
    try {
      const { caseId } = await complaint('Niemand da');
      const { id } = (await deliveryOf(caseId))!;
      await app.jobs.runDue();
      const waiting = await deliveryOf(caseId);
      assert.equal(waiting?.status, 'pending');
      assert.equal(waiting?.http_status, null);
      assert.match(waiting!.error!, /ECONNREFUSED/);
      const [job] = await openJobsOf(id);
      assert.equal(job?.max_attempts, 15);
      assert.ok(job!.run_at.getTime() > Date.now());

      await makeRetryDue(id);
      await app.jobs.runDue();
      assert.equal((await deliveryOf(caseId))?.attempts, 2);

      // Skip ahead to the last attempt.
      await sql`update jobs set attempts = max_attempts - 1, run_at = now() where kind = 'handoff' and done_at is null and payload->>'deliveryId' = ${id}`.execute(app.database.db);
      await app.jobs.runDue();
      const failed = await deliveryOf(caseId);
      assert.equal(failed?.status, 'failed');
      assert.match(failed!.error!, /ECONNREFUSED.*\(gave up after 15 attempts\)/);
      assert.deepEqual(await openJobsOf(id), []);
      assert.match((await zentrale.get(`/verwaltung/vorgaenge/${caseId}`)).body, /gave up after 15 attempts/);
    } finally {
      await configure('kontakt-beschwerde', receiverUrl);
    }
  });

  it('lets a receiver that dedupes by key keep exactly one case through a lost answer and a resend', async () => {
    // The receiver stores the case but its answer is lost (500): the retry and a later resend repeat it.
    receiver.reset((_, n) => (n === 1 ? { status: 500, processed: true } : { status: 200 }));
    const { caseId, reference } = await complaint('Einmal bitte');
    const { id } = (await deliveryOf(caseId))!;
    await app.jobs.runDue();
    await makeRetryDue(id);
    await app.jobs.runDue();
    assert.equal((await deliveryOf(caseId))?.status, 'delivered');
    await zentrale.get(`/verwaltung/vorgaenge/${caseId}`);
    assert.equal((await zentrale.post(`/verwaltung/vorgaenge/${caseId}/uebergabe/${id}/erneut-senden`, {})).statusCode, 303);
    await app.jobs.runDue();
    assert.equal(receiver.received.length, 3);
    assert.equal(new Set(receiver.received.map((r) => r.headers['idempotency-key'])).size, 1);
    assert.equal(receiver.cases.size, 1);
    assert.equal((receiver.cases.get(id) as { data: { reference: string } }).data.reference, reference);
  });

  it('keeps each town\'s target to itself, even when configured as a superuser that bypasses row-level security', async () => {
    const other = await app.createTown();
    const key = await loadHandoffKey(app.config);
    const ownerOf = async <T>(tenantId: string, fn: (trx: Trx) => Promise<T>) =>
      app.database.db.transaction().execute(async (trx) => {
        await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
        return fn(trx);
      });
    const outcome = await ownerOf(other.tenant.id, (trx) => setHandoffTarget(trx, key, app.config, { tenantId: other.tenant.id, serviceId: 'kontakt-beschwerde', url: 'http://127.0.0.1:9/andere-stadt' }));
    assert.deepEqual({ ok: outcome.ok, created: outcome.ok && outcome.created }, { ok: true, created: true });
    const urls = async () => (await sql<{ tenant_id: string; url: string }>`select tenant_id, url from handoff_targets where tenant_id in (${tenant.id}, ${other.tenant.id})`.execute(app.database.db)).rows;
    assert.deepEqual(new Map((await urls()).map((r) => [r.tenant_id, r.url])), new Map([[tenant.id, receiverUrl], [other.tenant.id, 'http://127.0.0.1:9/andere-stadt']]));
    assert.equal(await ownerOf(other.tenant.id, (trx) => removeHandoffTarget(trx, other.tenant.id, 'kontakt-beschwerde')), true);
    assert.deepEqual((await urls()).map((r) => r.tenant_id), [tenant.id]);
  });

  it('forwards nothing for a service without a target, nor for the same service in another town', async () => {
    receiver.reset(() => ({ status: 200 }));
    const { caseId } = await submitViaApi(app, host, 'hund-anmelden', dogAnswers());
    const other = await app.createTown();
    const elsewhere = await submitViaApi(app, other.host, 'kontakt-beschwerde', complaintAnswers('Andere Stadt'));
    await app.jobs.runDue();
    assert.equal(await deliveryOf(caseId), undefined);
    assert.equal(await deliveryOf(elsewhere.caseId), undefined);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from jobs where kind = 'handoff' and tenant_id = ${other.tenant.id}`.execute(app.database.db);
    assert.equal(jobs.rows[0]!.n, 0);
    assert.equal(receiver.received.length, 0);
    const steuer = new TestBrowser(app.app, host);
    await signInClerk(steuer, await app.createClerk(tenant, 'steueramt'));
    const page = await steuer.get(`/verwaltung/vorgaenge/${caseId}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Übergabe an das Fachverfahren/);
  });

  it('shows the deliveries only to the case\'s department (row-level security)', async () => {
    receiver.reset(() => ({ status: 200 }));
    const { caseId } = await complaint('Nur für die Zentrale');
    const departments = await sql<{ id: string; key: string }>`select id, key from departments where tenant_id = ${tenant.id}`.execute(app.database.db);
    const idOf = (key: string) => departments.rows.find((d) => d.key === key)!.id;
    const seenBy = (key: string) => inTransaction(app.database.db, { tenantId: tenant.id, departmentIds: [idOf(key)] }, (trx) => listCaseHandoffs(trx, caseId));
    assert.equal((await seenBy('zentrale')).length, 1);
    assert.deepEqual(await seenBy('buergerbuero'), []);
    const changed = await inTransaction(app.database.db, { tenantId: tenant.id, departmentIds: [idOf('buergerbuero')] }, (trx) =>
      trx.updateTable('handoff_deliveries').set({ status: 'failed' }).where('case_id', '=', caseId).executeTakeFirst());
    assert.equal(Number(changed.numUpdatedRows), 0);
    await app.jobs.runDue();
  });

  it('fails a waiting delivery when the target was removed meanwhile', async () => {
    receiver.reset(() => ({ status: 200 }));
    const { caseId } = await complaint('Ziel entfernt');
    await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      assert.equal(await removeHandoffTarget(trx, tenant.id, 'kontakt-beschwerde'), true);
    });
    await app.jobs.runDue();
    const failed = await deliveryOf(caseId);
    assert.equal(failed?.status, 'failed');
    assert.match(failed!.error!, /no longer forwards/);
    assert.equal(receiver.received.length, 0);
    const { caseId: later } = await complaint('Nach dem Entfernen');
    assert.equal(await deliveryOf(later), undefined);
  });
});

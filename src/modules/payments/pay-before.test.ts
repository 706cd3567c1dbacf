import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { listOutbox } from '../../platform/mail/mailer.js';
import { submitPayFirstViaApi } from '../../test-support/applications.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import { asTownOwner } from '../../test-support/database.js';
import { signInClerk } from '../../test-support/staff.js';
import { signedInAccount } from '../../test-support/accounts.js';
import type { Tenant } from '../tenants/tenant.js';
import { createHmac } from 'node:crypto';
import { loadPaymentSandboxSecret } from '../../platform/crypto/secret-box.js';
import { listPaymentEvents } from './payments.repository.js';
import { closeUnpaidApplication, readPayment, receiveNotification, reconcilePayment, startPayment } from './payments.service.js';

const person = {
  vorname: 'Nele', nachname: 'Neubürgerin', geburtsdatum: '1990-05-17',
  'anschrift.street': 'Hauptstraße', 'anschrift.houseNumber': '3', 'anschrift.postcode': '45657', 'anschrift.city': 'Musterstadt',
};

describe('Meldebescheinigung paid before the office sees it', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let buergerbuero: string;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    buergerbuero = await asTownOwner(app.database.db, tenant.id, async (trx) =>
      (await trx.selectFrom('departments').select('id').where('tenant_id', '=', tenant.id).where('key', '=', 'buergerbuero').executeTakeFirstOrThrow()).id);
  });
  after(() => app.close());

  /** Fills in the form up to the check page; returns the draft's base address. */
  async function fillIn(browser: TestBrowser): Promise<string> {
    const start = '/leistungen/meldebescheinigung/antrag';
    await browser.get(start);
    const first = await browser.post(start, { ...person, _action: 'continue' });
    assert.equal(first.statusCode, 303, first.body.slice(0, 500));
    const base = String(first.headers.location).replace(/\/[a-z]+$/, '');
    for (const [step, fields] of [['art', { art: 'einfach' }], ['zustellung', { zustellung: 'post' }], ['kontakt', { email: 'nele@example.org', telefon: '' }]] as const) {
      await browser.get(`${base}/${step}`);
      const next = await browser.post(`${base}/${step}`, { ...fields, _action: 'continue' });
      assert.equal(next.statusCode, 303, next.body.slice(0, 500));
    }
    return base;
  }

  /** Sends the application; returns the payment it leads to and the submission's receipt address. */
  async function apply(browser: TestBrowser) {
    const base = await fillIn(browser);
    const check = await browser.get(`${base}/pruefen`);
    assert.match(check.body, /Gebühr je Bescheinigung.*10,00\s€/s);
    assert.match(check.body, /Sie bezahlen die Gebühr gleich nach dem Absenden online/);
    const sent = await browser.post(`${base}/absenden`, { declaration: 'yes' });
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
    const paymentId = String(sent.headers.location).match(/^\/zahlung\/([0-9a-f-]{36})$/)?.[1];
    assert.ok(paymentId, `led on to the payment, not ${sent.headers.location}`);
    const payment = (await readPayment(app.database.db, tenant.id, paymentId))!;
    assert.equal(payment.amountCents, 1000);
    assert.equal(payment.status, 'created');
    assert.ok(payment.caseId);
    assert.match(payment.continuePath, /^\/eingang\/[0-9a-f-]{36}$/);
    return { paymentId, caseId: payment.caseId, receipt: payment.continuePath };
  }

  /** Whether the Bürgerbüro's clerks can see the case at all (inbox, search, case page all read through this policy). */
  const clerkSees = async (caseId: string) =>
    (await inTransaction(app.database.db, { tenantId: tenant.id, departmentIds: [buergerbuero] }, (trx) =>
      trx.selectFrom('cases').select('id').where('id', '=', caseId).executeTakeFirst())) !== undefined;

  /** Starts the payment on its page and chooses an outcome on the sandbox's page; returns where the sandbox sent the browser. */
  async function payAtSandbox(browser: TestBrowser, paymentId: string, ergebnis: 'bezahlt' | 'gescheitert' | 'abgebrochen') {
    await browser.get(`/zahlung/${paymentId}`);
    const started = await browser.post(`/zahlung/${paymentId}`, {});
    assert.equal(started.statusCode, 303);
    const sandboxPage = String(started.headers.location);
    await browser.get(sandboxPage);
    const decided = await browser.post(sandboxPage, { ergebnis });
    assert.equal(decided.statusCode, 303);
    return String(decided.headers.location);
  }

  it('stores the application and its payment together, holds it from the clerk until the provider confirms the payment', async () => {
    const browser = new TestBrowser(app.app, host);
    const { paymentId, caseId, receipt } = await apply(browser);
    assert.equal(await clerkSees(caseId), false, 'an unpaid application does not reach the inbox');

    const unpaid = await browser.get(receipt);
    assert.equal(unpaid.statusCode, 200);
    assert.match(unpaid.body, /Antrag eingegangen/);
    assert.match(unpaid.body, /Ihr Antrag wird erst bearbeitet, wenn die Gebühr von 10,00\s€ bezahlt ist/);
    assert.doesNotMatch(unpaid.body, /bearbeitet Ihren Antrag/, 'the receipt does not claim the office is working on it');
    assert.match(unpaid.body, new RegExp(`href="/zahlung/${paymentId}"`));
    assert.match((await browser.get(`${receipt}/status`)).body, /Ihr Antrag wird erst bearbeitet, wenn die Gebühr von 10,00\s€ bezahlt ist/, 'the status page tells the same');

    // The browser coming "back" without having paid moves nothing: the provider is asked and says INITIAL.
    await browser.get(`/zahlung/${paymentId}`);
    await browser.post(`/zahlung/${paymentId}`, {});
    await browser.get(`/zahlung/${paymentId}/zurueck?status=PAYED`);
    assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'pending');
    assert.equal(await clerkSees(caseId), false);

    const back = await payAtSandbox(browser, paymentId, 'bezahlt');
    assert.equal(back, `/zahlung/${paymentId}/zurueck`);
    await browser.get(back);
    assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'paid');
    assert.equal(await clerkSees(caseId), true, 'the confirmed payment releases the case in the same transaction');

    const paid = await browser.get(receipt);
    assert.match(paid.body, /Die Gebühr von 10,00\s€ ist bezahlt/);
    assert.match(paid.body, /bearbeitet Ihren Antrag/);
    assert.match(paid.body, /zahlungsbestaetigung\.pdf/);
    assert.match((await browser.get(`${receipt}/status`)).body, /Die Gebühr von 10,00\s€ ist bezahlt/);
  });

  it('lets a failed or cancelled payment be tried again from the receipt, as a new payment, and releases the case once that is paid', async () => {
    const browser = new TestBrowser(app.app, host);
    const { paymentId, caseId, receipt } = await apply(browser);
    await browser.get(await payAtSandbox(browser, paymentId, 'gescheitert'));
    assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'failed');
    assert.equal(await clerkSees(caseId), false);

    const failed = await browser.get(receipt);
    assert.match(failed.body, /Die Zahlung von 10,00\s€ ist nicht abgeschlossen/);
    assert.match(failed.body, new RegExp(`action="/zahlung/${paymentId}/erneut"`));
    const csrf = browser.csrf;
    assert.equal((await browser.post(`/zahlung/${paymentId}/erneut`, {}, { csrf: 'wrong' })).statusCode, 403);
    const retried = await browser.post(`/zahlung/${paymentId}/erneut`, {}, { csrf });
    assert.equal(retried.statusCode, 303);
    const secondId = String(retried.headers.location).split('/').pop()!;
    assert.notEqual(secondId, paymentId);
    const second = (await readPayment(app.database.db, tenant.id, secondId))!;
    assert.equal(second.caseId, caseId);
    assert.equal(second.amountCents, 1000);
    assert.notEqual(second.requestId, (await readPayment(app.database.db, tenant.id, paymentId))!.requestId, 'a new request id: the provider keeps the failed one failed');

    // A second click on "pay again" opens no second claim: it leads to the open one.
    const again = await browser.post(`/zahlung/${paymentId}/erneut`, {}, { csrf });
    assert.equal(again.headers.location, `/zahlung/${secondId}`);

    await browser.get(await payAtSandbox(browser, secondId, 'abgebrochen'));
    assert.equal((await readPayment(app.database.db, tenant.id, secondId))!.status, 'cancelled');
    const third = String((await browser.post(`/zahlung/${secondId}/erneut`, {}, { csrf })).headers.location).split('/').pop()!;
    await payAtSandbox(browser, third, 'bezahlt');
    // No browser return this time: the reconciliation (as its job does) asks the provider.
    await reconcilePayment(app.payments, tenant.id, third);
    assert.equal((await readPayment(app.database.db, tenant.id, third))!.status, 'paid');
    assert.equal(await clerkSees(caseId), true);
    assert.match((await browser.get(receipt)).body, /Die Gebühr von 10,00\s€ ist bezahlt/);
    // Paid: nothing more to retry.
    assert.equal((await browser.post(`/zahlung/${paymentId}/erneut`, {}, { csrf })).headers.location, `/zahlung/${third}`);
  });

  it('shows the clerk the payment on the case page, and lets only a team lead refund it, with a reason', async () => {
    const browser = new TestBrowser(app.app, host);
    const { paymentId, caseId } = await apply(browser);
    await browser.get(await payAtSandbox(browser, paymentId, 'bezahlt'));
    const paid = (await readPayment(app.database.db, tenant.id, paymentId))!;
    assert.equal(paid.status, 'paid');
    const casePage = `/verwaltung/vorgaenge/${caseId}`;
    const refundAction = `${casePage}/zahlungen/${paymentId}/erstattung`;

    const clerk = new TestBrowser(app.app, host);
    await signInClerk(clerk, await app.createClerk(tenant, 'buergerbuero'));
    const seen = await clerk.get(casePage);
    assert.equal(seen.statusCode, 200);
    assert.match(seen.body, /Zahlungen/);
    assert.match(seen.body, /10,00\s€/);
    assert.match(seen.body, />Bezahlt</);
    assert.match(seen.body, new RegExp(paid.kassenzeichen!));
    assert.match(seen.body, new RegExp(paid.providerTransactionId!));
    assert.match(seen.body, /Bezahlt am/);
    assert.doesNotMatch(seen.body, /Betrag erstatten/, 'a clerk gets no refund form');
    assert.equal((await clerk.post(refundAction, { [`erstattungsgrund-${paymentId}`]: 'Versehen' })).statusCode, 403);

    const lead = new TestBrowser(app.app, host);
    await signInClerk(lead, await app.createClerk(tenant, 'buergerbuero', { role: 'team_lead' }));
    assert.match((await lead.get(casePage)).body, /Betrag erstatten/);
    assert.equal((await lead.post(refundAction, { [`erstattungsgrund-${paymentId}`]: 'Versehen' }, { csrf: 'wrong' })).statusCode, 403);
    await lead.get(casePage);
    const empty = await lead.post(refundAction, { [`erstattungsgrund-${paymentId}`]: '   ' });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Bitte geben Sie einen Grund für die Erstattung an/);
    assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'paid');
    const tooLong = await lead.post(refundAction, { [`erstattungsgrund-${paymentId}`]: 'x'.repeat(1001) });
    assert.equal(tooLong.statusCode, 422);
    assert.match(tooLong.body, /x{1001}/, 'what was typed is kept');

    const done = await lead.post(refundAction, { [`erstattungsgrund-${paymentId}`]: 'Bescheinigung kann nicht ausgestellt werden' });
    assert.equal(done.statusCode, 303);
    const refunded = (await readPayment(app.database.db, tenant.id, paymentId))!;
    assert.equal(refunded.status, 'refunded');
    assert.equal(refunded.refundReason, 'Bescheinigung kann nicht ausgestellt werden');
    const audit = await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('audit_log').select(['actor', 'action']).where('tenant_id', '=', tenant.id).where('subject', '=', `payment:${paymentId}`).execute());
    assert.deepEqual(audit.map((a) => a.action), ['payment.refunded']);
    assert.match(audit[0]!.actor, /^staff:[0-9a-f-]{36}$/);
    const after = await lead.get(casePage);
    assert.match(after.body, /Erstattet am/);
    assert.match(after.body, /Bescheinigung kann nicht ausgestellt werden/);
    assert.doesNotMatch(after.body, /Betrag erstatten/);
    // Refunded, the case stays with its department (it was paid).
    assert.equal(await clerkSees(caseId), true);
    // A second refund is refused, not repeated.
    const again = await lead.post(refundAction, { [`erstattungsgrund-${paymentId}`]: 'noch einmal' });
    assert.equal(again.statusCode, 409);

    // A team lead of another department does not find the payment.
    const otherLead = new TestBrowser(app.app, host);
    await signInClerk(otherLead, await app.createClerk(tenant, 'ordnungsamt', { role: 'team_lead' }));
    await otherLead.get('/verwaltung');
    assert.equal((await otherLead.post(refundAction, { [`erstattungsgrund-${paymentId}`]: 'x' })).statusCode, 404);
  });

  it('holds an application sent through the API as well, and names its payment page', async () => {
    const paymentId = await submitPayFirstViaApi(app, host);
    const payment = (await readPayment(app.database.db, tenant.id, paymentId))!;
    assert.equal(payment.amountCents, 1000);
    assert.equal(await clerkSees(payment.caseId!), false, 'not in the inbox before it is paid');
    const browser = new TestBrowser(app.app, host);
    await browser.get(await payAtSandbox(browser, paymentId, 'bezahlt'));
    assert.equal(await clerkSees(payment.caseId!), true);
  });

  it('shows a signed-in applicant the state of the fee under "Meine Anträge"', async () => {
    const { browser } = await signedInAccount(app, tenant.id, host);
    const { paymentId, caseId } = await apply(browser);
    const open = await browser.get(`/konto/antraege/${caseId}`);
    assert.equal(open.statusCode, 200);
    assert.match(open.body, /Ihr Antrag wird erst bearbeitet, wenn die Gebühr von 10,00\s€ bezahlt ist/);
    await browser.get(await payAtSandbox(browser, paymentId, 'bezahlt'));
    assert.match((await browser.get(`/konto/antraege/${caseId}`)).body, /Die Gebühr von 10,00\s€ ist bezahlt/);
  });

  it('delivers the payment confirmation into the postbox of a signed-in applicant, with one notice naming nothing; others get no message', async () => {
    const { account, browser } = await signedInAccount(app, tenant.id, host);
    const { paymentId } = await apply(browser);
    // A job's payload is cleared once it ran: count the town's notices.
    const notices = async () => (await sql<{ n: number }>`
      select count(*)::int as n from jobs where tenant_id = ${tenant.id} and kind = 'mail.postbox-notice'`.execute(app.database.db)).rows[0]!.n;
    assert.doesNotMatch((await browser.get('/konto/postfach')).body, /Bestätigung Ihrer Zahlung zum Antrag/, 'nothing before the payment is settled');
    const earlier = await notices();

    await browser.get(await payAtSandbox(browser, paymentId, 'bezahlt'));
    // The notification job and the return both report PAYED: the confirmation is announced once.
    await app.jobs.runDue();
    await reconcilePayment(app.payments, tenant.id, paymentId);
    assert.equal(await notices(), earlier + 1);
    const mail = (await listOutbox(app.database.db, 50)).find((m) => m.to === account.email && /Postfach/.test(m.subject))!;
    assert.ok(mail, 'the notice was mailed');
    assert.doesNotMatch(mail.text, /10,00|Meldebescheinigung|zahlung\//, 'the notice names neither amount, service nor payment');

    const postbox = await browser.get('/konto/postfach');
    assert.match(postbox.body, /Bestätigung Ihrer Zahlung zum Antrag/);
    assert.match(postbox.body, /1 ungelesene Nachricht/);
    const message = await browser.get(`/konto/postfach/zahlungen/${paymentId}`);
    assert.equal(message.statusCode, 200);
    assert.match(message.body, /Ihre Zahlung von 10,00\s€ ist eingegangen/);
    assert.match(message.body, new RegExp(`href="/zahlung/${paymentId}/zahlungsbestaetigung\\.pdf"`));
    assert.match((await browser.get('/konto/postfach')).body, /Keine ungelesenen Nachrichten/, 'opening it marks it read');
    assert.equal((await browser.get(`/zahlung/${paymentId}/zahlungsbestaetigung.pdf`)).headers['content-type'], 'application/pdf');

    // Another account, a tampered id and an anonymous browser find nothing.
    const other = await signedInAccount(app, tenant.id, host);
    assert.equal((await other.browser.get(`/konto/postfach/zahlungen/${paymentId}`)).statusCode, 404);
    assert.doesNotMatch((await other.browser.get('/konto/postfach')).body, /Bestätigung Ihrer Zahlung zum Antrag/);
    assert.equal((await browser.get('/konto/postfach/zahlungen/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.equal((await browser.get('/konto/postfach/zahlungen/kein-uuid')).statusCode, 404);
    assert.notEqual((await new TestBrowser(app.app, host).get(`/konto/postfach/zahlungen/${paymentId}`)).statusCode, 200);

    // An applicant without an account keeps the link on the receipt and gets no postbox notice.
    const settled = await notices();
    const anonymous = new TestBrowser(app.app, host);
    const plain = await apply(anonymous);
    await anonymous.get(await payAtSandbox(anonymous, plain.paymentId, 'bezahlt'));
    assert.equal(await notices(), settled);
    assert.match((await anonymous.get(plain.receipt)).body, /zahlungsbestaetigung\.pdf/);
  });

  describe('closing applications whose fee is never paid', () => {
    const closeJob = async (caseId: string) => (await sql<{ id: string; run_at: Date; receipt: string }>`
      select id, run_at, payload->>'receiptTokenHash' as receipt from jobs where kind = 'payment-close-unpaid' and payload->>'caseId' = ${caseId}`.execute(app.database.db)).rows;
    /** Lets the closing job of a case fall due now and runs the due jobs. */
    async function runCloseJobNow(caseId: string) {
      await sql`update jobs set run_at = now() where kind = 'payment-close-unpaid' and payload->>'caseId' = ${caseId}`.execute(app.database.db);
      await app.jobs.runDue();
    }
    const caseState = async (caseId: string) =>
      (await sql<{ status: string }>`select status from cases where id = ${caseId}`.execute(app.database.db)).rows[0]!.status;

    it('withdraws an application unpaid after 14 days by a durable job: the open payment cancelled, the reason recorded, idempotent', async () => {
      const browser = new TestBrowser(app.app, host);
      const { paymentId, caseId, receipt } = await apply(browser);
      await browser.get(`/zahlung/${paymentId}`);
      await browser.post(`/zahlung/${paymentId}`, {});
      const [job, ...more] = await closeJob(caseId);
      assert.equal(more.length, 0, 'one job per application');
      const days = (new Date(job!.run_at).getTime() - Date.now()) / 86_400_000;
      assert.ok(days > 13.9 && days <= 14, `due in 14 days, not ${days}`);

      await runCloseJobNow(caseId);
      assert.equal(await caseState(caseId), 'withdrawn');
      assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'cancelled');
      const events = await asTownOwner(app.database.db, tenant.id, (trx) => listPaymentEvents(trx, paymentId));
      assert.deepEqual(events.filter((e) => e.source === 'expiry').map((e) => [e.outcome, e.newStatus]), [['applied', 'cancelled']]);
      const history = (await sql<{ details: { to: string; reason?: string } }>`select details from case_events where case_id = ${caseId} and kind = 'status'`.execute(app.database.db)).rows;
      assert.deepEqual(history.map((h) => [h.details.to, h.details.reason]), [['withdrawn', 'unpaid']]);
      assert.equal(await clerkSees(caseId), false, 'still held from the clerk: never paid');
      assert.equal((await browser.get(receipt)).statusCode, 200, 'the applicant still sees the receipt');

      // Again (a retried job, a second run): nothing changes.
      assert.equal(await closeUnpaidApplication(app.database.db, tenant.id, caseId, job!.receipt), 'notOpen');
      assert.equal((await sql<{ n: number }>`select count(*)::int as n from payment_events where payment_id = ${paymentId} and source = 'expiry'`.execute(app.database.db)).rows[0]!.n, 1);
      assert.equal((await sql<{ n: number }>`select count(*)::int as n from case_events where case_id = ${caseId} and kind = 'status'`.execute(app.database.db)).rows[0]!.n, 1);
    });

    it('leaves a paid application alone, and a job holding a wrong receipt finds nothing', async () => {
      const browser = new TestBrowser(app.app, host);
      const { paymentId, caseId } = await apply(browser);
      const [job] = await closeJob(caseId);
      assert.equal(await closeUnpaidApplication(app.database.db, tenant.id, caseId, 'a'.repeat(64)), 'notFound');
      assert.equal(await closeUnpaidApplication(app.database.db, tenant.id, 'kein-uuid', job!.receipt), 'notFound');
      assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'created', 'the tampered calls cancelled nothing');

      await browser.get(await payAtSandbox(browser, paymentId, 'bezahlt'));
      await runCloseJobNow(caseId);
      assert.equal(await caseState(caseId), 'received');
      assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'paid');
      assert.equal(await closeUnpaidApplication(app.database.db, tenant.id, caseId, job!.receipt), 'paid');
      assert.equal(await clerkSees(caseId), true);
    });
  });

  describe('robustness of the hold', () => {
    /** An application sent and its payment chosen "pay" at the sandbox, with no notification delivered and no browser return yet. */
    async function paidAtProviderOnly() {
      const browser = new TestBrowser(app.app, host);
      const { paymentId, caseId } = await apply(browser);
      const started = await startPayment(app.payments, tenant.id, paymentId);
      assert.equal(started.kind, 'redirect');
      const transactionId = (await readPayment(app.database.db, tenant.id, paymentId))!.providerTransactionId!;
      // The provider's books say paid, as its pay page would record it, but its notification is not
      // on its way (no job): a job pass kicked by an earlier request cannot deliver it behind the test's back.
      await asTownOwner(app.database.db, tenant.id, (trx) => trx.updateTable('payment_sandbox_transactions')
        .set({ status: 'PAYED', decided_at: new Date(), kassenzeichen: 'SBX-000000042' }).where('id', '=', transactionId).execute());
      return { paymentId, caseId, transactionId };
    }
    const paidEvents = async (paymentId: string) =>
      (await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => listPaymentEvents(trx, paymentId))).filter((e) => e.newStatus === 'paid').length;

    it('refuses a correctly signed notification whose amount, currency or ids differ, and keeps the case held', async () => {
      const { paymentId, caseId, transactionId } = await paidAtProviderOnly();
      const secret = await loadPaymentSandboxSecret(app.config);
      const genuine = (await app.payments.providers.sandbox!.signNotification(tenant.id, transactionId))!;
      const report = JSON.parse(genuine.body) as Record<string, unknown>;
      const sign = (body: object) => {
        const raw = JSON.stringify(body);
        const timestamp = String(Math.floor(Date.now() / 1000));
        return { raw, headers: { 'x-sandbox-timestamp': timestamp, 'x-sandbox-signature': createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex') } };
      };
      for (const [change, outcome] of [[{ amountCents: 1 }, 'refused'], [{ currency: 'USD' }, 'refused'], [{ requestId: 'someone-else' }, 'refused'], [{ transactionId: '00000000-0000-4000-8000-000000000000', requestId: 'x' }, 'unknown']] as const) {
        const n = sign({ ...report, ...change });
        assert.equal(await receiveNotification(app.payments, tenant.id, 'sandbox', n.raw, n.headers), outcome, JSON.stringify(change));
      }
      // Changed after signing: not even looked at.
      assert.equal(await receiveNotification(app.payments, tenant.id, 'sandbox', genuine.body.replace('"amountCents":1000', '"amountCents":1'), genuine.headers), 'unverified');
      assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'pending');
      assert.equal(await clerkSees(caseId), false);
      assert.equal(await receiveNotification(app.payments, tenant.id, 'sandbox', genuine.body, genuine.headers), 'applied');
      assert.equal(await clerkSees(caseId), true);
    });

    it('releases the case once, whatever order the replayed notification, the browser return and the reconciliation come in', async () => {
      const { paymentId, caseId, transactionId } = await paidAtProviderOnly();
      const notification = (await app.payments.providers.sandbox!.signNotification(tenant.id, transactionId))!;
      const deliver = () => receiveNotification(app.payments, tenant.id, 'sandbox', notification.body, notification.headers);
      const browser = new TestBrowser(app.app, host);
      // Return first, then the same notification twice (one may also have come from the job meanwhile).
      assert.equal((await browser.get(`/zahlung/${paymentId}/zurueck`)).statusCode, 303);
      assert.equal(await clerkSees(caseId), true);
      assert.equal(await deliver(), 'unchanged');
      assert.equal(await deliver(), 'unchanged');
      await reconcilePayment(app.payments, tenant.id, paymentId);
      assert.equal(await paidEvents(paymentId), 1);
      assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.status, 'paid');
    });

    it('releases the case by the reconciliation job when the browser never returns and the notification is lost', async () => {
      const { paymentId, caseId } = await paidAtProviderOnly();
      assert.equal(await clerkSees(caseId), false);
      // The job the start scheduled for ten minutes later, run now.
      await asTownOwner(app.database.db, tenant.id, (trx) => trx.updateTable('jobs').set({ run_at: new Date(0) })
        .where('kind', '=', 'payment-reconcile').where('done_at', 'is', null).where('tenant_id', '=', tenant.id).execute());
      await app.jobs.runDue();
      assert.equal(await clerkSees(caseId), true);
      assert.equal(await paidEvents(paymentId), 1);
    });
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { loadPaymentSandboxSecret } from '../../platform/crypto/secret-box.js';
import { renderToString } from 'preact-render-to-string';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { complaintAnswers, submitViaApi } from '../../test-support/applications.js';
import { asTownOwner } from '../../test-support/database.js';
import type { Tenant } from '../tenants/tenant.js';
import { listPaymentEvents } from './payments.repository.js';
import { createPayment, createPaymentProviders, listPaymentsOfCase, readPayment, receiveNotification, reconcilePayment, refundPayment, startPayment, type PaymentDeps } from './payments.service.js';
import { CasePaymentsSection } from './views/case-payments.js';
import type { SandboxProvider } from './providers/sandbox/sandbox-provider.js';

const fee = { purpose: 'Meldebescheinigung', description: 'Gebühr für eine einfache Meldebescheinigung', amountCents: 700, provider: 'sandbox', continuePath: '/eingang' } as const;

describe('payments through the sandbox provider', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let deps: PaymentDeps;
  let sandbox: SandboxProvider;
  let secret: Buffer;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    deps = app.payments;
    sandbox = deps.providers.sandbox!;
    secret = await loadPaymentSandboxSecret(app.config);
  });
  after(() => app.close());

  /** A payment the payer has been sent to the sandbox for: its id and the sandbox transaction. */
  async function startedPayment(amountCents = fee.amountCents) {
    const payment = await createPayment(app.database.db, tenant.id, { ...fee, amountCents });
    const outcome = await startPayment(deps, tenant.id, payment.id);
    assert.equal(outcome.kind, 'redirect');
    const transactionId = (await readPayment(app.database.db, tenant.id, payment.id))!.providerTransactionId!;
    assert.equal(outcome.kind === 'redirect' && outcome.url, `/zahlung/sandbox/${transactionId}`);
    return { paymentId: payment.id, transactionId };
  }

  /** A notification signed with the sandbox's secret, as a provider that says `body` would send it. */
  function signed(body: object, at = new Date()) {
    const raw = JSON.stringify(body);
    const timestamp = String(Math.floor(at.getTime() / 1000));
    return { raw, headers: { 'x-sandbox-timestamp': timestamp, 'x-sandbox-signature': createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex') } };
  }

  async function deliver(transactionId: string) {
    const notification = (await sandbox.signNotification(tenant.id, transactionId))!;
    return receiveNotification(deps, tenant.id, 'sandbox', notification.body, notification.headers);
  }

  const events = (paymentId: string) => inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => listPaymentEvents(trx, paymentId));
  const paidEvents = async (paymentId: string) => (await events(paymentId)).filter((e) => e.newStatus === 'paid').length;
  const status = async (paymentId: string) => (await readPayment(app.database.db, tenant.id, paymentId))!.status;

  /** Runs the due jobs of the given kind now, whatever their planned time. */
  async function runJobsNow(kind: string) {
    await asTownOwner(app.database.db, tenant.id, (trx) => trx.updateTable('jobs').set({ run_at: new Date(0) }).where('kind', '=', kind).where('done_at', 'is', null).where('tenant_id', '=', tenant.id).execute());
    return app.jobs.runDue();
  }

  it('has no sandbox in production unless its secret is set explicitly', async () => {
    const production = { env: 'production' as const, dataDir: app.config.dataDir, baseUrl: app.config.baseUrl, port: app.config.port };
    assert.equal((await createPaymentProviders(production, app.database.db)).sandbox, undefined);
    const explicit = await createPaymentProviders({ ...production, paymentSandboxSecret: secret }, app.database.db);
    assert.equal(explicit.sandbox?.id, 'sandbox');
  });

  it('refuses amounts that are not whole positive cents, other currencies and long purposes', async () => {
    for (const bad of [{ amountCents: 7.5 }, { amountCents: 0 }, { amountCents: -700 }, { currency: 'USD' as 'EUR' }, { purpose: 'Meldebescheinigung mit Zusatz' }, { purpose: 'Gebühr' }]) {
      await assert.rejects(createPayment(app.database.db, tenant.id, { ...fee, ...bad }), JSON.stringify(bad));
    }
  });

  it('only ever continues to a path on the same host (no open redirect)', async () => {
    for (const continuePath of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/ok\nLocation: x', 'relative/path']) {
      await assert.rejects(createPayment(app.database.db, tenant.id, { ...fee, continuePath }), continuePath);
    }
    // The database holds the same line for anything that bypasses the service.
    await assert.rejects(asTownOwner(app.database.db, tenant.id, (trx) =>
      trx.insertInto('payments').values({ tenant_id: tenant.id, purpose: 'X', description: 'x', amount_cents: 1, provider: 'sandbox', continue_path: '//evil.example' }).execute()));
  });

  it('records a payment paid once when the same notification arrives twice', async () => {
    const { paymentId, transactionId } = await startedPayment();
    await sandbox.decide(tenant.id, transactionId, 'pay');
    assert.equal(await deliver(transactionId), 'applied');
    assert.equal(await deliver(transactionId), 'unchanged');
    assert.equal(await status(paymentId), 'paid');
    assert.equal(await paidEvents(paymentId), 1);
    assert.match((await readPayment(app.database.db, tenant.id, paymentId))!.kassenzeichen!, /^SBX-[0-9]{9}$/);
  });

  it('records one paid payment when notifications race each other', async () => {
    const { paymentId, transactionId } = await startedPayment();
    await sandbox.decide(tenant.id, transactionId, 'pay');
    await Promise.all([deliver(transactionId), deliver(transactionId), reconcilePayment(deps, tenant.id, paymentId)]);
    assert.equal(await status(paymentId), 'paid');
    assert.equal(await paidEvents(paymentId), 1);
    assert.equal((await events(paymentId)).filter((e) => e.outcome === 'applied').length, 2); // started, then paid once
  });

  it('ends paid whether the notification comes before or after the browser returns', async () => {
    // Notification first, then the return (which finds nothing left to ask).
    const first = await startedPayment();
    await sandbox.decide(tenant.id, first.transactionId, 'pay');
    assert.equal(await runJobsNow('payment-sandbox-notify') >= 1, true);
    assert.equal(await status(first.paymentId), 'paid');
    await reconcilePayment(deps, tenant.id, first.paymentId);
    // Return first (the status query decides), then the notification.
    const second = await startedPayment();
    await sandbox.decide(tenant.id, second.transactionId, 'pay');
    assert.equal((await reconcilePayment(deps, tenant.id, second.paymentId))!.status, 'paid');
    await runJobsNow('payment-sandbox-notify');
    for (const { paymentId } of [first, second]) {
      assert.equal(await status(paymentId), 'paid');
      assert.equal(await paidEvents(paymentId), 1);
    }
  });

  it('lets the status query decide when the browser returns and no notification ever comes', async () => {
    const { paymentId, transactionId } = await startedPayment();
    // Before the payer chose anything, a return (a payer going back by hand) changes nothing.
    assert.equal((await reconcilePayment(deps, tenant.id, paymentId))!.status, 'pending');
    await sandbox.decide(tenant.id, transactionId, 'cancel');
    assert.equal((await reconcilePayment(deps, tenant.id, paymentId))!.status, 'cancelled');
  });

  it('keeps a payment paid when an older notification arrives after the newer one', async () => {
    const { paymentId, transactionId } = await startedPayment();
    const stale = (await sandbox.signNotification(tenant.id, transactionId))!; // says INITIAL
    await sandbox.decide(tenant.id, transactionId, 'pay');
    await deliver(transactionId);
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', stale.body, stale.headers), 'unchanged');
    // A failure reported after the money arrived does not lose it either.
    const report = { transactionId, requestId: (await readPayment(app.database.db, tenant.id, paymentId))!.requestId, amountCents: 700, currency: 'EUR', kassenzeichen: null };
    const failed = signed({ ...report, status: 'FAILED' });
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', failed.raw, failed.headers), 'unchanged');
    assert.equal(await status(paymentId), 'paid');
  });

  it('takes a payment from failed to paid if the provider says the money arrived after all', async () => {
    const { paymentId, transactionId } = await startedPayment();
    const requestId = (await readPayment(app.database.db, tenant.id, paymentId))!.requestId;
    const failed = signed({ transactionId, requestId, status: 'FAILED', amountCents: 700, currency: 'EUR', kassenzeichen: null });
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', failed.raw, failed.headers), 'applied');
    const paid = signed({ transactionId, requestId, status: 'PAYED', amountCents: 700, currency: 'EUR', kassenzeichen: 'K-1' });
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', paid.raw, paid.headers), 'applied');
    assert.equal(await status(paymentId), 'paid');
  });

  it('refuses notifications with a wrong signature, an old timestamp, or figures that differ from the payment', async () => {
    const { paymentId, transactionId } = await startedPayment();
    await sandbox.decide(tenant.id, transactionId, 'pay');
    const genuine = (await sandbox.signNotification(tenant.id, transactionId))!;
    const report = JSON.parse(genuine.body) as Record<string, unknown>;
    // Changed after signing: the signature no longer fits.
    const tamperedBody = genuine.body.replace('"amountCents":700', '"amountCents":1');
    assert.notEqual(tamperedBody, genuine.body);
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', tamperedBody, genuine.headers), 'unverified');
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', genuine.body, { ...genuine.headers, 'x-sandbox-signature': '0'.repeat(64) }), 'unverified');
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', genuine.body, {}), 'unverified');
    const old = signed(report, new Date(Date.now() - 10 * 60 * 1000));
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', old.raw, old.headers), 'unverified');
    // Signed correctly, but not what was asked for: refused and recorded.
    for (const change of [{ amountCents: 1 }, { currency: 'USD' }, { requestId: 'other-request' }]) {
      const n = signed({ ...report, ...change });
      assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', n.raw, n.headers), 'refused', JSON.stringify(change));
    }
    // A payment the portal does not know, or another town's.
    const unknown = signed({ ...report, transactionId: '00000000-0000-4000-8000-000000000000', requestId: 'unknown-request' });
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', unknown.raw, unknown.headers), 'unknown');
    const { tenant: otherTown } = await app.createTown();
    assert.equal(await receiveNotification(deps, otherTown.id, 'sandbox', genuine.body, genuine.headers), 'unknown');
    assert.equal(await status(paymentId), 'pending');
    assert.deepEqual((await events(paymentId)).filter((e) => e.outcome === 'refused').map((e) => e.detail),
      ['amount does not match the payment', 'currency does not match the payment', 'request id does not match the payment']);
    // The genuine one still counts.
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', genuine.body, genuine.headers), 'applied');
  });

  it('reconciles a pending payment by a job when the notification was lost', async () => {
    const { paymentId, transactionId } = await startedPayment();
    await sandbox.decide(tenant.id, transactionId, 'pay');
    // The process died before the notification was handled: its job is gone for good.
    await asTownOwner(app.database.db, tenant.id, (trx) => trx.deleteFrom('jobs').where('kind', '=', 'payment-sandbox-notify').where('tenant_id', '=', tenant.id).execute());
    assert.equal(await status(paymentId), 'pending');
    await runJobsNow('payment-reconcile');
    assert.equal(await status(paymentId), 'paid');
    assert.equal(await paidEvents(paymentId), 1);
  });

  it('delivers the notification after a restart when the worker died holding it', async () => {
    const { paymentId, transactionId } = await startedPayment();
    await sandbox.decide(tenant.id, transactionId, 'pay');
    // A worker claimed the notification and died before committing anything: its lease has run out.
    await asTownOwner(app.database.db, tenant.id, (trx) =>
      trx.updateTable('jobs').set({ attempts: 1, locked_until: new Date(Date.now() - 1000) }).where('kind', '=', 'payment-sandbox-notify').where('done_at', 'is', null).where('tenant_id', '=', tenant.id).execute());
    assert.equal(await status(paymentId), 'pending');
    await app.jobs.runDue();
    assert.equal(await status(paymentId), 'paid');
    assert.equal(await paidEvents(paymentId), 1);
  });

  it('keeps retrying the reconciliation while the payer has not decided', async () => {
    const { paymentId } = await startedPayment();
    await runJobsNow('payment-reconcile');
    const job = await asTownOwner(app.database.db, tenant.id, (trx) =>
      trx.selectFrom('jobs').select(['attempts', 'done_at', 'last_error']).where('kind', '=', 'payment-reconcile').where(sql`payload->>'paymentId'`, '=', paymentId).executeTakeFirstOrThrow());
    assert.equal(job.done_at, null);
    assert.equal(job.attempts, 1);
    assert.match(job.last_error!, /still open/);
    assert.equal(await status(paymentId), 'pending');
  });

  it('finds the payment by its request id when the portal died before storing the transaction id', async () => {
    const payment = await createPayment(app.database.db, tenant.id, fee);
    // The provider created the transaction, but the answer never reached the database.
    const transaction = await sandbox.createPayment({ tenantId: tenant.id, requestId: payment.requestId, purpose: fee.purpose, description: fee.description, amountCents: 700, currency: 'EUR', returnUrl: `/zahlung/${payment.id}/zurueck` });
    await sandbox.decide(tenant.id, transaction.transactionId, 'pay');
    assert.equal(await deliver(transaction.transactionId), 'applied');
    const paid = (await readPayment(app.database.db, tenant.id, payment.id))!;
    assert.equal(paid.status, 'paid');
    assert.equal(paid.providerTransactionId, transaction.transactionId);
    // Starting it again asks the provider with the same request id and gets the same transaction.
    assert.deepEqual(await startPayment(deps, tenant.id, payment.id), { kind: 'closed', payment: paid });
  });

  it('gives the same transaction when a payment is started twice', async () => {
    const payment = await createPayment(app.database.db, tenant.id, fee);
    const first = await startPayment(deps, tenant.id, payment.id);
    const second = await startPayment(deps, tenant.id, payment.id);
    assert.deepEqual(first, second);
    const jobs = await asTownOwner(app.database.db, tenant.id, (trx) =>
      trx.selectFrom('jobs').select('id').where('kind', '=', 'payment-reconcile').where(sql`payload->>'paymentId'`, '=', payment.id).execute());
    assert.equal(jobs.length, 1);
  });

  it('refunds a paid payment once, with a reason', async () => {
    const { paymentId, transactionId } = await startedPayment();
    assert.equal(await refundPayment(deps, tenant.id, paymentId, 'Antrag zurückgezogen'), 'notPaid');
    await sandbox.decide(tenant.id, transactionId, 'pay');
    await deliver(transactionId);
    await assert.rejects(refundPayment(deps, tenant.id, paymentId, '  '));
    assert.equal(await refundPayment(deps, tenant.id, paymentId, 'Antrag zurückgezogen'), 'refunded');
    assert.equal(await refundPayment(deps, tenant.id, paymentId, 'Antrag zurückgezogen'), 'notPaid');
    assert.equal(await status(paymentId), 'refunded');
    assert.equal((await sandbox.queryStatus(tenant.id, transactionId))!.status, 'REFUNDED');
    // A late or replayed PAYED notification does not bring a refunded payment back to paid.
    const requestId = (await readPayment(app.database.db, tenant.id, paymentId))!.requestId;
    const late = signed({ transactionId, requestId, status: 'PAYED', amountCents: 700, currency: 'EUR', kassenzeichen: null });
    assert.equal(await receiveNotification(deps, tenant.id, 'sandbox', late.raw, late.headers), 'unchanged');
    assert.equal(await deliver(transactionId), 'unchanged');
    assert.equal(await refundPayment(deps, tenant.id, '00000000-0000-4000-8000-000000000000', 'x'), 'notFound');
  });

  it("shows a case's payments with their history to the case's department only", async () => {
    const { caseId } = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Die Laterne am Markt ist defekt.'));
    const departmentId = async (key: string) => (await asTownOwner(app.database.db, tenant.id, (trx) => trx.selectFrom('departments').select('id').where('tenant_id', '=', tenant.id).where('key', '=', key).executeTakeFirstOrThrow())).id;
    const clerk = { tenantId: tenant.id, departmentIds: [await departmentId('zentrale')] };
    const otherClerk = { tenantId: tenant.id, departmentIds: [await departmentId('bauamt')] };
    assert.deepEqual(await listPaymentsOfCase(app.database.db, clerk, caseId), []);
    assert.match(renderToString(CasePaymentsSection({ lang: 'de', payments: [] })), /keine Zahlungen/);

    const { id } = await createPayment(app.database.db, tenant.id, { ...fee, caseId });
    await startPayment(deps, tenant.id, id);
    const { providerTransactionId: transactionId, requestId } = (await readPayment(app.database.db, tenant.id, id))!;
    const wrong = signed({ transactionId, requestId, status: 'PAYED', amountCents: 70, currency: 'EUR', kassenzeichen: null });
    await receiveNotification(deps, tenant.id, 'sandbox', wrong.raw, wrong.headers);
    await sandbox.decide(tenant.id, transactionId!, 'pay');
    await deliver(transactionId!);

    const seen = await listPaymentsOfCase(app.database.db, clerk, caseId);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.payment.status, 'paid');
    assert.deepEqual(seen[0]!.events.map((e) => `${e.source}:${e.outcome}`), ['start:applied', 'notification:refused', 'notification:applied']);
    const html = renderToString(CasePaymentsSection({ lang: 'de', payments: seen }));
    for (const expected of ['7,00', 'Bezahlt', 'abgewiesen (amount does not match the payment)', 'Benachrichtigung des Bezahldienstes', seen[0]!.payment.kassenzeichen!]) assert.ok(html.includes(expected), expected);
    assert.deepEqual(await listPaymentsOfCase(app.database.db, otherClerk, caseId), []);
  });

  it('keeps the payment history append-only and each town to its own payments', async () => {
    const { paymentId } = await startedPayment();
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => trx.updateTable('payment_events').set({ outcome: 'refused' }).where('payment_id', '=', paymentId).execute()), /permission denied/);
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => trx.deleteFrom('payment_events').where('payment_id', '=', paymentId).execute()), /permission denied/);
    await assert.rejects(inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => trx.updateTable('payments').set({ amount_cents: 1 }).where('id', '=', paymentId).execute()), /permission denied/);
    const { tenant: otherTown } = await app.createTown();
    assert.equal(await readPayment(app.database.db, otherTown.id, paymentId), undefined);
  });
});

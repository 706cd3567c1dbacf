import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import { isSameOriginPath } from './payment.js';
import { paymentPath, readPayment, receiveNotification, reconcilePayment, retryPayment, startPayment } from './payments.service.js';
import { sandboxNotificationPath, type SandboxOutcome } from './providers/sandbox/sandbox-provider.js';
import { renderPaymentReceiptPdf } from './receipt.js';
import { paymentStaffRoutes } from './payments.staff-routes.js';
import { PaymentPage, SandboxPage } from './views/payment-pages.js';

// Starting a payment asks the provider; the limit keeps one client from flooding it.
const postRateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };
const outcomes: Record<string, SandboxOutcome> = { bezahlt: 'pay', gescheitert: 'fail', abgebrochen: 'cancel' };

type PaymentRequest = FastifyRequest<{ Params: { paymentId: string } }>;
type SandboxRequest = FastifyRequest<{ Params: { transactionId: string } }>;

/**
 * The payer's payment pages and the built-in sandbox provider (docs/adr/0027-e-payment.md):
 * /zahlung/:id shows the payment and starts it, /zahlung/:id/zurueck is the provider's return
 * address (it asks the provider, never believes the browser), /zahlung/sandbox/… are the
 * sandbox's pay page and its signed notification endpoint. The payment id in the address is the
 * only key, so the pages are not cached and send no referrer.
 */
export async function paymentRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  await paymentStaffRoutes(app, deps);
  const privateHeaders = (reply: FastifyReply) => reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');

  app.get(`/zahlung/:paymentId`, async (request: PaymentRequest, reply) => {
    const payment = await readPayment(db, request.tenant.id, request.params.paymentId);
    if (!payment) return reply.callNotFound();
    const session = await ensureSession(db, request, reply);
    privateHeaders(reply);
    return sendPage(reply, <PaymentPage ctx={{ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session.csrfToken }} payment={payment} />);
  });

  app.post(`/zahlung/:paymentId`, { config: postRateLimit }, async (request: PaymentRequest, reply) => {
    if (!isValidCsrfToken(await findSession(db, request), (request.body as Record<string, unknown> | undefined)?._csrf)) return sendErrorPage(request, reply, 403);
    const outcome = await startPayment(deps.payments, request.tenant.id, request.params.paymentId);
    if (outcome.kind === 'notFound') return reply.callNotFound();
    return reply.redirect(outcome.kind === 'redirect' ? outcome.url : paymentPath(outcome.payment.id), 303);
  });

  // A failed or cancelled payment of a case is tried again as a new payment; the payer goes to it.
  app.post(`/zahlung/:paymentId/erneut`, { config: postRateLimit }, async (request: PaymentRequest, reply) => {
    if (!isValidCsrfToken(await findSession(db, request), (request.body as Record<string, unknown> | undefined)?._csrf)) return sendErrorPage(request, reply, 403);
    const outcome = await retryPayment(deps.payments, request.tenant.id, request.params.paymentId);
    if (outcome.kind === 'notFound') return reply.callNotFound();
    return reply.redirect(paymentPath(outcome.payment.id), 303);
  });

  // Whatever the address carries (a status, another target) is ignored: the provider is asked.
  app.get(`/zahlung/:paymentId/zurueck`, async (request: PaymentRequest, reply) => {
    const payment = await readPayment(db, request.tenant.id, request.params.paymentId);
    if (!payment) return reply.callNotFound();
    await reconcilePayment(deps.payments, request.tenant.id, payment.id);
    return reply.redirect(paymentPath(payment.id), 303);
  });

  // The confirmation exists once the payment is paid (and stays for a refunded one: it was paid).
  app.get(`/zahlung/:paymentId/zahlungsbestaetigung.pdf`, async (request: PaymentRequest, reply) => {
    const payment = await readPayment(db, request.tenant.id, request.params.paymentId);
    if (!payment?.paidAt) return reply.callNotFound();
    const pdf = await renderPaymentReceiptPdf({ tenant: deps.tenants.findById(request.tenant.id)!, payment: { ...payment, paidAt: payment.paidAt }, lang: request.lang });
    privateHeaders(reply);
    return reply.header('content-disposition', `attachment; filename="Zahlungsbestaetigung-${(payment.kassenzeichen ?? payment.requestId).replace(/[^A-Za-z0-9-]/g, '')}.pdf"`).type('application/pdf').send(pdf);
  });

  const sandbox = deps.payments.providers.sandbox;
  if (!sandbox) return;

  app.get(`/zahlung/sandbox/:transactionId`, async (request: SandboxRequest, reply) => {
    const transaction = await sandbox.findTransaction(request.tenant.id, request.params.transactionId);
    if (!transaction) return reply.callNotFound();
    const session = await ensureSession(db, request, reply);
    privateHeaders(reply);
    return sendPage(reply, <SandboxPage ctx={{ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session.csrfToken }} transaction={transaction} />);
  });

  app.post(`/zahlung/sandbox/:transactionId`, { config: postRateLimit }, async (request: SandboxRequest, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!isValidCsrfToken(await findSession(db, request), body._csrf)) return sendErrorPage(request, reply, 403);
    const outcome = typeof body.ergebnis === 'string' ? outcomes[body.ergebnis] : undefined;
    if (!outcome) return sendErrorPage(request, reply, 400);
    const returnUrl = await sandbox.decide(request.tenant.id, request.params.transactionId, outcome);
    if (!returnUrl) return reply.callNotFound();
    deps.jobs.kick();
    // Stored when the payment started, from the portal's own path; checked again all the same.
    return reply.redirect(isSameOriginPath(returnUrl) ? returnUrl : '/', 303);
  });

  // The notification is verified over the exact bytes received, so this route reads JSON as text.
  await app.register(async (raw) => {
    raw.removeContentTypeParser('application/json');
    raw.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => done(null, body));
    raw.post(sandboxNotificationPath, { config: postRateLimit }, async (request, reply) => {
      const outcome = await receiveNotification(deps.payments, request.tenant.id, 'sandbox', String(request.body ?? ''), request.headers);
      const code = { applied: 200, unchanged: 200, refused: 422, unverified: 401, unknown: 404 }[outcome];
      return reply.code(code).send({ outcome });
    });
  });
}

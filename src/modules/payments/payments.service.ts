import { z } from 'zod';
import type { Config } from '../../config.js';
import { loadPaymentSandboxSecret } from '../../platform/crypto/secret-box.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { townUrl } from '../../platform/http/town-url.js';
import { inTransaction, type Actor, type Db, type Trx } from '../../platform/db/database.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/jobs.js';
import { recordAudit } from '../audit/index.js';
// The job's name only: the cases module's front door leads back here through its routes.
import { postboxNoticeJob } from '../cases/applicant-notice.js';
import { withdrawOpenCase } from '../cases/applicant-withdrawal.js';
import { isSameOriginPath, openStatuses, type FeeMode, paymentProviderIds, reportTransitions, type Payment, type PaymentProviderId } from './payment.js';
import { assessFees, type FeeAssessment, type FeeRule, type PaymentSettings } from './fees.js';
import {
  findCasePaymentIn, findPayment, findPaymentByRequest, findPaymentByTransaction, insertPayment, listCasePayments, listPaymentEvents, listSubmissionPayments,
  recordPaymentEvent, type PaymentEvent, transitionPayment,
} from './payments.repository.js';
import type { PaymentProvider, ProviderReport, ProviderStatus } from './providers/provider.js';
import { createSandboxProvider, sandboxNotifyJob, type SandboxProvider } from './providers/sandbox/sandbox-provider.js';
import { createXBezahldiensteProvider, hasXBezahldienste, type XBezahldiensteProvider } from './providers/xbezahldienste/xbezahldienste-provider.js';

/** The providers this installation can use (the sandbox is left out in production unless its secret is set). */
export interface PaymentProviders {
  sandbox?: SandboxProvider;
  xbezahldienste?: XBezahldiensteProvider;
}

/** What the payment use cases need. */
export interface PaymentDeps {
  db: Db;
  providers: PaymentProviders;
}

/** The job that asks the provider about a payment still open some time after the payer was sent there. */
export const reconcileJob = 'payment-reconcile';
// Most payers finish within minutes; the job then retries on the worker's back-off (2, 4, … 512 s)
// while the payment stays open, covering about half an hour after the first query.
const reconcileDelayMs = 10 * 60 * 1000;
const reconcileAttempts = 10;

/** The return address the provider sends the browser back to. */
export const paymentReturnPath = (paymentId: string) => `/zahlung/${paymentId}/zurueck`;
/** The payment's own page (amount, state, pay button). */
export const paymentPath = (paymentId: string) => `/zahlung/${paymentId}`;

/** Sets up the providers from the configuration. */
export async function createPaymentProviders(config: Pick<Config, 'env' | 'dataDir' | 'paymentSandboxSecret' | 'baseUrl' | 'port'>, db: Db): Promise<PaymentProviders> {
  // Every town's own payment service, for the towns that configured one (xbezahldienste_settings).
  const xbezahldienste = createXBezahldiensteProvider({
    db,
    townUrl: async (tenantId, path) => townUrl(config, await inTransaction(db, { tenantId }, (trx) => trx.selectFrom('tenants').select('hosts').where('id', '=', tenantId).executeTakeFirstOrThrow()), path),
  });
  // A sandbox in production would let anyone "pay" with a button: only with an explicit secret.
  if (config.env === 'production' && !config.paymentSandboxSecret) return { xbezahldienste };
  return { sandbox: createSandboxProvider(db, await loadPaymentSandboxSecret(config)), xbezahldienste };
}

function providerOf(deps: PaymentDeps, id: PaymentProviderId): PaymentProvider {
  const provider = deps.providers[id];
  if (!provider) throw new Error(`Payment provider ${id} is not configured`);
  return provider;
}

const newPaymentSchema = z.strictObject({
  caseId: z.string().refine(isUuid).nullable().default(null),
  serviceId: z.string().regex(/^[a-z0-9-]{2,60}$/).nullable().default(null),
  purpose: z.string().regex(/^[A-Za-z0-9 -]{1,27}$/, 'at most 27 letters A-Z, digits, spaces or dashes (XBezahldienste)'),
  description: z.string().min(1).max(250),
  amountCents: z.number().int().min(1).max(99_999_999),
  currency: z.literal('EUR').default('EUR'),
  provider: z.enum(paymentProviderIds),
  continuePath: z.string().refine(isSameOriginPath, 'a path on this host'),
});

/** A payment to create: what for, how much (integer cents), through which provider, where the payer continues. */
export type NewPayment = z.input<typeof newPaymentSchema>;

/** Creates a payment in state created; throws on invalid input (callers pass computed fees, not user input). */
export async function createPayment(db: Db, tenantId: string, input: NewPayment): Promise<Payment> {
  const valid = newPaymentSchema.parse(input);
  return inTransaction(db, { tenantId }, (trx) => insertPayment(trx, { tenantId, ...valid }));
}

/**
 * The fee an application pays before its case reaches the clerk (payment mode `before`), in
 * integer cents; undefined when the service is not paid first or this application costs nothing.
 * A fee that cannot be computed from the answers cannot be collected first: that is a fault of the
 * service definition, not of the applicant, so it throws.
 */
export function feeDueFirst(service: { id: string; fees: readonly FeeRule[]; payment?: PaymentSettings }, answers: Parameters<typeof assessFees>[1]): number | undefined {
  if (service.payment?.mode !== 'before') return undefined;
  const fees = assessFees(service.fees, answers);
  if (fees.unresolved.length > 0) throw new Error(`Service ${service.id} is paid before handling but its fees cannot all be computed from the answers`);
  return fees.totalCents > 0 ? fees.totalCents : undefined;
}

/**
 * Creates the payment of a case that was just written, in the caller's transaction, so that the
 * submission and its payment are committed together (acknowledged means durable). The case
 * reference is the Verwendungszweck, as the finance office books it.
 */
export async function openCasePayment(
  trx: Trx,
  tenantId: string,
  input: {
    caseId: string; serviceId: string; reference: string; serviceTitle: string; amountCents: number; continuePath: string; feeMode?: FeeMode; noticeAccountId: string | null;
    /** For a fee paid first: when to withdraw the application if it is still unpaid, acting as its applicant (the receipt's token hash). */
    closeUnpaid?: { afterDays: number; receiptTokenHash: string };
  },
): Promise<Payment> {
  const valid = newPaymentSchema.parse({
    caseId: input.caseId,
    serviceId: input.serviceId,
    purpose: input.reference.replace(/[^A-Za-z0-9 -]/g, '-').slice(0, 27),
    description: `${input.serviceTitle} (${input.reference})`.slice(0, 250),
    amountCents: input.amountCents,
    // The town's own payment service once it is connected; until then the built-in sandbox.
    provider: (await hasXBezahldienste(trx)) ? 'xbezahldienste' : 'sandbox',
    continuePath: input.continuePath,
  });
  if (input.closeUnpaid) {
    const { afterDays, receiptTokenHash } = input.closeUnpaid;
    await enqueueJob(trx, { tenantId, kind: closeUnpaidJob, payload: { caseId: input.caseId, receiptTokenHash }, runAt: new Date(Date.now() + afterDays * 86_400_000) });
  }
  return insertPayment(trx, { tenantId, feeMode: input.feeMode ?? 'before', noticeAccountId: input.noticeAccountId, ...valid });
}

/** The job that withdraws a pay-first application whose fee was never paid. */
export const closeUnpaidJob = 'payment-close-unpaid';

/** What became of an application the closing job looked at. */
export type CloseUnpaidOutcome = 'closed' | 'paid' | 'notOpen' | 'notFound';

/**
 * Withdraws a pay-first application whose fee was never paid, so that it is closed and retention
 * reaches it: its open payment is cancelled (the conditional UPDATE: one the provider confirmed in
 * the meantime stays paid, and then the application stays too), the case is withdrawn with the
 * reason `unpaid`, in one transaction acting as the applicant (the receipt's token hash), the only
 * one besides a paid fee that row-level security lets see the held case. Running it again changes
 * nothing. A provider reporting PAYED later still wins (no money is lost): the clerk then sees a
 * withdrawn case with a paid fee, and a team lead refunds it.
 */
export async function closeUnpaidApplication(db: Db, tenantId: string, caseId: string, receiptTokenHash: string): Promise<CloseUnpaidOutcome> {
  if (!isUuid(caseId)) return 'notFound';
  return inTransaction(db, { tenantId, receiptTokenHashes: [receiptTokenHash] }, async (trx) => {
    for (const payment of await listCasePayments(trx, caseId)) {
      if (!openStatuses.includes(payment.status)) continue;
      if (await transitionPayment(trx, payment.id, openStatuses, { status: 'cancelled' })) {
        await recordPaymentEvent(trx, tenantId, payment.id, { source: 'expiry', providerStatus: null, amountCents: null, currency: null, outcome: 'applied', newStatus: 'cancelled', detail: 'not paid in time' });
      }
    }
    if (await findCasePaymentIn(trx, caseId, ['paid', 'refunded'])) return 'paid';
    const withdrawn = await withdrawOpenCase(trx, tenantId, caseId, { actor: 'system:payment', reason: 'unpaid' });
    return withdrawn === 'done' ? 'closed' : withdrawn;
  });
}

// A permit granted in part is still granted: its fee is due as for a full one.
const feeDecisions: readonly (string | null)[] = ['approved', 'partly'];

/**
 * The fees a decision sets for a service paid after the decision (payment mode `after`): the
 * assessment from the answers for a positive decision; undefined for a rejection, for a service
 * paid before or not at all, and for an application that costs nothing. A fee that cannot be
 * computed from the answers stays in `unresolved`, and the letter that would name it cannot be
 * issued (its fee placeholders do not resolve).
 */
export function feesSetByDecision(service: ServiceFees, answers: Parameters<typeof assessFees>[1], decision: string | null): FeeAssessment | undefined {
  if (service.payment?.mode !== 'after' || !feeDecisions.includes(decision)) return undefined;
  const fees = assessFees(service.fees, answers);
  return fees.totalCents > 0 || fees.unresolved.length > 0 ? fees : undefined;
}

/** A service definition as far as its fees go. */
export type ServiceFees = { id: string; fees: readonly FeeRule[]; payment?: PaymentSettings };

/**
 * The payment request a decision letter carries, written in the letter's transaction, so that the
 * letter and its request are delivered together or not at all. Nothing for a rejection or a
 * service not paid after the decision. A case that already has an open or settled payment (a
 * corrected letter) keeps it: the fee is asked for once.
 */
export async function requestFeeWithDecision(
  trx: Trx,
  tenantId: string,
  input: { caseId: string; reference: string; serviceTitle: string; service: ServiceFees; answers: Parameters<typeof assessFees>[1]; decision: string | null; continuePath: string; noticeAccountId: string | null },
): Promise<Payment | undefined> {
  const fees = feesSetByDecision(input.service, input.answers, input.decision);
  if (!fees) return undefined;
  if (fees.unresolved.length > 0) throw new Error(`Service ${input.service.id}: a fee cannot be computed from the answers`);
  const existing = await findCasePaymentIn(trx, input.caseId, [...openStatuses, 'paid', 'refunded']);
  if (existing) return existing;
  return openCasePayment(trx, tenantId, { ...input, serviceId: input.service.id, amountCents: fees.totalCents, feeMode: 'after' });
}

/** What asking to pay again gave: a new payment, or the reason there is none. */
export type RetryOutcome = { kind: 'created'; payment: Payment } | { kind: 'notRetryable'; payment: Payment } | { kind: 'notFound' };

/**
 * A new attempt for a failed or cancelled payment of a case: a new payment with a new request id
 * (a provider keeps a failed transaction failed), the same amount, purpose and way on. None while
 * the case has an open payment (the payer continues that one; a unique index stops two racing
 * clicks) or has been paid already.
 */
export async function retryPayment(deps: Pick<PaymentDeps, 'db'>, tenantId: string, paymentId: string): Promise<RetryOutcome> {
  if (!isUuid(paymentId)) return { kind: 'notFound' };
  return inTransaction(deps.db, { tenantId }, async (trx) => {
    const payment = await findPayment(trx, paymentId, { forUpdate: true });
    if (!payment) return { kind: 'notFound' };
    if (!payment.caseId || (payment.status !== 'failed' && payment.status !== 'cancelled')) return { kind: 'notRetryable', payment };
    const other = await findCasePaymentIn(trx, payment.caseId, [...openStatuses, 'paid', 'refunded']);
    if (other) return { kind: 'notRetryable', payment: other };
    const { caseId, serviceId, feeMode, noticeAccountId, purpose, description, amountCents, currency, provider, continuePath } = payment;
    return { kind: 'created', payment: await insertPayment(trx, { tenantId, caseId, serviceId, feeMode, noticeAccountId, purpose, description, amountCents, currency, provider, continuePath }) };
  });
}

/** The latest payment of a case, if the actor may see the case (its applicant by status link or receipt, its department). */
export async function readCasePayment(db: Db, actor: Actor, caseId: string): Promise<Payment | undefined> {
  if (!isUuid(caseId)) return undefined;
  return inTransaction(db, actor, async (trx) => (await listCasePayments(trx, caseId)).at(-1));
}

/** The latest payment of a submission's case, if the actor may see the case (the browser holding the receipt). */
export async function readSubmissionPayment(db: Db, actor: Actor, submissionId: string): Promise<Payment | undefined> {
  if (!isUuid(submissionId)) return undefined;
  return inTransaction(db, actor, async (trx) => (await listSubmissionPayments(trx, submissionId)).at(-1));
}

/** A payment of the town; undefined for an unknown id. */
export async function readPayment(db: Db, tenantId: string, paymentId: string): Promise<Payment | undefined> {
  if (!isUuid(paymentId)) return undefined;
  return inTransaction(db, { tenantId }, (trx) => findPayment(trx, paymentId));
}

/** The outcome of starting a payment: the provider's pay page, or the payment is not open any more. */
export type StartOutcome = { kind: 'redirect'; url: string } | { kind: 'closed'; payment: Payment } | { kind: 'notFound' };

/**
 * Sends the payer to the provider. The request id was stored with the payment, so asking again
 * (a second click, a lost answer) yields the same transaction; the first start schedules the
 * reconciliation job, which decides if neither notification nor return ever arrive.
 */
export async function startPayment(deps: PaymentDeps, tenantId: string, paymentId: string): Promise<StartOutcome> {
  const payment = await readPayment(deps.db, tenantId, paymentId);
  if (!payment) return { kind: 'notFound' };
  if (!openStatuses.includes(payment.status)) return { kind: 'closed', payment };
  const provider = providerOf(deps, payment.provider);
  const transaction = await provider.createPayment({
    tenantId, requestId: payment.requestId, purpose: payment.purpose, description: payment.description,
    amountCents: payment.amountCents, currency: payment.currency, returnUrl: paymentReturnPath(payment.id),
  });
  // Hardening against open redirects: the browser goes to the provider's own pay page or nowhere.
  if (!provider.isOwnRedirectUrl(transaction.redirectUrl)) throw new Error('The provider named a pay page outside its own');
  return inTransaction(deps.db, { tenantId }, async (trx) => {
    const started = await transitionPayment(trx, payment.id, ['created'], { status: 'pending', providerTransactionId: transaction.transactionId });
    if (started) {
      await recordPaymentEvent(trx, tenantId, payment.id, { source: 'start', providerStatus: 'INITIAL', amountCents: payment.amountCents, currency: payment.currency, outcome: 'applied', newStatus: 'pending', detail: null });
      await enqueueJob(trx, { tenantId, kind: reconcileJob, payload: { paymentId: payment.id }, runAt: new Date(Date.now() + reconcileDelayMs), maxAttempts: reconcileAttempts });
      return { kind: 'redirect', url: transaction.redirectUrl };
    }
    const now = (await findPayment(trx, payment.id))!;
    return openStatuses.includes(now.status) ? { kind: 'redirect', url: transaction.redirectUrl } : { kind: 'closed', payment: now };
  });
}

const reportedStatus: Record<ProviderStatus, 'pending' | 'paid' | 'failed' | 'cancelled' | undefined> = {
  INITIAL: 'pending', PAYED: 'paid', FAILED: 'failed', CANCELED: 'cancelled',
  // Only the portal's own refund (refundPayment) marks a payment refunded, with its reason.
  REFUNDED: undefined,
};

/** What a provider's report did to its payment. */
export type ReportOutcome = 'applied' | 'unchanged' | 'refused';

/**
 * Applies a notification or status query to its payment, and records it either way. A report
 * whose request id, amount, currency or transaction id differs from the payment is refused: the
 * provider must confirm exactly what was asked for. The state moves only along reportTransitions,
 * by a conditional UPDATE, so replays and reordered reports leave one paid payment.
 */
async function applyReport(trx: Trx, payment: Payment, report: ProviderReport, source: 'notification' | 'status_query'): Promise<ReportOutcome> {
  const event = { source, providerStatus: report.status, amountCents: report.amountCents, currency: report.currency };
  const mismatch =
    report.requestId !== payment.requestId ? 'request id'
    : report.amountCents !== payment.amountCents ? 'amount'
    : report.currency !== payment.currency ? 'currency'
    : payment.providerTransactionId !== null && report.transactionId !== payment.providerTransactionId ? 'transaction id'
    : undefined;
  if (mismatch) {
    await recordPaymentEvent(trx, payment.tenantId, payment.id, { ...event, outcome: 'refused', newStatus: null, detail: `${mismatch} does not match the payment` });
    return 'refused';
  }
  const target = reportedStatus[report.status];
  const changed = target && (await transitionPayment(trx, payment.id, reportTransitions[target], { status: target, providerTransactionId: report.transactionId, kassenzeichen: report.kassenzeichen }));
  await recordPaymentEvent(trx, payment.tenantId, payment.id, { ...event, outcome: changed ? 'applied' : 'unchanged', newStatus: changed ? changed.status : null, detail: null });
  // The confirmation is now in the applicant's postbox (a message derived from the payment): the
  // usual notice, naming nothing, in the transaction that settles it, so exactly once.
  if (changed && changed.status === 'paid' && changed.noticeAccountId) {
    await enqueueJob(trx, { tenantId: payment.tenantId, kind: postboxNoticeJob, payload: { accountId: changed.noticeAccountId } });
  }
  return changed ? 'applied' : 'unchanged';
}

/** What became of a server-to-server notification. */
export type NotificationOutcome = ReportOutcome | 'unverified' | 'unknown';

/**
 * Receives a provider's notification for the town: the signature first (an unverified one is not
 * even looked at), then the payment it names, by transaction id or, when the portal never learnt
 * the transaction id (it died after asking the provider), by the request id it chose itself.
 */
export async function receiveNotification(
  deps: PaymentDeps, tenantId: string, providerId: PaymentProviderId, rawBody: string, headers: Record<string, string | string[] | undefined>,
): Promise<NotificationOutcome> {
  const provider = deps.providers[providerId];
  const report = provider?.verifyNotification(tenantId, rawBody, headers);
  if (!report) return 'unverified';
  return inTransaction(deps.db, { tenantId }, async (trx) => {
    const payment = (await findPaymentByTransaction(trx, providerId, report.transactionId)) ?? (await findPaymentByRequest(trx, providerId, report.requestId));
    if (!payment) return 'unknown';
    return applyReport(trx, payment, report, 'notification');
  });
}

/**
 * Asks the provider about an open payment and applies the answer: what the return page and the
 * reconciliation job do, since the browser's return itself proves nothing. A payment that never
 * reached the provider (no transaction id) has nothing to ask about.
 */
export async function reconcilePayment(deps: PaymentDeps, tenantId: string, paymentId: string): Promise<Payment | undefined> {
  const payment = await readPayment(deps.db, tenantId, paymentId);
  if (!payment || !openStatuses.includes(payment.status) || !payment.providerTransactionId) return payment;
  const report = await providerOf(deps, payment.provider).queryStatus(tenantId, payment.providerTransactionId);
  return inTransaction(deps.db, { tenantId }, async (trx) => {
    if (report) await applyReport(trx, payment, report, 'status_query');
    else await recordPaymentEvent(trx, tenantId, payment.id, { source: 'status_query', providerStatus: null, amountCents: null, currency: null, outcome: 'unchanged', newStatus: null, detail: 'the provider does not know the transaction' });
    return findPayment(trx, payment.id);
  });
}

/**
 * Pays a paid payment back in full, with the reason recorded. The provider is asked first and
 * must treat a repeat as done, so a crash between its refund and the local commit is repaired by
 * refunding again. Who may refund (a team lead) is for the calling route to decide.
 */
export async function refundPayment(deps: PaymentDeps, tenantId: string, paymentId: string, reason: string, by?: string): Promise<'refunded' | 'notPaid' | 'notFound'> {
  const text = reason.trim();
  if (text.length === 0 || text.length > 1000) throw new Error('A refund needs a reason of at most 1000 characters');
  const payment = await readPayment(deps.db, tenantId, paymentId);
  if (!payment) return 'notFound';
  if (payment.status !== 'paid' || !payment.providerTransactionId) return 'notPaid';
  await providerOf(deps, payment.provider).refund(tenantId, payment.providerTransactionId);
  return inTransaction(deps.db, { tenantId }, async (trx) => {
    const refunded = await transitionPayment(trx, payment.id, ['paid'], { status: 'refunded', refundReason: text });
    if (!refunded) return 'notPaid';
    await recordPaymentEvent(trx, tenantId, payment.id, { source: 'refund', providerStatus: 'REFUNDED', amountCents: payment.amountCents, currency: payment.currency, outcome: 'applied', newStatus: 'refunded', detail: by ? `by ${by}` : null });
    // A refund moves the town's money: the audit log names who did it (the reason stays with the payment).
    if (by) await recordAudit(trx, { tenantId, actor: by, action: 'payment.refunded', subject: `payment:${payment.id}`, details: { amountCents: payment.amountCents, ...(payment.caseId ? { caseId: payment.caseId } : {}) } });
    return 'refunded';
  });
}

/** What a team lead's refund of a case's payment came to; `invalid` carries the message key for the reason field. */
export type CaseRefundOutcome = 'refunded' | 'notPaid' | 'notFound' | { invalid: 'refundReasonMissing' | 'refundReasonTooLong' };

/**
 * A team lead pays a case's payment back, with a reason. `lead` is the staff member read with only
 * the departments they lead: row-level security on cases then finds the payment only for a case
 * of such a department, so the role check cannot be forgotten here. The staff id is recorded with
 * the refund.
 */
export async function refundCasePayment(deps: PaymentDeps, lead: Actor & { staffId: string }, input: { caseId: string; paymentId: string; reason: unknown }): Promise<CaseRefundOutcome> {
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length === 0) return { invalid: 'refundReasonMissing' };
  if (reason.length > 1000) return { invalid: 'refundReasonTooLong' };
  const payment = (await listPaymentsOfCase(deps.db, lead, input.caseId)).find((p) => p.payment.id === input.paymentId);
  if (!payment) return 'notFound';
  return refundPayment(deps, lead.tenantId, payment.payment.id, reason, `staff:${lead.staffId}`);
}

/** A payment with its history, as the clerk's view of a case shows it. */
export interface CasePayment {
  payment: Payment;
  events: PaymentEvent[];
}

/**
 * The payments of a case with their histories, for the clerk's case page: read as the clerk, so
 * a case of another department yields none (row-level security on cases).
 */
export async function listPaymentsOfCase(db: Db, clerk: Actor, caseId: string): Promise<CasePayment[]> {
  if (!isUuid(caseId)) return [];
  return inTransaction(db, clerk, async (trx) => {
    const result: CasePayment[] = [];
    for (const payment of await listCasePayments(trx, caseId)) result.push({ payment, events: await listPaymentEvents(trx, payment.id) });
    return result;
  });
}

/** The payment job handlers: delivering the sandbox's notifications, reconciling open payments, closing unpaid applications. */
export function paymentJobHandlers(deps: PaymentDeps): Record<string, JobHandler> {
  return {
    // The sandbox is part of this process, so its notification reaches the same receiver as the
    // HTTP endpoint in-process; any answer but a verified, known payment is retried like a
    // provider retries a failed webhook.
    [sandboxNotifyJob]: async (job) => {
      const sandbox = deps.providers.sandbox;
      if (!sandbox || !job.tenantId) throw new Error('The sandbox provider is not configured');
      const signed = await sandbox.signNotification(job.tenantId, String(job.payload.transactionId));
      if (!signed) return;
      const outcome = await receiveNotification(deps, job.tenantId, 'sandbox', signed.body, signed.headers);
      if (outcome === 'unverified' || outcome === 'unknown') throw new Error(`notification ${outcome}`);
    },
    [closeUnpaidJob]: async (job) => {
      if (job.tenantId) await closeUnpaidApplication(deps.db, job.tenantId, String(job.payload.caseId), String(job.payload.receiptTokenHash));
    },
    [reconcileJob]: async (job) => {
      if (!job.tenantId) return;
      const payment = await reconcilePayment(deps, job.tenantId, String(job.payload.paymentId));
      if (payment && openStatuses.includes(payment.status)) throw new Error('payment still open at the provider');
    },
  };
}

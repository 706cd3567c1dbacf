import { sql, type Selectable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { Database } from '../../platform/db/schema.js';
import type { FeeMode, Payment, PaymentProviderId, PaymentStatus } from './payment.js';

type PaymentRow = Selectable<Database['payments']>;

function toPayment(r: PaymentRow): Payment {
  return {
    id: r.id, tenantId: r.tenant_id, caseId: r.case_id, serviceId: r.service_id, feeMode: r.fee_mode, noticeAccountId: r.notice_account_id, purpose: r.purpose, description: r.description, amountCents: r.amount_cents,
    currency: r.currency, status: r.status, provider: r.provider, requestId: r.request_id, providerTransactionId: r.provider_transaction_id,
    kassenzeichen: r.kassenzeichen, continuePath: r.continue_path, createdAt: new Date(r.created_at), paidAt: r.paid_at && new Date(r.paid_at),
    refundedAt: r.refunded_at && new Date(r.refunded_at), refundReason: r.refund_reason,
  };
}

/** Adds a payment in state created; the request id (the provider's idempotency key) is chosen here, before any provider is asked. */
export async function insertPayment(
  trx: Trx,
  input: { tenantId: string; caseId: string | null; serviceId?: string | null; feeMode?: FeeMode | null; noticeAccountId?: string | null; purpose: string; description: string; amountCents: number; currency: string; provider: PaymentProviderId; continuePath: string },
): Promise<Payment> {
  const row = await trx.insertInto('payments')
    .values({ tenant_id: input.tenantId, case_id: input.caseId, service_id: input.serviceId ?? null, fee_mode: input.feeMode ?? null, notice_account_id: input.noticeAccountId ?? null, purpose: input.purpose, description: input.description, amount_cents: input.amountCents, currency: input.currency, provider: input.provider, continue_path: input.continuePath })
    .returningAll().executeTakeFirstOrThrow();
  return toPayment(row);
}

/** One payment of the town, locked for update when asked. */
export async function findPayment(trx: Trx, paymentId: string, options: { forUpdate?: boolean } = {}): Promise<Payment | undefined> {
  const query = trx.selectFrom('payments').selectAll().where('id', '=', paymentId);
  const row = await (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
  return row && toPayment(row);
}

/** The payment a provider's transaction belongs to. */
export async function findPaymentByTransaction(trx: Trx, provider: PaymentProviderId, transactionId: string): Promise<Payment | undefined> {
  const row = await trx.selectFrom('payments').selectAll().where('provider', '=', provider).where('provider_transaction_id', '=', transactionId).executeTakeFirst();
  return row && toPayment(row);
}

/**
 * Moves a payment to `status` only if it is in one of `from` right now: the UPDATE re-checks the
 * state after waiting for any concurrent writer's lock, so of two racing reports exactly one
 * wins. Returns the payment as changed, or undefined when nothing changed.
 */
export async function transitionPayment(
  trx: Trx,
  paymentId: string,
  from: readonly PaymentStatus[],
  change: { status: PaymentStatus; providerTransactionId?: string; kassenzeichen?: string | null; refundReason?: string },
): Promise<Payment | undefined> {
  const row = await trx.updateTable('payments')
    .set({
      status: change.status,
      updated_at: sql<Date>`now()`,
      ...(change.providerTransactionId ? { provider_transaction_id: change.providerTransactionId } : {}),
      ...(change.kassenzeichen ? { kassenzeichen: change.kassenzeichen } : {}),
      ...(change.status === 'paid' ? { paid_at: sql<Date>`now()` } : {}),
      ...(change.status === 'refunded' ? { refunded_at: sql<Date>`now()`, refund_reason: change.refundReason } : {}),
    })
    .where('id', '=', paymentId)
    .where('status', 'in', from)
    .returningAll().executeTakeFirst();
  return row && toPayment(row);
}

/** A payment event as recorded. */
export interface PaymentEvent {
  source: 'start' | 'notification' | 'status_query' | 'refund' | 'expiry';
  providerStatus: string | null;
  amountCents: number | null;
  currency: string | null;
  outcome: 'applied' | 'unchanged' | 'refused';
  newStatus: PaymentStatus | null;
  detail: string | null;
  recordedAt: Date;
}

/** Appends an event to a payment's history (the table takes no updates or deletes). */
export async function recordPaymentEvent(trx: Trx, tenantId: string, paymentId: string, event: Omit<PaymentEvent, 'recordedAt'>): Promise<void> {
  await trx.insertInto('payment_events')
    .values({ tenant_id: tenantId, payment_id: paymentId, source: event.source, provider_status: event.providerStatus, amount_cents: event.amountCents, currency: event.currency, outcome: event.outcome, new_status: event.newStatus, detail: event.detail })
    .execute();
}

/** A payment's history, oldest first. */
export async function listPaymentEvents(trx: Trx, paymentId: string): Promise<PaymentEvent[]> {
  const rows = await trx.selectFrom('payment_events').selectAll().where('payment_id', '=', paymentId).orderBy('recorded_at').orderBy('id').execute();
  return rows.map((r) => ({ source: r.source, providerStatus: r.provider_status, amountCents: r.amount_cents, currency: r.currency, outcome: r.outcome, newStatus: r.new_status, detail: r.detail, recordedAt: new Date(r.recorded_at) }));
}

/** The payment with a request id whose transaction id the portal never stored (it died right after asking the provider). */
export async function findPaymentByRequest(trx: Trx, provider: PaymentProviderId, requestId: string): Promise<Payment | undefined> {
  const row = await trx.selectFrom('payments').selectAll().where('provider', '=', provider).where('request_id', '=', requestId).where('provider_transaction_id', 'is', null).executeTakeFirst();
  return row && toPayment(row);
}

/**
 * The payments of a case, oldest first, read through the case: the join goes through the cases
 * policy, so a clerk sees them only for cases of their own departments.
 */
export async function listCasePayments(trx: Trx, caseId: string): Promise<Payment[]> {
  const rows = await trx.selectFrom('payments as p')
    .innerJoin('cases as c', (join) => join.onRef('c.tenant_id', '=', 'p.tenant_id').onRef('c.id', '=', 'p.case_id'))
    .selectAll('p').where('p.case_id', '=', caseId).orderBy('p.created_at').orderBy('p.id')
    .execute();
  return rows.map(toPayment);
}

/**
 * The payments of a submission's case, oldest first, read through the case: only a reader who may
 * see the case (the browser holding the receipt, its department) finds them.
 */
export async function listSubmissionPayments(trx: Trx, submissionId: string): Promise<Payment[]> {
  const rows = await trx.selectFrom('payments as p')
    .innerJoin('cases as c', (join) => join.onRef('c.tenant_id', '=', 'p.tenant_id').onRef('c.id', '=', 'p.case_id'))
    .selectAll('p').where('c.submission_id', '=', submissionId).orderBy('p.created_at').orderBy('p.id')
    .execute();
  return rows.map(toPayment);
}

/**
 * A payment of the case in one of the states, if any: looked up in the town's payments, not
 * through the case (which its department cannot see yet while the fee is unpaid).
 */
export async function findCasePaymentIn(trx: Trx, caseId: string, statuses: readonly PaymentStatus[]): Promise<Payment | undefined> {
  const row = await trx.selectFrom('payments').selectAll().where('case_id', '=', caseId).where('status', 'in', statuses).executeTakeFirst();
  return row && toPayment(row);
}

/** The town's payments refunded within [from, to), in the order they were refunded. */
export async function listRefundedBetween(trx: Trx, from: Date, to: Date): Promise<Payment[]> {
  const rows = await trx.selectFrom('payments').selectAll()
    .where('refunded_at', '>=', from).where('refunded_at', '<', to).where('status', '=', 'refunded')
    .orderBy('refunded_at').orderBy('id').execute();
  return rows.map(toPayment);
}

/** The town's payments paid within [from, to), whatever became of them since (a refund is booked apart), in the order they were paid. */
export async function listPaidBetween(trx: Trx, from: Date, to: Date): Promise<Payment[]> {
  const rows = await trx.selectFrom('payments').selectAll()
    .where('paid_at', '>=', from).where('paid_at', '<', to).where('status', 'in', ['paid', 'refunded'])
    .orderBy('paid_at').orderBy('id').execute();
  return rows.map(toPayment);
}

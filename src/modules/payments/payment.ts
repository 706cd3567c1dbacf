/** The states of a payment; the same closed set as the CHECK constraint on payments.status. */
export const paymentStatuses = ['created', 'pending', 'paid', 'failed', 'cancelled', 'refunded'] as const;
/** One state of a payment. */
export type PaymentStatus = (typeof paymentStatuses)[number];

/** Payment providers the portal can use: the built-in sandbox, and a town's XBezahldienste payment service. */
export const paymentProviderIds = ['sandbox', 'xbezahldienste'] as const;
/** One payment provider. */
export type PaymentProviderId = (typeof paymentProviderIds)[number];

/** When an application's fee is paid: before the clerk sees it, or with the decision (service.yaml `payment.mode`). */
export const paymentModes = ['before', 'after'] as const;
/** One payment mode. */
export type FeeMode = (typeof paymentModes)[number];

/** A payment as the services and views see it. */
export interface Payment {
  id: string;
  tenantId: string;
  caseId: string | null;
  /** The service the payment is a fee of, if any. */
  serviceId: string | null;
  /** When the case's fee is due: before handling, or with the decision; null for a payment of no application. */
  feeMode: FeeMode | null;
  /** The account whose postbox receives the confirmation once the payment is settled, if the applicant applied signed in. */
  noticeAccountId: string | null;
  purpose: string;
  description: string;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  provider: PaymentProviderId;
  requestId: string;
  providerTransactionId: string | null;
  kassenzeichen: string | null;
  continuePath: string;
  createdAt: Date;
  paidAt: Date | null;
  refundedAt: Date | null;
  refundReason: string | null;
}

/**
 * From which states a provider's report may move a payment to each state. Paid wins over failed
 * and cancelled: if the provider says the money arrived, a failure reported earlier (or reordered)
 * must not lose it. Nothing a provider reports moves a payment out of paid; only a refund does.
 */
export const reportTransitions: Record<'pending' | 'paid' | 'failed' | 'cancelled', readonly PaymentStatus[]> = {
  pending: ['created'],
  paid: ['created', 'pending', 'failed', 'cancelled'],
  failed: ['created', 'pending'],
  cancelled: ['created', 'pending'],
};

/** States in which the payer can still (try to) pay. */
export const openStatuses: readonly PaymentStatus[] = ['created', 'pending'];

/**
 * True for a path on the portal's own host (`/…`), the only kind of address a payment sends the
 * payer on to: no scheme, no `//host`, no backslash (browsers read `/\host` as `//host`), no
 * control characters.
 */
export function isSameOriginPath(value: string): boolean {
  return /^\/(?![/\\])[^\\\s\u0000-\u001f\u007f]*$/.test(value) && value.length <= 500;
}

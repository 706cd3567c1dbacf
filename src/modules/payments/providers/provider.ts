import type { PaymentProviderId } from '../payment.js';

/** What the portal asks a provider to collect (XBezahldienste PaymentRequest, reduced to what is used). */
export interface ProviderPaymentRequest {
  tenantId: string;
  /** The idempotency key: asking twice with the same key yields the same transaction. */
  requestId: string;
  purpose: string;
  description: string;
  amountCents: number;
  currency: string;
  /** Where the provider sends the browser back; its arrival proves nothing about the outcome. */
  returnUrl: string;
}

/** A provider's answer to a payment request. */
export interface ProviderTransaction {
  transactionId: string;
  /** The provider's pay page for the browser. */
  redirectUrl: string;
}

/** The transaction states of XBezahldienste (sic: PAYED, CANCELED), plus REFUNDED. */
export type ProviderStatus = 'INITIAL' | 'PAYED' | 'FAILED' | 'CANCELED' | 'REFUNDED';

/** What a provider says about a transaction, by notification or status query. */
export interface ProviderReport {
  transactionId: string;
  requestId: string;
  status: ProviderStatus;
  amountCents: number;
  currency: string;
  kassenzeichen: string | null;
}

/**
 * A payment provider: the contract every integration fulfils (the sandbox now, an
 * XBezahldienste adapter next). Every method must be safe to call twice.
 */
export interface PaymentProvider {
  id: PaymentProviderId;
  /** Creates the transaction, or returns the one that exists for the request id. */
  createPayment(request: ProviderPaymentRequest): Promise<ProviderTransaction>;
  /** True when the browser may be sent to this address: the provider's own pay page only. */
  isOwnRedirectUrl(url: string): boolean;
  /** Checks a server-to-server notification; undefined when its signature or form is not right. */
  verifyNotification(tenantId: string, rawBody: string, headers: Record<string, string | string[] | undefined>): ProviderReport | undefined;
  /** Asks the provider for the transaction's state; the authoritative answer after a return. */
  queryStatus(tenantId: string, transactionId: string): Promise<ProviderReport | undefined>;
  /** Pays the whole amount back. */
  refund(tenantId: string, transactionId: string): Promise<void>;
}

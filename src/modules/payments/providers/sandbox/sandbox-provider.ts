import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { isUuid } from '../../../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../../../platform/db/database.js';
import { enqueueJob } from '../../../../platform/jobs/jobs.js';
import { isSameOriginPath } from '../../payment.js';
import type { PaymentProvider, ProviderReport, ProviderStatus } from '../provider.js';

/** The sandbox's pay page for one transaction. */
export const sandboxPagePath = (transactionId: string) => `/zahlung/sandbox/${transactionId}`;
/** Where the sandbox posts its notifications (on the town's own host). */
export const sandboxNotificationPath = '/zahlung/sandbox/benachrichtigung';
/** The job that delivers one notification; a durable row, so a restart does not lose it. */
export const sandboxNotifyJob = 'payment-sandbox-notify';

const signatureHeader = 'x-sandbox-signature';
const timestampHeader = 'x-sandbox-timestamp';
// As FIT-Connect's callbacks: an older notification is refused, so a captured one cannot be replayed later.
const maxAgeSeconds = 300;

/** What the payer chose on the sandbox's pay page. */
export type SandboxOutcome = 'pay' | 'fail' | 'cancel';
const statusOf: Record<SandboxOutcome, ProviderStatus> = { pay: 'PAYED', fail: 'FAILED', cancel: 'CANCELED' };

/** A sandbox transaction as its pay page shows it. */
export interface SandboxTransaction {
  id: string;
  purpose: string;
  description: string;
  amountCents: number;
  currency: string;
  status: ProviderStatus;
  returnUrl: string;
}

const notificationSchema = z.strictObject({
  transactionId: z.string().max(100),
  requestId: z.string().max(36),
  status: z.enum(['INITIAL', 'PAYED', 'FAILED', 'CANCELED', 'REFUNDED']),
  amountCents: z.number().int(),
  currency: z.string().max(3),
  kassenzeichen: z.string().max(100).nullable(),
});

/** The sandbox provider plus what only its own pages and its notification job need. */
export interface SandboxProvider extends PaymentProvider {
  findTransaction(tenantId: string, transactionId: string): Promise<SandboxTransaction | undefined>;
  /** Records the payer's choice once (a second click changes nothing) and schedules the notification; returns the return URL. */
  decide(tenantId: string, transactionId: string, outcome: SandboxOutcome): Promise<string | undefined>;
  /** The signed notification for a transaction's current state, as the job sends it. */
  signNotification(tenantId: string, transactionId: string, now?: Date): Promise<{ body: string; headers: Record<string, string> } | undefined>;
  /** The provider's settlement report: the transactions it collected money for within [from, to) (refunded ones too: they were collected). */
  settlementReport(tenantId: string, from: Date, to: Date): Promise<SettlementReport>;
}

/** What a provider says it collected for the town in a period, as a finance office reconciles against it. */
export interface SettlementReport {
  count: number;
  totalCents: number;
  kassenzeichen: string[];
}

/**
 * The built-in test provider. It keeps its own books (payment_sandbox_transactions) and talks to
 * the portal only as a real provider would: a pay page, a signed server-to-server notification
 * (HMAC-SHA256 over `timestamp.body`), and a status query.
 */
export function createSandboxProvider(db: Db, secret: Buffer): SandboxProvider {
  const sign = (timestamp: string, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

  async function report(tenantId: string, transactionId: string): Promise<ProviderReport | undefined> {
    if (!isUuid(transactionId)) return undefined;
    const row = await inTransaction(db, { tenantId }, (trx) =>
      trx.selectFrom('payment_sandbox_transactions').select(['id', 'request_id', 'status', 'amount_cents', 'currency', 'kassenzeichen']).where('id', '=', transactionId).executeTakeFirst());
    return row && { transactionId: row.id, requestId: row.request_id, status: row.status, amountCents: row.amount_cents, currency: row.currency, kassenzeichen: row.kassenzeichen };
  }

  return {
    id: 'sandbox',

    async createPayment(request) {
      // The sandbox serves pay pages on the town's own host, so it only returns there too.
      if (!isSameOriginPath(request.returnUrl)) throw new Error('The sandbox returns only to a path on the same host');
      return inTransaction(db, { tenantId: request.tenantId }, async (trx) => {
        await trx.insertInto('payment_sandbox_transactions')
          .values({ tenant_id: request.tenantId, request_id: request.requestId, purpose: request.purpose, description: request.description, amount_cents: request.amountCents, currency: request.currency, return_url: request.returnUrl })
          .onConflict((oc) => oc.columns(['tenant_id', 'request_id']).doNothing())
          .execute();
        const row = await trx.selectFrom('payment_sandbox_transactions').select(['id', 'amount_cents', 'currency']).where('request_id', '=', request.requestId).executeTakeFirstOrThrow();
        // XBezahldienste answers PAYMENT_EXISTS; a repeat with other figures is a bug on the caller's side.
        if (row.amount_cents !== request.amountCents || row.currency !== request.currency) throw new Error('PAYMENT_EXISTS with a different amount');
        return { transactionId: row.id, redirectUrl: sandboxPagePath(row.id) };
      });
    },

    isOwnRedirectUrl: (url) => /^\/zahlung\/sandbox\/[0-9a-f-]{36}$/.test(url),

    verifyNotification(_tenantId, rawBody, headers) {
      const signature = headers[signatureHeader];
      const timestamp = headers[timestampHeader];
      if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^[0-9]{1,12}$/.test(timestamp)) return undefined;
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > maxAgeSeconds) return undefined;
      const expected = Buffer.from(sign(timestamp, rawBody));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        return undefined;
      }
      const result = notificationSchema.safeParse(parsed);
      return result.success ? result.data : undefined;
    },

    queryStatus: report,

    async refund(tenantId, transactionId) {
      const updated = await inTransaction(db, { tenantId }, (trx) =>
        trx.updateTable('payment_sandbox_transactions').set({ status: 'REFUNDED' }).where('id', '=', transactionId).where('status', 'in', ['PAYED', 'REFUNDED']).executeTakeFirst());
      if (Number(updated.numUpdatedRows) !== 1) throw new Error('The sandbox refunds only paid transactions');
    },

    async findTransaction(tenantId, transactionId) {
      if (!isUuid(transactionId)) return undefined;
      const row = await inTransaction(db, { tenantId }, (trx) =>
        trx.selectFrom('payment_sandbox_transactions').selectAll().where('id', '=', transactionId).executeTakeFirst());
      return row && { id: row.id, purpose: row.purpose, description: row.description, amountCents: row.amount_cents, currency: row.currency, status: row.status, returnUrl: row.return_url };
    },

    async decide(tenantId, transactionId, outcome) {
      if (!isUuid(transactionId)) return undefined;
      return inTransaction(db, { tenantId }, async (trx) => {
        const decided = await trx.updateTable('payment_sandbox_transactions')
          .set({ status: statusOf[outcome], decided_at: new Date(), kassenzeichen: outcome === 'pay' ? `SBX-${String(randomInt(1e9)).padStart(9, '0')}` : null })
          .where('id', '=', transactionId).where('status', '=', 'INITIAL')
          .returning('return_url').executeTakeFirst();
        if (decided) {
          await enqueueJob(trx, { tenantId, kind: sandboxNotifyJob, payload: { transactionId }, maxAttempts: 10 });
          return decided.return_url;
        }
        const row = await trx.selectFrom('payment_sandbox_transactions').select('return_url').where('id', '=', transactionId).executeTakeFirst();
        return row?.return_url;
      });
    },

    async settlementReport(tenantId, from, to) {
      const rows = await inTransaction(db, { tenantId }, (trx) =>
        trx.selectFrom('payment_sandbox_transactions').select(['amount_cents', 'kassenzeichen'])
          .where('status', 'in', ['PAYED', 'REFUNDED']).where('decided_at', '>=', from).where('decided_at', '<', to)
          .orderBy('decided_at').execute());
      return { count: rows.length, totalCents: rows.reduce((sum, r) => sum + r.amount_cents, 0), kassenzeichen: rows.map((r) => r.kassenzeichen ?? '') };
    },

    async signNotification(tenantId, transactionId, now = new Date()) {
      const current = await report(tenantId, transactionId);
      if (!current) return undefined;
      const body = JSON.stringify(current);
      const timestamp = String(Math.floor(now.getTime() / 1000));
      return { body, headers: { 'content-type': 'application/json', [timestampHeader]: timestamp, [signatureHeader]: sign(timestamp, body) } };
    },
  };
}

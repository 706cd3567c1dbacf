import { z } from 'zod';
import { inTransaction, type Db, type Trx } from '../../../../platform/db/database.js';
import type { PaymentProvider, ProviderReport, ProviderStatus } from '../provider.js';

/**
 * A town's XBezahldienste payment service (ePayBL, pmPayment, ...), spoken to as interface version
 * 1.0.0 describes it (docs/adr/0027, reference/PAYMENT-AND-TRANSPORT.md §A): POST a PaymentRequest,
 * send the browser to the transaction's pay page, learn the outcome only by GETting the
 * transaction. v1.0.0 has no server-to-server notification, so `verifyNotification` accepts
 * nothing and the reconcile job's status queries carry every outcome; it has no refund either.
 */

/** Where a town's payment service is and who the portal is there (table xbezahldienste_settings). */
export interface XBezahldiensteSettings {
  baseUrl: string;
  originatorId: string;
  endpointId: string;
  /** OAuth2 client credentials (pmPayment); the secret is XBEZAHLDIENSTE_CLIENT_SECRET_<TOWN>. */
  tokenUrl: string | null;
  clientId: string | null;
  /** The only origin the citizen's browser may be sent to. */
  payPageOrigin: string;
}

const pathId = z.string().regex(/^[A-Za-z0-9_-]{1,36}$/, '1 to 36 letters, digits, _ or -');
const serviceUrl = z.url().refine((value) => {
  const url = new URL(value);
  // http only towards this machine: a test double of the payment service, never a real one.
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname));
}, 'an https address');
/** The settings as an operator gives them; the same rules as the table's CHECKs. */
export const xbezahldiensteSettingsSchema = z.strictObject({
  baseUrl: serviceUrl.refine((value) => !/[?#]/.test(value), 'no query or fragment'),
  originatorId: pathId,
  endpointId: pathId,
  tokenUrl: serviceUrl.nullable(),
  clientId: z.string().min(1).max(200).nullable(),
  payPageOrigin: serviceUrl.transform((value) => new URL(value).origin),
}).refine((s) => (s.tokenUrl === null) === (s.clientId === null), 'token URL and client id go together');

/** The environment variable holding a town's OAuth2 client secret. */
export const clientSecretVariable = (townSlug: string) => `XBEZAHLDIENSTE_CLIENT_SECRET_${townSlug.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** A problem+json answer of the payment service, or a transport failure; `functionalCode` as the standard names them. */
export class XBezahldiensteError extends Error {
  constructor(message: string, readonly status: number | undefined, readonly functionalCode: string | undefined) {
    super(message);
    this.name = 'XBezahldiensteError';
  }
}

const statuses = ['INITIAL', 'PAYED', 'FAILED', 'CANCELED'] as const;
// Only what the portal reads; operators add fields (paymentMethod, statusDetail, ...), which pass.
const transactionSchema = z.object({
  paymentRequest: z.object({ requestId: z.string(), grosAmount: z.number(), currency: z.string() }).optional(),
  paymentInformation: z.object({
    transactionId: z.string().min(1).max(100),
    transactionReference: z.string().max(100).nullish(),
    transactionRedirectUrl: z.string().max(2082).nullish(),
    status: z.enum(statuses).optional(),
  }),
  // Where the status stands is not stated in the public pages of v1.0.0: read either place.
  status: z.enum(statuses).optional(),
});
type Transaction = z.infer<typeof transactionSchema>;
const problemSchema = z.object({ title: z.string().optional(), detail: z.string().optional(), functionalCode: z.string().optional() });

export interface XBezahldiensteDeps {
  db: Db;
  /** The absolute address of a path on the town's portal: the payment service sends the citizen back there. */
  townUrl(tenantId: string, path: string): Promise<string>;
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  now?: () => Date;
}

const timeoutMs = 15_000;

interface Town {
  slug: string;
  settings: XBezahldiensteSettings;
}

/** The adapter, plus the connection check the CLI offers. */
export interface XBezahldiensteProvider extends PaymentProvider {
  /** Asks the payment service whether the town's connection works (GET /status). */
  checkConnection(tenantId: string): Promise<void>;
}

export function createXBezahldiensteProvider(deps: XBezahldiensteDeps): XBezahldiensteProvider {
  const env = deps.env ?? process.env;
  const fetchFn = deps.fetch ?? fetch;
  const tokens = new Map<string, { value: string; expiresAt: number }>();

  async function townOf(tenantId: string): Promise<Town> {
    const row = await inTransaction(deps.db, { tenantId }, (trx) =>
      trx.selectFrom('xbezahldienste_settings').innerJoin('tenants', 'tenants.id', 'xbezahldienste_settings.tenant_id')
        .select(['tenants.slug', 'base_url', 'originator_id', 'endpoint_id', 'token_url', 'client_id', 'pay_page_origin']).executeTakeFirst());
    if (!row) throw new XBezahldiensteError('This town has no XBezahldienste payment service configured', undefined, undefined);
    return {
      slug: row.slug,
      settings: { baseUrl: row.base_url.replace(/\/+$/, ''), originatorId: row.originator_id, endpointId: row.endpoint_id, tokenUrl: row.token_url, clientId: row.client_id, payPageOrigin: row.pay_page_origin },
    };
  }

  /** An OAuth2 access token by client credentials, kept until shortly before it expires. */
  async function bearer(slug: string, settings: XBezahldiensteSettings): Promise<Record<string, string>> {
    if (!settings.tokenUrl || !settings.clientId) return {};
    const kept = tokens.get(slug);
    if (kept && kept.expiresAt > Date.now()) return { authorization: `Bearer ${kept.value}` };
    const variable = clientSecretVariable(slug);
    const secret = env[variable];
    if (!secret) throw new XBezahldiensteError(`${variable} is not set`, undefined, 'FORBIDDEN');
    const response = await call(settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    });
    const token = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() }).safeParse(await response.json().catch(() => undefined));
    if (!response.ok || !token.success) throw new XBezahldiensteError(`The token endpoint answered ${response.status}`, response.status, 'FORBIDDEN');
    // A minute early, so a token does not run out between here and the payment service.
    tokens.set(slug, { value: token.data.access_token, expiresAt: Date.now() + Math.max(0, (token.data.expires_in ?? 300) - 60) * 1000 });
    return { authorization: `Bearer ${token.data.access_token}` };
  }

  async function call(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetchFn(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new XBezahldiensteError(`The payment service did not answer: ${(error as Error).message}`, undefined, undefined);
    }
  }

  /** A request to the town's payment service; a problem+json answer becomes an XBezahldiensteError. */
  async function request(town: Town, method: 'GET' | 'POST', path: string, options: { id?: string; body?: unknown } = {}): Promise<unknown> {
    const { slug, settings } = town;
    const url = `${settings.baseUrl}${path}/${settings.originatorId}/${settings.endpointId}${options.id === undefined ? '' : `/${encodeURIComponent(options.id)}`}`;
    const response = await call(url, {
      method,
      headers: { accept: 'application/json', ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...(await bearer(slug, settings)) },
      ...(method === 'POST' ? { body: JSON.stringify(options.body) } : {}),
    });
    const json = await response.json().catch(() => undefined);
    if (!response.ok) {
      if (response.status === 401) tokens.delete(slug);
      const problem = problemSchema.safeParse(json);
      const code = problem.success ? problem.data.functionalCode : undefined;
      throw new XBezahldiensteError(`The payment service answered ${response.status}${code ? ` ${code}` : ''}${problem.success && problem.data.title ? `: ${problem.data.title}` : ''}`, response.status, code);
    }
    return json;
  }

  function readTransaction(json: unknown): Transaction {
    const parsed = transactionSchema.safeParse(json);
    if (!parsed.success) throw new XBezahldiensteError('The payment service answered with a transaction the portal cannot read', undefined, undefined);
    return parsed.data;
  }

  function toReport(transaction: Transaction, fallbackRequestId: string, amountCents: number | undefined): ProviderReport {
    const info = transaction.paymentInformation;
    const status: ProviderStatus = info.status ?? transaction.status ?? 'INITIAL';
    return {
      transactionId: info.transactionId,
      requestId: transaction.paymentRequest?.requestId ?? fallbackRequestId,
      status,
      // Amounts cross the interface in euros; back to integer cents here, at the edge.
      amountCents: transaction.paymentRequest ? Math.round(transaction.paymentRequest.grosAmount * 100) : amountCents ?? -1,
      currency: transaction.paymentRequest?.currency ?? 'EUR',
      kassenzeichen: info.transactionReference ?? null,
    };
  }

  async function getTransaction(town: Town, transactionId: string): Promise<Transaction | undefined> {
    try {
      return readTransaction(await request(town, 'GET', '/paymenttransaction', { id: transactionId }));
    } catch (error) {
      if (error instanceof XBezahldiensteError && error.status === 404) return undefined;
      throw error;
    }
  }

  return {
    id: 'xbezahldienste',

    async createPayment(payment) {
      const town = await townOf(payment.tenantId);
      const euros = payment.amountCents / 100;
      const paymentRequest = {
        requestId: payment.requestId,
        requestTimestamp: (deps.now?.() ?? new Date()).toISOString(),
        currency: payment.currency,
        grosAmount: euros,
        purpose: payment.purpose,
        description: payment.description,
        redirectUrl: await deps.townUrl(payment.tenantId, payment.returnUrl),
        // One item for the whole fee: the total must equal the items (CALCULATION_ERROR otherwise).
        items: [{ id: '1', reference: payment.purpose, description: payment.description, quantity: 1, taxRate: 0, singleNetAmount: euros, singleTaxAmount: 0, totalNetAmount: euros, totalTaxAmount: 0 }],
      };
      let transaction: Transaction;
      try {
        transaction = readTransaction(await request(town, 'POST', '/paymenttransaction', { body: paymentRequest }));
      } catch (error) {
        // The request id is the idempotency key: asked again (an answer got lost), the service says
        // PAYMENT_EXISTS. Operators that use the request id as transaction id can be asked for it.
        if (!(error instanceof XBezahldiensteError && error.functionalCode === 'PAYMENT_EXISTS')) throw error;
        const existing = await getTransaction(town, payment.requestId);
        if (!existing) throw new XBezahldiensteError('The payment service knows this payment but not under its request id; start a new payment', 409, 'PAYMENT_EXISTS');
        transaction = existing;
      }
      const report = toReport(transaction, payment.requestId, undefined);
      if (report.requestId !== payment.requestId || report.amountCents !== payment.amountCents || report.currency !== payment.currency) {
        throw new XBezahldiensteError('The payment service confirmed another request, amount or currency than was asked for', undefined, undefined);
      }
      const redirectUrl = transaction.paymentInformation.transactionRedirectUrl;
      if (!redirectUrl) throw new XBezahldiensteError(`The transaction has no pay page (status ${report.status})`, undefined, undefined);
      // Hardening against open redirects: the browser goes to the configured pay page origin only.
      if (!URL.canParse(redirectUrl) || new URL(redirectUrl).origin !== town.settings.payPageOrigin) {
        throw new XBezahldiensteError('The payment service named a pay page outside its configured origin', undefined, undefined);
      }
      return { transactionId: report.transactionId, redirectUrl };
    },

    isOwnRedirectUrl(url) {
      // Checked against the town's pay page origin in createPayment, which has the settings; here
      // only its form: https (or loopback http), no credentials in it.
      try {
        const parsed = new URL(url);
        return (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(parsed.hostname))) && !parsed.username && !parsed.password;
      } catch {
        return false;
      }
    },

    verifyNotification() {
      // XBezahldienste 1.0.0 defines no notification; anything posted claiming to be one is refused.
      return undefined;
    },

    async queryStatus(tenantId, transactionId) {
      const transaction = await getTransaction(await townOf(tenantId), transactionId);
      return transaction && toReport(transaction, '', undefined);
    },

    async refund() {
      throw new XBezahldiensteError('XBezahldienste 1.0.0 has no refund: the town refunds through its cash office (Stadtkasse)', undefined, undefined);
    },

    async checkConnection(tenantId) {
      await request(await townOf(tenantId), 'GET', '/status');
    },
  };
}

/** Stores a town's connection (validated as the table's CHECKs do); returns the problems instead when there are any. */
export async function saveXBezahldiensteSettings(db: Db, tenantId: string, input: z.input<typeof xbezahldiensteSettingsSchema>): Promise<string[]> {
  const parsed = xbezahldiensteSettingsSchema.safeParse(input);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`);
  const s = parsed.data;
  const row = { base_url: s.baseUrl.replace(/\/+$/, ''), originator_id: s.originatorId, endpoint_id: s.endpointId, token_url: s.tokenUrl, client_id: s.clientId, pay_page_origin: s.payPageOrigin };
  await inTransaction(db, { tenantId }, (trx) =>
    trx.insertInto('xbezahldienste_settings').values({ tenant_id: tenantId, ...row })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...row, updated_at: new Date() })).execute());
  return [];
}

/** Whether the town the transaction acts for has connected its payment service. */
export async function hasXBezahldienste(trx: Trx): Promise<boolean> {
  return (await trx.selectFrom('xbezahldienste_settings').select('tenant_id').executeTakeFirst()) !== undefined;
}

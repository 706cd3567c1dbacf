import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../../../test-support/app.js';
import { submitPayFirstViaApi } from '../../../../test-support/applications.js';
import type { Tenant } from '../../../tenants/tenant.js';
import { createPayment, readPayment, receiveNotification, reconcilePayment, refundPayment, startPayment, type PaymentDeps } from '../../payments.service.js';
import { clientSecretVariable, createXBezahldiensteProvider, saveXBezahldiensteSettings, XBezahldiensteError } from './xbezahldienste-provider.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8');

interface StoredTransaction {
  request: Record<string, unknown>;
  paid: boolean;
}

/**
 * A stand-in for a town's payment service on 127.0.0.1, answering with the fixtures as the
 * interface describes: OAuth2 client credentials, POST and GET of transactions, GET /status.
 */
class PaymentService {
  server: Server = createServer((request, response) => void this.handle(request).then(({ status, body }) => {
    response.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' }).end(body);
  }));
  transactions = new Map<string, StoredTransaction>();
  received: Array<{ method: string; path: string; authorization?: string; body?: Record<string, unknown> }> = [];
  tokensIssued = 0;
  /** Operators differ: some use the request id as transaction id (then PAYMENT_EXISTS can be recovered). */
  requestIdAsTransactionId = false;
  /** Makes the GET answer state another amount than was asked for. */
  tamperAmount = false;
  payPageOrigin?: string;

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private fill(name: string, id: string, t: StoredTransaction): string {
    const values: Record<string, string> = { ...(t.request as Record<string, string>), transactionId: id, base: `${this.payPageOrigin ?? this.origin}/api`, originatorId: 'MUSTERSTADT-FORMS', endpointId: '05999000' };
    const amount = Number(t.request.grosAmount) + (this.tamperAmount ? 1 : 0);
    return fixture(name).replace('"{{grosAmount}}"', String(amount)).replace(/\{\{(\w+)\}\}/g, (_m, key: string) => String(values[key] ?? ''));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: string }> {
    let text = '';
    for await (const chunk of request) text += chunk;
    const path = request.url ?? '';
    this.received.push({ method: request.method ?? '', path, authorization: request.headers.authorization, ...(text && request.headers['content-type'] === 'application/json' ? { body: JSON.parse(text) } : {}) });
    if (path === '/token') {
      if (request.headers.authorization !== `Basic ${Buffer.from('rathaus-musterstadt:s3cret').toString('base64')}` || !text.includes('grant_type=client_credentials')) return { status: 401, body: '{"error":"invalid_client"}' };
      this.tokensIssued += 1;
      return { status: 200, body: JSON.stringify({ access_token: `token-${this.tokensIssued}`, token_type: 'Bearer', expires_in: 300 }) };
    }
    if (!request.headers.authorization?.startsWith('Bearer token-')) return { status: 403, body: fixture('problem-forbidden') };
    const prefix = '/api/paymenttransaction/MUSTERSTADT-FORMS/05999000';
    if (request.method === 'POST' && path === prefix) {
      const body = JSON.parse(text) as Record<string, unknown>;
      if ([...this.transactions.values()].some((t) => t.request.requestId === body.requestId)) return { status: 409, body: fixture('problem-payment-exists') };
      const id = this.requestIdAsTransactionId ? String(body.requestId) : `T${this.transactions.size + 1000}`;
      this.transactions.set(id, { request: body, paid: false });
      return { status: 201, body: this.fill('transaction-initial', id, this.transactions.get(id)!) };
    }
    if (request.method === 'GET' && path.startsWith(`${prefix}/`)) {
      const id = decodeURIComponent(path.slice(prefix.length + 1));
      const t = this.transactions.get(id);
      if (!t) return { status: 404, body: JSON.stringify({ status: 404, title: 'Nicht gefunden', functionalCode: 'UNSPECIFIED' }) };
      return { status: 200, body: this.fill(t.paid ? 'transaction-payed' : 'transaction-initial', id, t) };
    }
    if (request.method === 'GET' && path === '/api/status/MUSTERSTADT-FORMS/05999000') return { status: 200, body: '{}' };
    return { status: 404, body: '{}' };
  }
}

describe('XBezahldienste adapter against a stand-in payment service', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  let service: PaymentService;
  let deps: PaymentDeps;
  let env: Record<string, string | undefined>;

  before(async () => {
    app = await buildTestApp();
    ({ tenant, host } = await app.createTown());
    service = new PaymentService();
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    env = { [clientSecretVariable(tenant.slug)]: 's3cret' };
    const xbezahldienste = createXBezahldiensteProvider({ db: app.database.db, env, townUrl: async (_tenantId, path) => `https://${tenant.slug}.example${path}` });
    deps = { db: app.database.db, providers: { ...app.payments.providers, xbezahldienste } };
    assert.deepEqual(await saveXBezahldiensteSettings(app.database.db, tenant.id, {
      baseUrl: `${service.origin}/api/`, originatorId: 'MUSTERSTADT-FORMS', endpointId: '05999000',
      tokenUrl: `${service.origin}/token`, clientId: 'rathaus-musterstadt', payPageOrigin: service.origin,
    }), []);
  });
  after(async () => {
    service.server.close();
    await app.close();
  });
  beforeEach(() => {
    service.tamperAmount = false;
    service.requestIdAsTransactionId = false;
    service.payPageOrigin = undefined;
  });

  const fee = { purpose: 'Meldebescheinigung', description: 'Gebühr für eine einfache Meldebescheinigung', amountCents: 1050, provider: 'xbezahldienste', continuePath: '/eingang' } as const;

  it('posts the payment request, sends the browser to the pay page, and takes the outcome from the status query', async () => {
    const payment = await createPayment(app.database.db, tenant.id, fee);
    const outcome = await startPayment(deps, tenant.id, payment.id);
    assert.equal(outcome.kind, 'redirect');
    const transactionId = (await readPayment(app.database.db, tenant.id, payment.id))!.providerTransactionId!;
    assert.equal(outcome.kind === 'redirect' && outcome.url, `${service.origin}/api/pay/${transactionId}`);

    const posted = service.received.find((r) => r.method === 'POST' && r.body?.requestId === payment.requestId)!;
    assert.equal(posted.path, '/api/paymenttransaction/MUSTERSTADT-FORMS/05999000');
    assert.match(posted.authorization!, /^Bearer token-\d+$/);
    const body = posted.body!;
    assert.equal(body.grosAmount, 10.5);
    assert.equal(body.currency, 'EUR');
    assert.equal(body.purpose, 'Meldebescheinigung');
    assert.equal(body.redirectUrl, `https://${tenant.slug}.example/zahlung/${payment.id}/zurueck`);
    const items = body.items as Array<{ totalNetAmount: number; totalTaxAmount: number }>;
    assert.equal(items.reduce((sum, i) => sum + i.totalNetAmount + i.totalTaxAmount, 0), body.grosAmount, 'the items add up to the total');

    // Not paid yet: the query says INITIAL and the payment stays pending.
    assert.equal((await reconcilePayment(deps, tenant.id, payment.id))!.status, 'pending');
    service.transactions.get(transactionId)!.paid = true;
    const paid = (await reconcilePayment(deps, tenant.id, payment.id))!;
    assert.equal(paid.status, 'paid');
    assert.equal(paid.kassenzeichen, 'KZ-4711-2026-000815');
    // Asked again, nothing changes.
    assert.equal((await reconcilePayment(deps, tenant.id, payment.id))!.status, 'paid');
  });

  it('takes the fee of an application through the town\'s payment service once it is connected', async () => {
    const paymentId = await submitPayFirstViaApi(app, host);
    assert.equal((await readPayment(app.database.db, tenant.id, paymentId))!.provider, 'xbezahldienste');
    const outcome = await startPayment(deps, tenant.id, paymentId);
    assert.ok(outcome.kind === 'redirect' && outcome.url.startsWith(`${service.origin}/api/pay/`));
  });

  it('refuses a status answer that states another amount', async () => {
    const payment = await createPayment(app.database.db, tenant.id, fee);
    await startPayment(deps, tenant.id, payment.id);
    const transactionId = (await readPayment(app.database.db, tenant.id, payment.id))!.providerTransactionId!;
    service.transactions.get(transactionId)!.paid = true;
    service.tamperAmount = true;
    assert.equal((await reconcilePayment(deps, tenant.id, payment.id))!.status, 'pending');
    service.tamperAmount = false;
    assert.equal((await reconcilePayment(deps, tenant.id, payment.id))!.status, 'paid');
  });

  it('keeps a token until it runs out instead of asking for one per call', async () => {
    const before = service.tokensIssued;
    const payment = await createPayment(app.database.db, tenant.id, fee);
    await startPayment(deps, tenant.id, payment.id);
    await reconcilePayment(deps, tenant.id, payment.id);
    assert.equal(service.tokensIssued, before);
  });

  it('recovers a lost answer through the request id where the operator uses it as transaction id', async () => {
    service.requestIdAsTransactionId = true;
    const payment = await createPayment(app.database.db, tenant.id, fee);
    const provider = deps.providers.xbezahldienste!;
    const request = { tenantId: tenant.id, requestId: payment.requestId, purpose: fee.purpose, description: fee.description, amountCents: fee.amountCents, currency: 'EUR', returnUrl: `/zahlung/${payment.id}/zurueck` };
    const first = await provider.createPayment(request);
    // The portal did not get the first answer and asks again: PAYMENT_EXISTS, then the GET by request id.
    const again = await provider.createPayment(request);
    assert.deepEqual(again, first);
    service.requestIdAsTransactionId = false;
    const other = await createPayment(app.database.db, tenant.id, fee);
    await provider.createPayment({ ...request, requestId: other.requestId });
    await assert.rejects(provider.createPayment({ ...request, requestId: other.requestId }), (e: XBezahldiensteError) => e.functionalCode === 'PAYMENT_EXISTS');
  });

  it('never sends the browser to a pay page outside the configured origin', async () => {
    service.payPageOrigin = 'https://payment.evil.example';
    const payment = await createPayment(app.database.db, tenant.id, fee);
    await assert.rejects(startPayment(deps, tenant.id, payment.id), /outside its configured origin/);
    assert.equal((await readPayment(app.database.db, tenant.id, payment.id))!.status, 'created');
  });

  it('accepts no notification and refunds only through the town cash office', async () => {
    assert.equal(await receiveNotification(deps, tenant.id, 'xbezahldienste', '{"status":"PAYED"}', {}), 'unverified');
    const payment = await createPayment(app.database.db, tenant.id, fee);
    await startPayment(deps, tenant.id, payment.id);
    const transactionId = (await readPayment(app.database.db, tenant.id, payment.id))!.providerTransactionId!;
    service.transactions.get(transactionId)!.paid = true;
    await reconcilePayment(deps, tenant.id, payment.id);
    await assert.rejects(refundPayment(deps, tenant.id, payment.id, 'Antrag zurückgenommen'), /cash office/);
    assert.equal((await readPayment(app.database.db, tenant.id, payment.id))!.status, 'paid');
  });

  it('says clearly what is missing or wrong in the connection', async () => {
    await deps.providers.xbezahldienste!.checkConnection(tenant.id);
    const withoutSecret = createXBezahldiensteProvider({ db: app.database.db, env: {}, townUrl: async (_t, path) => path });
    await assert.rejects(withoutSecret.checkConnection(tenant.id), new RegExp(clientSecretVariable(tenant.slug)));
    const wrongSecret = createXBezahldiensteProvider({ db: app.database.db, env: { [clientSecretVariable(tenant.slug)]: 'wrong' }, townUrl: async (_t, path) => path });
    await assert.rejects(wrongSecret.checkConnection(tenant.id), /token endpoint answered 401/);
    const { tenant: other } = await app.createTown();
    await assert.rejects(deps.providers.xbezahldienste!.checkConnection(other.id), /no XBezahldienste payment service configured/);
  });

  it('refuses settings the standard or safety does not allow, and stores nothing then', async () => {
    const good: Parameters<typeof saveXBezahldiensteSettings>[2] = { baseUrl: 'https://epay.example/xbezahldienste', originatorId: 'A', endpointId: 'B', tokenUrl: null, clientId: null, payPageOrigin: 'https://epay.example' };
    const { tenant: other } = await app.createTown();
    const problems = async (change: Partial<typeof good>) => saveXBezahldiensteSettings(app.database.db, other.id, { ...good, ...change });
    assert.notDeepEqual(await problems({ baseUrl: 'http://epay.example' }), []);
    assert.notDeepEqual(await problems({ baseUrl: 'https://epay.example/x?debug=1' }), []);
    assert.notDeepEqual(await problems({ originatorId: 'x'.repeat(37) }), []);
    assert.notDeepEqual(await problems({ endpointId: 'a/b' }), []);
    assert.notDeepEqual(await problems({ tokenUrl: 'https://auth.example/token' }), []);
    const provider = createXBezahldiensteProvider({ db: app.database.db, env: {}, townUrl: async (_t, path) => path });
    await assert.rejects(provider.checkConnection(other.id), /no XBezahldienste payment service configured/);
    assert.deepEqual(await problems({}), []);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { testAnswersKey } from '../../test-support/app.js';
import { buildTenant } from '../../test-support/database.js';
import { freePort, startServerProcess } from '../../test-support/server-process.js';
import { createPayment } from './payments.service.js';

interface Reply {
  status: number;
  location?: string;
  body: string;
}

/** One payer's browser: its own cookie and address (the pay pages are rate limited per address). */
function browser(port: number, host: string, address: string) {
  let cookie = '';
  const send = (method: 'GET' | 'POST', pathname: string, form?: Record<string, string>) =>
    new Promise<Reply>((resolve, reject) => {
      const body = form ? new URLSearchParams(form).toString() : undefined;
      const req = httpRequest({
        host: '127.0.0.1', port, method, path: pathname,
        headers: { host, 'x-forwarded-for': address, ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      }, (res) => {
        const set = res.headers['set-cookie']?.find((c) => c.startsWith('__Host-rathaus='));
        if (set) cookie = set.split(';')[0]!;
        let text = '';
        res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const csrf = (page: Reply) => page.body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  return {
    send,
    /**
     * Starts the payment and pays at the sandbox (its books say PAYED when `decided` is called);
     * then the browser comes back, or, with `returns` false, is closed before it does.
     */
    async pay(paymentId: string, options: { returns: boolean; decided: () => void }): Promise<void> {
      const page = await send('GET', `/zahlung/${paymentId}`);
      const started = await send('POST', `/zahlung/${paymentId}`, { _csrf: csrf(page) });
      assert.equal(started.status, 303);
      const sandbox = await send('GET', started.location!);
      const decided = await send('POST', started.location!, { _csrf: csrf(sandbox), ergebnis: 'bezahlt' });
      assert.equal(decided.status, 303);
      options.decided();
      // The return asks the provider and records what it says.
      if (options.returns) await send('GET', decided.location!);
    },
  };
}

/** Per payment: the provider's status, the portal's, and how many events moved it to paid. */
async function books(db: Db, tenantId: string) {
  const rows = await sql<{ id: string; status: string; provider_status: string | null; paid_events: number }>`
    select p.id, p.status, s.status as provider_status,
           (select count(*)::int from payment_events e where e.tenant_id = p.tenant_id and e.payment_id = p.id and e.new_status = 'paid') as paid_events
    from payments p left join payment_sandbox_transactions s on s.tenant_id = p.tenant_id and s.request_id = p.request_id
    where p.tenant_id = ${tenantId} order by p.id`.execute(db);
  return rows.rows;
}

describe('payments when the process is killed', () => {
  it('records every payment the provider confirmed as paid exactly once, whenever the process dies', { timeout: 120_000 }, async (t) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-pay-kill-'));
    const port = await freePort();
    const env = {
      ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', DEMO_DATA: 'false', NODE_ENV: 'test',
      ANSWERS_KEY: testAnswersKey, TRUST_PROXY: 'true',
    };
    const database = { dataDir, databaseUrl: process.env.DATABASE_URL };

    let handle = await openDatabase(database);
    await migrate(handle.db);
    const tenant = await buildTenant(handle.db);
    const host = tenant.hosts[0]!;
    const paymentIds: string[] = [];
    for (let i = 0; i < 24; i++) {
      const payment = await createPayment(handle.db, tenant.id, { purpose: `Gebuehr ${i}`, description: 'Gebühr', amountCents: 500 + i, provider: 'sandbox', continuePath: '/' });
      paymentIds.push(payment.id);
    }
    await handle.close();

    let server = await startServerProcess(env, port);
    // All payers at once, half of them closing the browser before the return; the process dies as
    // soon as a quarter of them have paid at the provider, while confirmations, notification jobs
    // and the portal's commits interleave.
    let decisions = 0;
    let killed!: () => void;
    const quarterPaid = new Promise<void>((resolve) => (killed = resolve));
    const payers = paymentIds.map((id, i) => browser(port, host, `198.51.100.${i + 1}`)
      .pay(id, { returns: i % 2 === 0, decided: () => ++decisions === paymentIds.length / 4 && killed() })
      .catch(() => undefined));
    await quarterPaid;
    server.child.kill('SIGKILL');
    await server.exited;
    await Promise.all(payers);

    handle = await openDatabase(database);
    const atKill = await books(handle.db, tenant.id);
    await handle.close();
    const confirmedAtKill = atKill.filter((p) => p.provider_status === 'PAYED');
    // Usually all of them: the kill follows the provider's confirmation before the portal's commit.
    t.diagnostic(`confirmed by the provider but not yet paid in the portal at the kill: ${confirmedAtKill.filter((p) => p.status !== 'paid').length} of ${confirmedAtKill.length}`);
    assert.ok(confirmedAtKill.length >= paymentIds.length / 4, 'the provider confirmed payments before the kill');

    // After the restart the pending notification jobs run, and each payer's browser comes back once more.
    server = await startServerProcess(env, port);
    for (const [i, id] of paymentIds.entries()) await browser(port, host, `203.0.113.${i + 1}`).send('GET', `/zahlung/${id}/zurueck`);
    server.child.kill('SIGTERM');
    await server.exited;

    handle = await openDatabase(database);
    try {
      const after = await books(handle.db, tenant.id);
      for (const p of after) {
        // The provider's books decide: confirmed means paid, once; anything else is not paid.
        if (p.provider_status === 'PAYED') assert.deepEqual([p.status, p.paid_events], ['paid', 1], `payment ${p.id}`);
        else assert.deepEqual([p.status === 'paid', p.paid_events], [false, 0], `payment ${p.id}`);
      }
      // Nothing the provider confirmed before the kill was lost.
      for (const p of confirmedAtKill) assert.equal(after.find((a) => a.id === p.id)?.status, 'paid');
    } finally {
      await handle.close();
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type DatabaseHandle } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { runCli } from '../../test-support/cli.js';
import { buildTenant } from '../../test-support/database.js';
import { readPayment } from './payments.service.js';

/** `npm run cli -- payment create ...` on a real database (embedded in a temporary DATA_DIR, or PostgreSQL). */
describe('payment CLI', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let slug: string;
  let tenantId: string;
  const open = (): Promise<DatabaseHandle> => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! });
  const create = (extra: string[]) => runCli(env, ['payment', 'create', '--tenant', slug, '--purpose', 'Sondernutzung', '--description', 'Gebühr Sondernutzung', ...extra]);

  before(async () => {
    env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'rathaus-payment-cli-'));
    const handle = await open();
    await migrate(handle.db);
    ({ slug, id: tenantId } = await buildTenant(handle.db));
    await handle.close();
  });

  it('creates a sandbox payment and prints its page; refuses amounts that are not cents and addresses off the host', async () => {
    const made = await create(['--amount-cents', '2450', '--continue', '/leistungen']);
    assert.equal(made.code, 0, made.err);
    const id = made.out.match(/Payment page: \/zahlung\/([0-9a-f-]{36})/)?.[1];
    assert.ok(id, made.out);
    const bad = [['--amount-cents', '24.50'], ['--amount-cents', '0'], ['--amount-cents', '2450', '--continue', '//evil.example/']];
    for (const args of bad) {
      const refused = await create(args);
      assert.equal(refused.code, 1, args.join(' '));
      assert.match(refused.err, /amount-cents|Refused/);
    }
    const handle = await open();
    try {
      const payment = await readPayment(handle.db, tenantId, id);
      assert.deepEqual([payment?.amountCents, payment?.status, payment?.continuePath, payment?.provider], [2450, 'created', '/leistungen', 'sandbox']);
    } finally {
      await handle.close();
    }
  });

  it('connects a town to its XBezahldienste payment service, refusing what the interface does not allow', async () => {
    const set = (extra: string[]) => runCli(env, ['payment', 'xbezahldienste', 'set', '--tenant', slug, '--originator', 'RATHAUS', '--endpoint', '05999000', ...extra]);
    const refused = await set(['--url', 'http://epay.example/api', '--pay-page-origin', 'https://epay.example']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /Refused, nothing stored:\n {2}baseUrl: an https address/);
    const stored = await set(['--url', 'https://epay.example/api', '--pay-page-origin', 'https://epay.example/', '--token-url', 'https://epay.example/token', '--client-id', 'rathaus']);
    assert.equal(stored.code, 0, stored.err);
    assert.match(stored.out, new RegExp(`Set XBEZAHLDIENSTE_CLIENT_SECRET_${slug.toUpperCase().replace(/-/g, '_')} for the portal`));
    // No secret in this environment: the check says which variable is missing before it calls out.
    const check = await runCli(env, ['payment', 'xbezahldienste', 'check', '--tenant', slug]);
    assert.equal(check.code, 1);
    assert.match(check.err, /XBEZAHLDIENSTE_CLIENT_SECRET_\w+ is not set/);
  });

  it('prints the finance export of a day as CSV, and refuses a day that does not exist', async () => {
    const exported = await runCli(env, ['payment', 'export', '--tenant', slug, '--day', '2026-11-28']);
    assert.equal(exported.code, 0, exported.err);
    assert.match(exported.out, /^\ufeff"Buchungstag";"Bezahlt am";"Kassenzeichen";.*"Haushaltsstelle";"Stand"\r\n$/);
    for (const day of [['--day', '2026-02-30'], ['--day', '28.11.2026'], []]) {
      const refused = await runCli(env, ['payment', 'export', '--tenant', slug, ...day]);
      assert.equal(refused.code, 1, day.join(' '));
      assert.match(refused.err, /--day/);
    }
  });
});

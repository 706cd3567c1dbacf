import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { inTransaction, openDatabase, type DatabaseHandle } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { buildTenant } from '../../test-support/database.js';
import { recordAudit } from './audit.js';

const run = promisify(execFile);

/**
 * `npm run cli -- audit seal|verify` on a real database: the embedded one in a temporary DATA_DIR
 * (the CLI opens it after this process closed it), or the PostgreSQL test database.
 */
describe('audit CLI', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let handle: DatabaseHandle;
  let slug: string;
  const open = async () => (handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! }));
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { env }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );

  before(async () => {
    env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'rathaus-audit-cli-'));
    await open();
    await migrate(handle.db);
    const tenant = await buildTenant(handle.db);
    slug = tenant.slug;
    await inTransaction(handle.db, { tenantId: tenant.id }, async (trx) => {
      for (let i = 0; i < 3; i++) await recordAudit(trx, { tenantId: tenant.id, actor: 'staff:test', action: 'case.viewed', subject: `case:${i}`, details: { n: i } });
    });
    await handle.close();
  });
  after(() => handle.close().catch(() => {}));

  it('seals, verifies an intact chain, and detects a changed and a removed entry', async () => {
    const sealed = await cli('audit', 'seal', '--tenant', slug);
    assert.equal(sealed.code, 0);
    assert.match(sealed.out, new RegExp(`${slug}: 3 entries sealed`));
    const intact = await cli('audit', 'verify', '--tenant', slug);
    assert.deepEqual(intact, { code: 0, out: `${slug}: intact\n` });

    await open();
    // As the owner, which may do what the application role may not: rewrite history.
    await sql`update audit_log set details = '{"n": 99}' where subject = 'case:1' and actor = 'staff:test' and tenant_id = (select id from tenants where slug = ${slug})`.execute(handle.db);
    await handle.close();
    const changed = await cli('audit', 'verify', '--tenant', slug);
    assert.equal(changed.code, 1);
    assert.match(changed.out, /BROKEN at block 1/);

    await open();
    await sql`update audit_log set details = '{"n": 1}' where subject = 'case:1' and actor = 'staff:test' and tenant_id = (select id from tenants where slug = ${slug})`.execute(handle.db);
    await handle.close();
    assert.equal((await cli('audit', 'verify', '--tenant', slug)).code, 0, 'restored, the chain is intact again');

    await open();
    await sql`delete from audit_sealed where entry_id = (select id from audit_log where subject = 'case:2' and actor = 'staff:test' and tenant_id = (select id from tenants where slug = ${slug}))`.execute(handle.db);
    await sql`delete from audit_log where subject = 'case:2' and actor = 'staff:test' and tenant_id = (select id from tenants where slug = ${slug})`.execute(handle.db);
    await handle.close();
    const removed = await cli('audit', 'verify', '--tenant', slug);
    assert.equal(removed.code, 1);
    assert.match(removed.out, /BROKEN at block 1/);
  });

  it('refuses an unknown town', async () => {
    const unknown = await run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'audit', 'verify', '--tenant', 'gibt-es-nicht'], { env }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((unknown as { code: number }).code, 1);
    assert.match((unknown as { stderr: string }).stderr, /No town with slug "gibt-es-nicht"/);
  });
});

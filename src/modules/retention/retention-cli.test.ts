import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { buildTenant } from '../../test-support/database.js';

const run = promisify(execFile);

/** `npm run cli -- retention report|run` on a real database (a temporary embedded one, or the PostgreSQL test database). */
describe('retention CLI', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let handle: DatabaseHandle;
  let slug: string;
  const reference = `RCL-2024-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { env }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

  before(async () => {
    env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'rathaus-retention-cli-'));
    handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
    await migrate(handle.db);
    const tenant = await buildTenant(handle.db);
    slug = tenant.slug;
    // A complaint closed 400 days ago (one year's retention), written as the owner.
    const hash = randomUUID().replace(/-/g, '').padEnd(64, '0');
    const submissionId = randomUUID();
    await sql`insert into definition_snapshots (hash, service_id, version, body) values (${hash}, 'kontakt-beschwerde', 1, '{}')`.execute(handle.db);
    const department = sql`(select id from departments where tenant_id = ${tenant.id} and key = 'zentrale')`;
    await sql`insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash, submitted_at)
              values (${tenant.id}, ${submissionId}, ${reference}, 'kontakt-beschwerde', ${hash}, ${department}, '{"kontakt": {"name": "Greta Quandt"}}', 'de', 'x', now() - interval '420 days')`.execute(handle.db);
    await sql`insert into cases (tenant_id, id, submission_id, department_id, reference, service_id, status, created_at, updated_at)
              values (${tenant.id}, ${randomUUID()}, ${submissionId}, ${department}, ${reference}, 'kontakt-beschwerde', 'closed', now() - interval '420 days', now() - interval '400 days')`.execute(handle.db);
    await handle.close();
  });
  after(() => handle.close().catch(() => {}));

  it('reports what is due, lists it in a dry run, deletes it once, and the audit chain stays intact', async () => {
    const report = await cli('retention', 'report', '--tenant', slug);
    assert.equal(report.code, 0, report.out);
    assert.match(report.out, /kontakt-beschwerde\s+overdue\s+1\s+due within 30 days\s+0/);
    const dry = await cli('retention', 'run', '--tenant', slug, '--dry-run');
    assert.match(dry.out, new RegExp(`${slug}: 1 cases would be deleted \\(dry run, nothing deleted\\)\\n  ${reference}  kontakt-beschwerde`));
    assert.match((await cli('retention', 'run', '--tenant', slug)).out, new RegExp(`${slug}: 1 cases deleted`));
    assert.match((await cli('retention', 'run', '--tenant', slug)).out, new RegExp(`${slug}: 0 cases deleted`));
    assert.equal((await cli('audit', 'seal', '--tenant', slug)).code, 0);
    assert.deepEqual(await cli('audit', 'verify', '--tenant', slug), { code: 0, out: `${slug}: intact\n` });
    assert.match((await cli('--help')).out, /retention run \[--tenant <slug>\] \[--dry-run\]/);
  });
});

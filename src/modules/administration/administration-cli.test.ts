import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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

/**
 * `npm run cli -- staff ...` and `department ...` on a real database: the embedded one in a
 * temporary DATA_DIR (the CLI opens it after this process closed it), or the PostgreSQL test database.
 */
describe('town administration CLI', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let handle: DatabaseHandle;
  let slug: string;
  const open = async () => (handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! }));
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { env }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

  before(async () => {
    env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'rathaus-admin-cli-'));
    await open();
    await migrate(handle.db);
    slug = (await buildTenant(handle.db)).slug;
    await handle.close();
  });
  after(() => handle.close().catch(() => {}));

  it('describes the administration commands in --help', async () => {
    const { out } = await cli('--help');
    for (const command of ['staff list', 'staff grant', 'staff revoke', 'staff deactivate|activate', '--town-admin', '--invite', 'department create', 'department list']) {
      assert.ok(out.includes(command), command);
    }
  });

  it('creates a department and a town admin, grants and revokes roles, and refuses bad input and the last admin', async () => {
    const department = await cli('department', 'create', '--tenant', slug, '--key', 'standesamt', '--name', 'Standesamt', '--email', 'standesamt@example.org', '--phone', '02361 50-100');
    assert.equal(department.code, 0, department.err);
    const badKey = await cli('department', 'create', '--tenant', slug, '--key', 'Standes Amt', '--name', 'X', '--email', 'x@example.org', '--phone', '1234');
    assert.equal(badKey.code, 1);
    assert.match(badKey.err, /key: The key consists of 2 to 40 lower-case letters/);

    const created = await cli('staff', 'create', '--tenant', slug, '--email', 'Chefin@Example.org', '--name', 'Chefin', '--town-admin', '--department', 'standesamt:department_admin', '--department', 'zentrale');
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /^Created Chefin@Example\.org\. Password \(shown once\): \S{12,}\n$/);
    const duplicate = await cli('staff', 'create', '--tenant', slug, '--email', 'chefin@example.org', '--name', 'Noch eine');
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.err, /email: There is already an account with this e-mail address\./);
    const unknown = await cli('staff', 'create', '--tenant', slug, '--email', 'neu@example.org', '--name', 'Neu', '--invite', '--department', 'gibt-es-nicht');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /Unknown department "gibt-es-nicht"/);

    const invited = await cli('staff', 'create', '--tenant', slug, '--email', 'neu@example.org', '--name', 'Neu', '--invite', '--department', 'zentrale:team_lead');
    assert.equal(invited.code, 0, invited.err);
    assert.equal((await cli('staff', 'grant', '--tenant', slug, '--email', 'neu@example.org', '--department', 'standesamt:clerk')).code, 0);
    assert.equal((await cli('staff', 'revoke', '--tenant', slug, '--email', 'neu@example.org', '--department', 'zentrale')).code, 0);
    const badRole = await cli('staff', 'grant', '--tenant', slug, '--email', 'neu@example.org', '--department', 'zentrale:chef');
    assert.equal(badRole.code, 1);
    assert.match(badRole.err, /role: Choose clerk, team lead or department admin\./);
    assert.equal((await cli('staff', 'grant', '--tenant', slug, '--email', 'niemand@example.org', '--department', 'zentrale')).code, 1);

    const last = await cli('staff', 'revoke', '--tenant', slug, '--email', 'chefin@example.org', '--town-admin');
    assert.equal(last.code, 1);
    assert.match(last.err, /townAdmin: You are the last active person with the administration right/);
    assert.equal((await cli('staff', 'deactivate', '--tenant', slug, '--email', 'neu@example.org')).code, 0);

    const list = await cli('staff', 'list', '--tenant', slug);
    assert.match(list.out, /chefin@example\.org +Chefin +active +town-admin standesamt:department_admin zentrale:clerk\n/);
    assert.match(list.out, /neu@example\.org +Neu +deactivated +standesamt:clerk\n/);
    assert.match((await cli('department', 'list', '--tenant', slug)).out, /standesamt +Standesamt +active +standesamt@example\.org/);

    await open();
    const audit = await sql<{ action: string }>`select action from audit_log a join tenants t on t.id = a.tenant_id where t.slug = ${slug} and a.actor = 'cli' order by a.id`.execute(handle.db);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from jobs j join tenants t on t.id = j.tenant_id where t.slug = ${slug} and j.kind = 'staff.invitation'`.execute(handle.db);
    await handle.close();
    assert.deepEqual(audit.rows.map((r) => r.action), [
      'department.created', 'staff.created', 'staff.role_granted', 'staff.created', 'staff.role_granted', 'staff.role_revoked', 'staff.deactivated',
    ]);
    assert.equal(jobs.rows[0]!.n, 1, 'the invitation waits for the portal');
  });
});

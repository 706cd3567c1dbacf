import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../../platform/crypto/tokens.js';
import { openDatabase, type DatabaseHandle } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { runCli } from '../../test-support/cli.js';
import { asTownOwner, buildTenant } from '../../test-support/database.js';
import { authenticateOpen311Client } from './open311-clients.js';

/** `npm run cli -- open311 client create` on a real database (a temporary embedded one, or the PostgreSQL test database). */
describe('registering an Open311 client on the command line', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let handle: DatabaseHandle | undefined;
  let slug: string;
  let tenantId: string;

  before(async () => {
    env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'rathaus-open311-cli-'));
    const setup = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
    await migrate(setup.db);
    ({ slug, id: tenantId } = await buildTenant(setup.db));
    // The embedded database admits one process at a time: closed while the command line runs.
    await setup.close();
  });
  after(() => handle?.close());

  it('prints the api_key once, stores only its hash, and refuses a second client of the same name or a missing name', async () => {
    const created = await runCli(env, ['open311', 'client', 'create', '--tenant', slug, '--name', 'Stadt-App', '--requests-per-hour', '50']);
    assert.equal(created.code, 0, created.err);
    const apiKey = created.out.match(/api_key \(shown once; give it to the client\): ([A-Za-z0-9_-]{43})\n/)?.[1] ?? '';
    assert.ok(apiKey, created.out);
    const again = await runCli(env, ['open311', 'client', 'create', '--tenant', slug, '--name', 'Stadt-App']);
    assert.equal(again.code, 1);
    assert.match(again.err, /already has an Open311 client named "Stadt-App"/);
    const nameless = await runCli(env, ['open311', 'client', 'create', '--tenant', slug]);
    assert.equal(nameless.code, 1);
    assert.match(nameless.err, /needs --name/);
    const badLimit = await runCli(env, ['open311', 'client', 'create', '--tenant', slug, '--name', 'X', '--requests-per-hour', 'viele']);
    assert.equal(badLimit.code, 1);
    assert.equal((await runCli(env, ['open311', 'client', 'create', '--tenant', slug, '--name', 'Neue App', '--moderated'])).code, 0);

    handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! });
    const rows = await asTownOwner(handle.db, tenantId, (trx) => trx.selectFrom('open311_clients').select(['name', 'key_hash', 'requests_per_hour', 'moderated']).where('tenant_id', '=', tenantId).orderBy('name').execute());
    assert.deepEqual(rows.map((r) => [r.name, r.requests_per_hour, r.moderated]), [['Neue App', 100, true], ['Stadt-App', 50, false]]);
    assert.equal(rows[1]!.key_hash, hashToken(apiKey));
    assert.deepEqual(await authenticateOpen311Client(handle.db, tenantId, apiKey), { id: (await asTownOwner(handle.db, tenantId, (trx) => trx.selectFrom('open311_clients').select('id').where('name', '=', 'Stadt-App').executeTakeFirstOrThrow())).id, name: 'Stadt-App', requestsPerHour: 50, moderated: false });
    assert.equal(await authenticateOpen311Client(handle.db, tenantId, 'A'.repeat(43)), undefined);
  });
});

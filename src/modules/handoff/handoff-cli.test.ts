import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../config.js';
import { loadHandoffKey, openSecret } from '../../platform/crypto/secret-box.js';
import { openDatabase, type DatabaseHandle } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { buildTenant } from '../../test-support/database.js';
import { adoptService } from '../tenants/tenants.repository.js';
import { newWebhookSecret } from './webhook-signature.js';

/** `npm run cli -- handoff set|list|remove` on a real database (as the audit CLI test does). */
describe('hand-off CLI', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let handle: DatabaseHandle;
  let slug: string;
  let tenantId: string;
  const open = async () => (handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! }));
  const cli = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'handoff', ...args], { env: { ...env, ...options.env } }, (error, out, err) =>
        resolve({ code: error ? Number(error.code) : 0, out, err }));
      child.stdin!.end(options.input ?? '');
    });

  async function storedTarget() {
    await open();
    try {
      const { rows } = await sql<{ url: string; secret_sealed: string }>`select url, secret_sealed from handoff_targets where tenant_id = ${tenantId}`.execute(handle.db);
      return rows[0];
    } finally {
      await handle.close();
    }
  }

  before(async () => {
    env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'rathaus-handoff-cli-'));
    env.NODE_ENV = 'development';
    await open();
    await migrate(handle.db);
    const tenant = await buildTenant(handle.db);
    slug = tenant.slug;
    tenantId = tenant.id;
    await handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      await adoptService(trx, tenant.id, 'kontakt-beschwerde', 'zentrale');
    });
    await handle.close();
  });
  after(() => handle.close().catch(() => {}));

  it('sets a target with a generated secret shown once and sealed in the database, lists it without the secret, changes and removes it', async () => {
    const set = await cli(['set', '--tenant', slug, '--service', 'kontakt-beschwerde', '--url', 'http://127.0.0.1:9/eingang']);
    assert.equal(set.code, 0, set.err);
    const secret = set.out.match(/Signing secret \(shown once; give it to the receiving system\): (whsec_\S+)/)?.[1];
    assert.ok(secret, set.out);
    const stored = await storedTarget();
    assert.equal(stored?.url, 'http://127.0.0.1:9/eingang');
    assert.ok(!stored!.secret_sealed.includes(secret.slice(6)), 'the secret is not stored in plain text');
    const key = await loadHandoffKey(loadConfig(env));
    assert.equal(openSecret(key, stored!.secret_sealed, `handoff:${tenantId}:kontakt-beschwerde`), secret);

    const list = await cli(['list', '--tenant', slug]);
    assert.equal(list.code, 0);
    assert.match(list.out, new RegExp(`${slug}\\s+kontakt-beschwerde\\s+http://127.0.0.1:9/eingang`));
    assert.doesNotMatch(list.out, /whsec_/);

    // A new URL keeps the secret; a secret from stdin replaces it.
    const moved = await cli(['set', '--tenant', slug, '--service', 'kontakt-beschwerde', '--url', 'http://localhost:9/neu']);
    assert.equal(moved.code, 0, moved.err);
    assert.doesNotMatch(moved.out, /whsec_/);
    assert.equal(openSecret(key, (await storedTarget())!.secret_sealed, `handoff:${tenantId}:kontakt-beschwerde`), secret);
    const own = newWebhookSecret();
    assert.equal((await cli(['set', '--tenant', slug, '--service', 'kontakt-beschwerde', '--url', 'http://localhost:9/neu', '--secret-stdin'], { input: `${own}\n` })).code, 0);
    assert.equal(openSecret(key, (await storedTarget())!.secret_sealed, `handoff:${tenantId}:kontakt-beschwerde`), own);

    assert.equal((await cli(['remove', '--tenant', slug, '--service', 'kontakt-beschwerde'])).code, 0);
    assert.equal(await storedTarget(), undefined);
    const again = await cli(['remove', '--tenant', slug, '--service', 'kontakt-beschwerde']);
    assert.equal(again.code, 1);
    assert.match(again.err, /does not forward kontakt-beschwerde/);
  });

  it('refuses bad URLs, bad secrets and services the town does not offer, storing nothing', async () => {
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['--service', 'kontakt-beschwerde', '--url', 'http://fachverfahren.example.org/x'], undefined, /http is allowed only for localhost/],
      [['--service', 'kontakt-beschwerde', '--url', 'https://u:p@fachverfahren.example.org/x'], undefined, /user name or password/],
      [['--service', 'kontakt-beschwerde', '--url', 'https://fachverfahren.example.org/x', '--secret-stdin'], 'geheim', /whsec_ followed by 24 to 64 bytes/],
      [['--service', 'hund-anmelden', '--url', 'https://fachverfahren.example.org/x'], undefined, /does not offer the service "hund-anmelden"/],
      [['--service', 'kontakt-beschwerde'], undefined, /needs --url/],
    ];
    for (const [args, input, message] of cases) {
      const result = await cli(['set', '--tenant', slug, ...args], input === undefined ? {} : { input });
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.err, message);
    }
    assert.equal(await storedTarget(), undefined);
  });

  it('in production needs HANDOFF_KEY and refuses private addresses unless allowed', async () => {
    const production = { NODE_ENV: 'production', TOTP_KEY: randomBytes(32).toString('base64'), ANSWERS_KEY: randomBytes(32).toString('base64') };
    const args = ['set', '--tenant', slug, '--service', 'kontakt-beschwerde', '--url', 'https://10.20.30.40/eingang'];
    const noKey = await cli(args, { env: production });
    assert.equal(noKey.code, 1);
    assert.match(noKey.err, /HANDOFF_KEY is required in production/);
    const withKey = { ...production, HANDOFF_KEY: randomBytes(32).toString('base64') };
    const refused = await cli(args, { env: withKey });
    assert.equal(refused.code, 1);
    assert.match(refused.err, /10\.20\.30\.40 is a private or local address/);
    assert.match((await cli(['set', '--tenant', slug, '--service', 'kontakt-beschwerde', '--url', 'http://fachverfahren.example.org/x'], { env: withKey })).err, /https is required in production/);
    const allowed = await cli(args, { env: { ...withKey, HANDOFF_ALLOW_PRIVATE_TARGETS: 'true' } });
    assert.equal(allowed.code, 0, allowed.err);
    assert.equal((await storedTarget())?.url, 'https://10.20.30.40/eingang');
  });
});

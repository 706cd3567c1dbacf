import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../platform/db/database.js';
import { migrate } from '../../platform/db/migrate.js';
import { runCli } from '../../test-support/cli.js';
import { buildTenant } from '../../test-support/database.js';

/** `npm run cli -- account-idp ...` on a real database (embedded in a temporary DATA_DIR, or PostgreSQL). */
describe('account-idp CLI', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let slug: string;
  let host: string;
  const open = (): Promise<DatabaseHandle> => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! });
  const cli = (args: string[], stdin = '') => runCli(env, ['account-idp', ...args], stdin);

  before(async () => {
    env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'rathaus-account-idp-cli-'));
    const handle = await open();
    await migrate(handle.db);
    const tenant = await buildTenant(handle.db);
    ({ slug } = tenant);
    host = tenant.hosts[0]!;
    await handle.close();
  });

  it('sets a town\'s citizen IdP with its acr mapping, shows it without the secret, and removes it', async () => {
    const secret = 'bundid-client-secret-4711';
    const set = await cli([
      'set', '--tenant', slug, '--issuer', 'https://id.bund.example/realms/bundid', '--client-id', 'rathaus-portal', '--secret-stdin', '--name', 'BundID',
      '--acr', 'STORK-QAA-Level-3=substantial', '--acr', 'STORK-QAA-Level-4=high',
    ], `${secret}\n`);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /Citizen IdP of .* set\./);
    assert.match(set.out, new RegExp(`http://${host.replace(/\./g, '\\.')}:3000/konto/anmelden/idp/antwort`));

    const show = await cli(['show', '--tenant', slug]);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /issuer: +https:\/\/id\.bund\.example\/realms\/bundid/);
    assert.match(show.out, /client secret: +stored \(encrypted\)/);
    assert.match(show.out, /button: +Anmelden mit BundID/);
    assert.match(show.out, /link by e-mail: +no \(password once\)/);
    assert.match(show.out, /STORK-QAA-Level-3 → substantial\n {2}STORK-QAA-Level-4 → high/);
    assert.doesNotMatch(show.out, /eidas/, 'the given mapping replaced the defaults');
    assert.ok(!show.out.includes(secret) && !set.out.includes(secret), 'the secret is never printed');

    const handle = await open();
    const stored = await sql<{ client_secret_sealed: string }>`select client_secret_sealed from account_idps`.execute(handle.db);
    await handle.close();
    assert.ok(!stored.rows[0]!.client_secret_sealed.includes(secret), 'stored encrypted');

    // Each call opens the database anew (seconds on the embedded one): the rest is covered in oidc-login.test.ts.
    assert.match((await cli(['remove', '--tenant', slug])).out, /Citizen IdP of .* removed/);
  });

  it('refuses a bad acr mapping, a plain-http issuer, a missing client id and an unknown action with a message and exit code 1', async () => {
    const level = await cli(['set', '--tenant', slug, '--issuer', 'https://id.example.org', '--client-id', 'x', '--acr', 'STORK-QAA-Level-3=mittel']);
    assert.equal(level.code, 1);
    assert.match(level.err, /--acr "STORK-QAA-Level-3=mittel" must be <acr value>=<low\|substantial\|high>/);
    const both = await cli(['set', '--tenant', slug, '--issuer', 'https://id.example.org', '--client-id', 'x', '--acr', 'a=low', '--acr-defaults']);
    assert.match(both.err, /either --acr or --acr-defaults/);
    const http = await cli(['set', '--tenant', slug, '--issuer', 'http://id.example.org', '--client-id', 'x']);
    assert.equal(http.code, 1);
    assert.match(http.err, /--issuer must use https/);
    const missing = await cli(['set', '--tenant', slug, '--issuer', 'https://id.example.org']);
    assert.match(missing.err, /account-idp set needs --issuer and --client-id/);
    const unknown = await cli(['link', '--tenant', slug]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /Unknown command "account-idp link"/);
  });
});

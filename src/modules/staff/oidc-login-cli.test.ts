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
import { createStaff } from './index.js';

/** `npm run cli -- staff-idp ...` on a real database (embedded in a temporary DATA_DIR, or PostgreSQL). */
describe('staff-idp CLI', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  let slug: string;
  let host: string;
  const open = (): Promise<DatabaseHandle> => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! });
  const cli = (args: string[], stdin = '') => runCli(env, ['staff-idp', ...args], stdin);

  before(async () => {
    env.DATA_DIR = await mkdtemp(path.join(tmpdir(), 'rathaus-idp-cli-'));
    const handle = await open();
    await migrate(handle.db);
    const tenant = await buildTenant(handle.db);
    ({ slug } = tenant);
    host = tenant.hosts[0]!;
    await handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      await createStaff(trx, { tenantId: tenant.id, email: 'sachbearbeitung@example.org', name: 'S. Bearbeitung', password: 'correct horse battery', departments: [{ key: 'zentrale', role: 'clerk' }] });
    });
    await handle.close();
  });

  it('sets, shows (without the secret), links and removes a town\'s IdP', async () => {
    const secret = 'very-secret-client-secret';
    const set = await cli(['set', '--tenant', slug, '--issuer', 'https://login.example.org/realms/rathaus', '--client-id', 'rathaus-portal', '--secret-stdin', '--name', 'Landes-Login', '--mfa-acr', 'gold'], `${secret}\n`);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /Staff IdP of .* set\./);
    assert.match(set.out, new RegExp(`http://${host.replace(/\./g, '\\.')}:3000/verwaltung/anmelden/oidc/callback`));

    const linked = await cli(['link', '--tenant', slug, '--email', 'Sachbearbeitung@example.org', '--subject', 'f:1234:abc']);
    assert.equal(linked.code, 0, linked.err);
    const show = await cli(['show', '--tenant', slug]);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /issuer: +https:\/\/login\.example\.org\/realms\/rathaus/);
    assert.match(show.out, /client secret: +stored \(encrypted\)/);
    assert.match(show.out, /button: +Anmelden mit Landes-Login/);
    assert.match(show.out, /MFA acr values: +gold/);
    assert.match(show.out, /linked accounts: 1/);
    assert.ok(!show.out.includes(secret) && !set.out.includes(secret), 'the secret is never printed');

    const handle = await open();
    const stored = await sql<{ client_secret_sealed: string }>`select client_secret_sealed from staff_idps`.execute(handle.db);
    await handle.close();
    assert.ok(!stored.rows[0]!.client_secret_sealed.includes(secret), 'stored encrypted');

    // Each call opens the database anew (seconds on the embedded one): unlink and the rest are covered in oidc-login.test.ts.
    assert.match((await cli(['remove', '--tenant', slug])).out, /Staff IdP of .* removed/);
  });

  it('refuses a plain-http issuer, a missing client id and an unknown town with a message and exit code 1', async () => {
    const http = await cli(['set', '--tenant', slug, '--issuer', 'http://login.example.org', '--client-id', 'x']);
    assert.equal(http.code, 1);
    assert.match(http.err, /--issuer must use https/);
    const missing = await cli(['set', '--tenant', slug, '--issuer', 'https://login.example.org']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /needs --issuer and --client-id/);
    const town = await cli(['show', '--tenant', 'no-such-town']);
    assert.equal(town.code, 1);
    assert.match(town.err, /No town with slug "no-such-town"/);
    const link = await cli(['link', '--tenant', slug, '--email', 'sachbearbeitung@example.org']);
    assert.equal(link.code, 1);
    assert.match(link.err, /needs --email and --subject/);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import type { Tenant } from '../../modules/tenants/tenant.js';
import { testAnswersKey } from '../../test-support/app.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import { inTransaction, type DatabaseHandle, type Trx } from '../db/database.js';
import { Keyring } from './keyring.js';
import { loadAnswersKey } from './secret-box.js';

describe('the master key of sensitive answers (ANSWERS_KEY)', () => {
  it('comes from ANSWERS_KEY when set, which must be 32 bytes of base64', async () => {
    const value = randomBytes(32).toString('base64');
    assert.deepEqual(await loadAnswersKey(loadConfig({ ANSWERS_KEY: value })), Buffer.from(value, 'base64'));
    assert.throws(() => loadConfig({ ANSWERS_KEY: randomBytes(16).toString('base64') }), /ANSWERS_KEY: 32 bytes, base64-encoded/);
    assert.throws(() => loadConfig({ ANSWERS_KEY: 'kein Schlüssel' }), /ANSWERS_KEY/);
  });

  it('is required in production', () => {
    const totp = randomBytes(32).toString('base64');
    assert.throws(() => loadConfig({ NODE_ENV: 'production', TOTP_KEY: totp }), /ANSWERS_KEY: required when NODE_ENV=production/);
    assert.ok(loadConfig({ NODE_ENV: 'production', TOTP_KEY: totp, ANSWERS_KEY: randomBytes(32).toString('base64') }).answersKey);
  });

  it('is otherwise generated once into DATA_DIR/keys/answers.key (mode 0600) and reused', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-key-'));
    const first = await loadAnswersKey(loadConfig({ DATA_DIR: dataDir }));
    assert.equal(first.length, 32);
    assert.equal((await stat(path.join(dataDir, 'keys', 'answers.key'))).mode & 0o777, 0o600);
    assert.deepEqual(await loadAnswersKey(loadConfig({ DATA_DIR: dataDir })), first);
  });
});

describe('the keyring of the towns\' data keys', () => {
  let database: DatabaseHandle;
  let town: Tenant;
  let otherTown: Tenant;
  let dataDir: string;
  before(async () => {
    database = await openTestDatabase();
    town = await buildTenant(database.db);
    otherTown = await buildTenant(database.db);
    // The key file a laptop's first start generates (tested above), with the tests' master key in
    // it: every test app sharing a PostgreSQL test database must open the keys made here.
    dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-keyring-'));
    await mkdir(path.join(dataDir, 'keys'), { mode: 0o700 });
    await writeFile(path.join(dataDir, 'keys', 'answers.key'), testAnswersKey, { mode: 0o600 });
  });
  after(() => database.db.destroy());

  const asTown = (tenantId: string, fn: (trx: Trx) => Promise<string>) => inTransaction(database.db, { tenantId }, fn);

  it('makes one data key per town, stores it only wrapped, and opens its seals after a restart with the same DATA_DIR', async () => {
    const keyring = new Keyring(await loadAnswersKey({ dataDir }));
    const [a, b] = await Promise.all([
      keyring.seal(database.db, town.id, 'DE03500105179173648265', 'answers:1'),
      keyring.seal(database.db, town.id, 'zweites Geheimnis', 'answers:2'),
    ]);
    assert.equal(a.dataKeyId, b.dataKeyId, 'concurrent first uses share one key');
    const other = await keyring.seal(database.db, otherTown.id, 'der anderen Stadt', 'answers:1');
    assert.notEqual(other.dataKeyId, a.dataKeyId, 'each town has its own');
    const { rows } = await sql<{ tenant_id: string; wrapped_key: string }>`select tenant_id, wrapped_key from data_keys where tenant_id in (${town.id}, ${otherTown.id})`.execute(database.db);
    assert.equal(rows.length, 2);
    assert.ok(rows.every((r) => /^v1\./.test(r.wrapped_key)));

    // A new process: the key file in DATA_DIR, the wrapped keys in the database.
    const restarted = new Keyring(await loadAnswersKey({ dataDir }));
    await restarted.verify(database.db, [town.id, otherTown.id]);
    assert.equal(await asTown(town.id, (trx) => restarted.open(trx, town.id, a, 'answers:1')), 'DE03500105179173648265');
    assert.equal((await restarted.seal(database.db, town.id, 'x', 'answers:3')).dataKeyId, a.dataKeyId, 'the newest key stays the current one');
    await assert.rejects(asTown(town.id, (trx) => restarted.open(trx, town.id, a, 'answers:2')), 'another context does not open it');
    await assert.rejects(asTown(town.id, (trx) => restarted.open(trx, town.id, { ...other }, 'answers:1')), /not found/, 'nor does the town see another town\'s key');
  });

  it('refuses to start with another master key: the app does not come up and says why', async () => {
    const keyring = new Keyring(await loadAnswersKey({ dataDir }));
    await keyring.seal(database.db, town.id, 'Einkommen 1850', 'answers:1');
    const wrong = new Keyring(randomBytes(32));
    await assert.rejects(wrong.verify(database.db, [town.id]), /data key .* of town .* does not open with ANSWERS_KEY/);

    const wrongConfig = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ANSWERS_KEY: randomBytes(32).toString('base64') });
    await assert.rejects(buildApp(wrongConfig, { database, startWorker: false }), /does not open with ANSWERS_KEY/);
  });

  it('refuses a master key that is not 32 bytes', () => {
    assert.throws(() => new Keyring(randomBytes(16)), /32 bytes/);
  });
});

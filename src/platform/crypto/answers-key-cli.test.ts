import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildTenant } from '../../test-support/database.js';
import { runCli } from '../../test-support/cli.js';
import { inTransaction, openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { Keyring } from './keyring.js';
import { loadAnswersKey } from './secret-box.js';

// Rotation re-wraps every town of the database it runs on: on the PostgreSQL test database, which
// the test files share, it would take the other files' keys away from them.
describe('npm run cli -- answers-key rotate', { skip: process.env.DATABASE_URL ? 'needs a database of its own (embedded)' : false }, () => {
  it('re-wraps the data keys with the new master key from stdin; the sealed answers open with it, not with the old one', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-rotate-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' };
    delete env.ANSWERS_KEY;
    delete env.DATABASE_URL;
    const oldKey = await loadAnswersKey({ dataDir });
    let database = await openDatabase({ dataDir });
    await migrate(database.db);
    const town = await buildTenant(database.db);
    const sealed = await new Keyring(oldKey).seal(database.db, town.id, 'DE03500105179173648265', 'answers:1');
    await database.close();

    const refused = await runCli(env, ['answers-key', 'rotate'], 'zu kurz');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /32 bytes, base64-encoded/);

    const newKey = randomBytes(32).toString('base64');
    const rotated = await runCli(env, ['answers-key', 'rotate'], `${newKey}\n`);
    assert.equal(rotated.code, 0, rotated.err);
    assert.match(rotated.out, new RegExp(`${town.slug}: 1 data keys re-wrapped`));
    assert.equal((await readFile(path.join(dataDir, 'keys', 'answers.key'), 'utf8')).trim(), newKey, 'the laptop\'s key file holds the new key');

    database = await openDatabase({ dataDir });
    try {
      const opened = await inTransaction(database.db, { tenantId: town.id }, (trx) => new Keyring(Buffer.from(newKey, 'base64')).open(trx, town.id, sealed, 'answers:1'));
      assert.equal(opened, 'DE03500105179173648265');
      await assert.rejects(new Keyring(oldKey).verify(database.db, [town.id]), /does not open with ANSWERS_KEY/);
    } finally {
      await database.close();
    }
  });
});

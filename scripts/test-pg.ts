/**
 * Runs the unit and integration suites of `npm test` against a freshly created PostgreSQL
 * database, so leftovers of earlier runs (towns, cases, half-applied migrations) never interfere.
 *
 *   npm run test:pg                       server from DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres
 *   DATABASE_URL=postgres://u@host/x npm run test:pg
 *
 * The database `rathaus_test` (or $RATHAUS_TEST_DATABASE) on that server is dropped (even with open connections) and
 * created again; the role `rathaus_app` is cluster-wide and created by the first migration
 * when missing. The exit code is the test command's.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// RATHAUS_TEST_DATABASE lets several checkouts run the suite side by side on one server.
const testDatabase = process.env.RATHAUS_TEST_DATABASE || 'rathaus_test';
if (!/^[a-z_][a-z0-9_]*$/.test(testDatabase)) throw new Error(`RATHAUS_TEST_DATABASE must be a plain lower-case name, not "${testDatabase}"`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The maintenance database of the server DATABASE_URL points at (or the local default). */
function adminUrl(): URL {
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  return url;
}

async function recreateDatabase(admin: URL): Promise<void> {
  const client = new pg.Client({ connectionString: admin.href });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${admin.host} as ${admin.username || 'the current user'}: ${(error as Error).message}\nIs the server running? (pg_isready -h ${admin.hostname})`);
  }
  try {
    // FORCE ends connections a crashed earlier run may have left open (PostgreSQL 13 and later).
    await client.query(`DROP DATABASE IF EXISTS ${testDatabase} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${testDatabase}`);
  } finally {
    await client.end();
  }
}

/** The `test` script of package.json, so both runs execute exactly the same suites. */
async function testCommand(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const command = manifest.scripts?.test;
  if (!command) throw new Error('package.json has no "test" script');
  return command;
}

const admin = adminUrl();
await recreateDatabase(admin);
const testUrl = new URL(admin.href);
testUrl.pathname = `/${testDatabase}`;
const command = await testCommand();
console.log(`test:pg: fresh database ${testDatabase} on ${testUrl.host}; running: ${command}`);

const child = spawn('sh', ['-c', command], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    DATABASE_URL: testUrl.href,
    // As under `npm test`: the project's binaries (tsx) come first.
    PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) console.error(`test:pg: tests ended by ${signal}`);
  process.exit(code ?? 1);
});

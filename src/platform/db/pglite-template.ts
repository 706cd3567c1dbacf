import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { projectRoot } from '../project-root.js';
import { migrate, migrationFiles } from './migrate.js';
import { createPglitePool } from './pglite-pool.js';
import { pgliteExtensions } from './pglite-extensions.js';
import type { Database } from './schema.js';

// PGlite's initdb takes 3–4 s on this machine kind, the migrations another ~0.5 s. The template has
// both done, in two forms: a dump (for in-memory databases, ~1.3 s to load) and a cleanly closed
// data directory that a new DATA_DIR is copied from (~0.1 s, then it opens like a restart, ~0.5 s).
// It is made once per PGlite version and set of migrations (at npm install, or on the first start
// that finds none) and kept out of git, under node_modules/.cache. A database made from it is
// migrated further as usual.
const pgliteVersion: string = JSON.parse(readFileSync(path.join(projectRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
const cacheDir = path.join(projectRoot, 'node_modules/.cache/rathaus');

async function templateName(): Promise<string> {
  const migrations = createHash('sha256');
  for (const m of await migrationFiles()) migrations.update(`${m.name} ${m.checksum}\n`);
  return `pglite-${pgliteVersion}-${migrations.digest('hex').slice(0, 16)}`;
}

/**
 * Prepares a new database from the template: copies the template directory into `dir` when it
 * holds no database yet (and returns undefined), or returns the dump for an in-memory database.
 */
export async function restorePgliteTemplate(dir: string | undefined): Promise<Blob | undefined> {
  const template = await writePgliteTemplate();
  if (!dir) return new Blob([await readFile(template.dump)]);
  if (existsSync(path.join(dir, 'PG_VERSION'))) return undefined;
  // Copied aside and renamed, so a crash mid-copy leaves no half database behind.
  const partial = `${dir}.${process.pid}.tmp`;
  await rm(dir, { recursive: true, force: true });
  // The synchronous copy takes a third of the time of the asynchronous one (many small files).
  cpSync(template.dir, partial, { recursive: true });
  await rename(partial, dir);
  return undefined;
}

/** Creates the template if it is missing (and removes templates of other versions). */
export async function writePgliteTemplate(): Promise<{ dump: string; dir: string }> {
  const name = await templateName();
  const template = { dump: path.join(cacheDir, `${name}.tar.gz`), dir: path.join(cacheDir, name) };
  if (existsSync(template.dump) && existsSync(template.dir)) return template;
  await mkdir(cacheDir, { recursive: true });
  const partial = path.join(cacheDir, `${name}.${process.pid}.tmp`);

  const fresh = new PGlite({ extensions: pgliteExtensions });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPglitePool(fresh) }) });
  await migrate(db);
  const dump = Buffer.from(await (await fresh.dumpDataDir('gzip')).arrayBuffer());
  await db.destroy();
  await writeFile(partial, dump);
  await rename(partial, template.dump);

  const onDisk = new PGlite(partial, { loadDataDir: new Blob([dump]), extensions: pgliteExtensions });
  await onDisk.waitReady;
  await onDisk.close();
  await rm(template.dir, { recursive: true, force: true });
  await rename(partial, template.dir);

  // Templates of other versions go, unless made within the hour: another checkout or test run
  // sharing node_modules (with other migrations) may be copying from one right now.
  for (const old of await readdir(cacheDir)) {
    const other = path.join(cacheDir, old);
    const made = (await stat(other).catch(() => undefined))?.mtimeMs ?? Date.now();
    if (old.startsWith('pglite-') && !old.startsWith(name) && made < Date.now() - 3_600_000) await rm(other, { recursive: true, force: true });
  }
  return template;
}

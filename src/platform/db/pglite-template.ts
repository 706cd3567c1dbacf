import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { projectRoot } from '../project-root.js';
import { migrate, migrationFiles } from './migrate.js';
import { createPglitePool } from './pglite-pool.js';
import type { Database } from './schema.js';

// PGlite's initdb takes 3–4 s on this machine kind, the migrations another ~0.5 s; loading a dumped
// data directory with both done takes ~0.5 s. The template is made once per PGlite version and set
// of migrations (at npm install, or on the first start that finds none) and kept out of git, under
// node_modules/.cache. A database restored from it is migrated further as usual.
const pgliteVersion: string = JSON.parse(readFileSync(path.join(projectRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
const cacheDir = path.join(projectRoot, 'node_modules/.cache/rathaus');

async function templateFile(): Promise<string> {
  const migrations = createHash('sha256');
  for (const m of await migrationFiles()) migrations.update(`${m.name} ${m.checksum}\n`);
  return path.join(cacheDir, `pglite-${pgliteVersion}-${migrations.digest('hex').slice(0, 16)}.tar.gz`);
}

/** The template to seed a new data directory with, or undefined if dir already holds a database. */
export async function restorePgliteTemplate(dir: string | undefined): Promise<Blob | undefined> {
  if (dir && existsSync(path.join(dir, 'PG_VERSION'))) return undefined;
  return new Blob([await readFile(await writePgliteTemplate())]);
}

/** Creates the template if it is missing (and removes templates of other versions); returns its file. */
export async function writePgliteTemplate(): Promise<string> {
  const file = await templateFile();
  if (existsSync(file)) return file;
  const pglite = new PGlite();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPglitePool(pglite) }) });
  await migrate(db);
  const dump = await pglite.dumpDataDir('gzip');
  await db.destroy();
  await mkdir(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  for (const old of await readdir(cacheDir)) {
    if (/^pglite-.*\.tar\.gz$/.test(old) && old !== path.basename(file)) await rm(path.join(cacheDir, old), { force: true });
  }
  return file;
}

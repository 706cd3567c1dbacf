import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

// PGlite's initdb takes 3–4 s on this machine kind; loading a dumped, freshly initialised data
// directory takes ~0.5 s. The template is made once per PGlite version (at npm install, or on the
// first start that finds none) and kept out of git, under node_modules/.cache.
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pgliteVersion: string = JSON.parse(readFileSync(path.join(projectRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
const templateFile = path.join(projectRoot, 'node_modules/.cache/rathaus', `pglite-${pgliteVersion}.tar.gz`);

/** The template to seed a new data directory with, or undefined if dir already holds a database. */
export async function restorePgliteTemplate(dir: string | undefined): Promise<Blob | undefined> {
  if (dir && existsSync(path.join(dir, 'PG_VERSION'))) return undefined;
  await writePgliteTemplate();
  return new Blob([await readFile(templateFile)]);
}

/** Creates the template if it is missing. */
export async function writePgliteTemplate(): Promise<void> {
  if (existsSync(templateFile)) return;
  const pglite = new PGlite();
  await pglite.waitReady;
  const dump = await pglite.dumpDataDir('gzip');
  await pglite.close();
  await mkdir(path.dirname(templateFile), { recursive: true });
  const partial = `${templateFile}.${process.pid}.tmp`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, templateFile);
}

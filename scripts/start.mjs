// `npm start`: runs the server from JavaScript that esbuild bundled out of src/, seeds/ and the
// dependencies, kept in node_modules/.cache/rathaus/build and bundled again whenever a source file
// or package-lock.json is newer. Loading the TypeScript through tsx on every start cost ~0.5 s and
// ~100 MB of memory, resolving some 900 module files another ~0.3 s and ~30 MB (docs/performance.md).
// `node scripts/start.mjs --build` only bundles (npm install runs it).
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'node_modules/.cache/rathaus/build');
const stampFile = path.join(outdir, 'stamp.json');

/** Every TypeScript source the server can load (tests excluded), with the newest change time. */
async function sources() {
  const files = [];
  for (const dir of ['src', 'seeds']) {
    for (const entry of await readdir(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) files.push(path.join(entry.parentPath, entry.name));
    }
  }
  // The dependencies are bundled too, so an install must rebuild, and so must a change of this recipe.
  const inputs = [...files, path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url)];
  const times = await Promise.all(inputs.map(async (f) => (await stat(f)).mtimeMs));
  return { files, newest: Math.max(...times), count: files.length };
}

async function isCurrent(found) {
  try {
    const stamp = JSON.parse(await readFile(stampFile, 'utf8'));
    return stamp.newest === found.newest && stamp.count === found.count;
  } catch {
    return false;
  }
}

async function build(found) {
  const { build: esbuild } = await import('esbuild');
  // Built beside the old output and swapped in, so a server starting meanwhile finds one or the other.
  const next = `${outdir}.${process.pid}`;
  await esbuild({
    entryPoints: [path.join(root, 'src/server.ts')],
    bundle: true,
    // The server imports the app and the demo seed dynamically, to load them while the database opens.
    splitting: true,
    outdir: next,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // V8 parses all of it at every start: without the whitespace it is 5 MB instead of 7 MB and the
    // start ~0.1-0.2 s shorter. Names stay, so stack traces still say which function failed.
    minifyWhitespace: true,
    minifySyntax: true,
    // Packages that find files beside their own code (WebAssembly, native binaries such as sharp's libvips, font metrics)
    // stay in node_modules; pg-native is an optional dependency of pg that is not installed.
    external: ['@electric-sql/pglite', '@node-rs/argon2', 'pdfkit', 'pg-native', 'sharp'],
    // Bundled CommonJS code calls require() for Node's built-in modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  await writeFile(path.join(next, 'stamp.json'), JSON.stringify({ newest: found.newest, count: found.count }));
  await rm(outdir, { recursive: true, force: true });
  await rename(next, outdir);
}

const found = await sources();
if (!(await isCurrent(found))) await build(found);
if (!process.argv.includes('--build')) await import(pathToFileURL(path.join(outdir, 'server.js')).href);

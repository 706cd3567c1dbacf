/**
 * Creates the pre-initialised PGlite data directory template (node_modules/.cache/rathaus/), so the
 * first `npm start` restores it (~0.5 s) instead of running PGlite's initdb (3–4 s). Meant for the
 * "postinstall" script; it does nothing when the template for the installed PGlite version exists.
 *
 * Never fails the install: without a template the first start simply creates one itself (slower).
 */
import { writePgliteTemplate } from '../src/platform/db/pglite-template.js';

const started = performance.now();
try {
  await writePgliteTemplate();
  console.log(`rathaus: PGlite data directory template ready (${Math.round(performance.now() - started)} ms)`);
} catch (error) {
  console.warn(`rathaus: could not prepare the PGlite template (${(error as Error).message}); the first start will create it instead.`);
}

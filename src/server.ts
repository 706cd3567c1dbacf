import v8 from 'node:v8';
import { loadConfig } from './config.js';
import { openDatabase } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

// The application's modules load while the database opens (PGlite compiles its WebAssembly off the main thread).
const [database, { buildApp }, { seedDemoTowns }] = await Promise.all([openDatabase(config), import('./app.js'), import('../seeds/seed-demo.js')]);
await migrate(database.db);
if (config.demoData) {
  const credentials = await seedDemoTowns(database.db);
  if (credentials.length > 0) {
    // Printed once, never logged or stored in plain text: the first start is the only chance to read them.
    console.log('\nDemo staff accounts (shown only now; reset with `npm run cli -- staff set-password`):');
    for (const c of credentials) console.log(`  ${c.town.padEnd(14)} ${c.email.padEnd(44)} ${c.password}`);
    console.log('\nEach account sets up an authenticator app (TOTP) for the second factor at its first sign-in.\n');
  }
}
const runtime = await buildApp(config, { database });
await runtime.app.listen({ port: config.port, host: config.host });
// Sized for memory (docs/performance.md): by default V8 lets the old generation grow to up to four
// times what survived the last full collection before it collects again, so under load the heap
// held 50–60 MB of dead request objects at times. 1.5 times costs a few more full collections; set
// only now because during start-up, while the heap fills from nothing, it cost ~30 ms of them.
v8.setFlagsFromString('--heap-growing-percent=50');
runtime.app.log.info({ startupMs: Math.round(process.uptime() * 1000), database: database.engine, mail: runtime.mailer.kind }, 'Rathaus is ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    runtime.app.log.info({ signal }, 'shutting down');
    await runtime.close();
    process.exit(0);
  });
}

import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle, type Db, type Trx } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { insertTenant } from '../modules/tenants/tenants.repository.js';
import type { Tenant } from '../modules/tenants/tenant.js';

/**
 * A migrated database for a test file: in-memory PGlite by default, the PostgreSQL server named by
 * DATABASE_URL when set (npm run test:pg). Tests isolate themselves by creating their own towns.
 */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: '' }, { inMemory: true });
  await migrate(handle.db);
  return handle;
}

/** A fresh town with the departments the demo services use (factory; random slug and prefix). */
export async function buildTenant(db: Db, overrides: { hosts?: string[] } = {}): Promise<Tenant> {
  const suffix = randomBytes(4).toString('hex');
  const prefix = Array.from(randomBytes(4), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const contact = { email: `amt-${suffix}@example.org`, phone: '+49 2361 000000' };
  return db.transaction().execute((trx) =>
    insertTenant(trx, {
      slug: `town-${suffix}`,
      name: `Teststadt ${suffix}`,
      hosts: overrides.hosts ?? [`town-${suffix}.localhost`],
      referencePrefix: prefix,
      profile: {
        address: { street: 'Rathausplatz 1', postcode: '12345', city: 'Teststadt' },
        phone: '+49 2361 000000',
        email: `info-${suffix}@example.org`,
        website: 'https://example.org',
        legal: { impressum: { de: 'Impressum der Teststadt' }, privacy: { de: 'Datenschutz der Teststadt' }, accessibility: { de: 'Barrierefreiheit der Teststadt' } },
        taxes: { dog: { firstDog: 9600, furtherDog: 15600, dangerousDog: 60000 } },
      },
      departments: ['buergerbuero', 'ordnungsamt', 'steueramt', 'gewerbeamt', 'abfallwirtschaft', 'zentrale', 'sozialamt', 'bauamt', 'jugendamt'].map((key) => ({
        key,
        name: { de: key },
        contact,
      })),
    }),
  );
}

/** Runs fn as the database owner with the town set (as the CLI does), for set-up the portal's role may not do. */
export function asTownOwner<T>(db: Db, tenantId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
    return fn(trx);
  });
}

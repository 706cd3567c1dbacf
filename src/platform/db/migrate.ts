import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './database.js';

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

// Any constant works; it only has to be the same for every app process sharing the database.
const migrationLock = 4_711_2026;

/** Applies pending migrations in name order, each in its own transaction; returns their names. */
export async function migrate(db: Db): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((f) => /^\d{14}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${migrationLock})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        name text primary key, checksum text not null, applied_at timestamptz not null default now())`.execute(conn);
      const applied = new Map((await conn.selectFrom('schema_migrations').selectAll().execute()).map((m) => [m.name, m.checksum]));
      const done: string[] = [];
      for (const file of files) {
        const body = await readFile(path.join(migrationsDir, file), 'utf8');
        const checksum = createHash('sha256').update(body).digest('hex');
        if (applied.has(file)) {
          if (applied.get(file) !== checksum) throw new Error(`Migration ${file} was changed after it was applied; write a new migration instead.`);
          continue;
        }
        await conn.transaction().execute(async (trx) => {
          await sql.raw(body).execute(trx);
          await trx.insertInto('schema_migrations').values({ name: file, checksum }).execute();
        });
        done.push(file);
      }
      return done;
    } finally {
      await sql`select pg_advisory_unlock(${migrationLock})`.execute(conn);
    }
  });
}

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { Db } from './database.js';
import { projectRoot } from '../project-root.js';

const migrationsDir = path.join(projectRoot, 'migrations');

// Any constant works; it only has to be the same for every app process sharing the database.
const migrationLock = 4_711_2026;

/** The migration files in the order they apply, with their checksums. */
export async function migrationFiles(): Promise<Array<{ name: string; body: string; checksum: string }>> {
  const names = (await readdir(migrationsDir)).filter((f) => /^\d{14}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(names.map(async (name) => {
    const body = await readFile(path.join(migrationsDir, name), 'utf8');
    return { name, body, checksum: createHash('sha256').update(body).digest('hex') };
  }));
}

/** Applies pending migrations in name order, each in its own transaction; returns their names. */
export async function migrate(db: Db): Promise<string[]> {
  const files = await migrationFiles();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${migrationLock})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        name text primary key, checksum text not null, applied_at timestamptz not null default now())`.execute(conn);
      const applied = new Map((await conn.selectFrom('schema_migrations').selectAll().execute()).map((m) => [m.name, m.checksum]));
      const done: string[] = [];
      for (const { name, body, checksum } of files) {
        if (applied.has(name)) {
          if (applied.get(name) !== checksum) throw new Error(`Migration ${name} was changed after it was applied; write a new migration instead.`);
          continue;
        }
        await conn.transaction().execute(async (trx) => {
          await sql.raw(body).execute(trx);
          await trx.insertInto('schema_migrations').values({ name, checksum }).execute();
        });
        done.push(name);
      }
      return done;
    } finally {
      await sql`select pg_advisory_unlock(${migrationLock})`.execute(conn);
    }
  });
}

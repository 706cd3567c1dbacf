import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type { Config } from '../../config.js';
import { createPglitePool } from './pglite-pool.js';
import type { Database } from './schema.js';
import { restorePgliteTemplate } from './pglite-template.js';
import { pgliteExtensions } from './pglite-extensions.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

/** An open database: the Kysely handle and which engine is behind it. */
export interface DatabaseHandle {
  db: Db;
  engine: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** Opens PostgreSQL when DATABASE_URL is set, else the embedded PGlite in DATA_DIR/db. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, options: { inMemory?: boolean } = {}): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    // Loaded only here: the embedded database does not need it, and it took ~50 ms of every start.
    const { default: pg } = await import('pg');
    // pg returns int8 as string and numeric as string by default; counts come back as int8.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const pglite = await openPglite(options.inMemory ? undefined : path.resolve(config.dataDir, 'db'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPglitePool(pglite) }) });
  return { db, engine: 'pglite', close: () => db.destroy() };
}

// The embedded database is for a demo or a small town on one machine (production belongs on
// PostgreSQL), so it is sized for memory, not throughput. PostgreSQL's default 128 MB of shared
// buffers are all resident in PGlite's WebAssembly memory (~140 MB more than with 16 MB, which
// hold a small town's working set). V8's optimising tier for WebAssembly compiles PGlite a second
// time in the background: ~50 MB more and a busy core during start-up, for a steady-state gain this
// use does not need (docs/performance.md). The flag must be set before PGlite's module compiles.
const pgliteStartParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** Opens PGlite as the portal does (from the template when new); the bench's baseline uses it too. */
export async function openPglite(dir: string | undefined): Promise<PGlite> {
  v8.setFlagsFromString('--liftoff-only');
  if (dir) await mkdir(path.dirname(dir), { recursive: true });
  const loadDataDir = await restorePgliteTemplate(dir);
  const options = { loadDataDir, startParams: pgliteStartParams, extensions: pgliteExtensions };
  const pglite = dir ? new PGlite(dir, options) : new PGlite(options);
  await pglite.waitReady;
  return pglite;
}

/** Who is acting in a transaction; becomes the settings that row-level security reads. */
export interface Actor {
  tenantId: string;
  departmentIds?: readonly string[];
  sessionHash?: string;
  receiptTokenHashes?: readonly string[];
  /** Hashes of status-link tokens: whose applications this request may follow. */
  statusTokenHashes?: readonly string[];
  /** The signed-in citizen account: what it owns becomes visible. */
  accountId?: string;
  /** Organisations the account belongs to, and those it owns (found from its own memberships). */
  organisationIds?: readonly string[];
  ownedOrganisationIds?: readonly string[];
  /** The session a new session replaces: its anonymous drafts may move over (createSession). */
  previousSessionHash?: string;
  /** Hash of a draft's resume link: that draft may move to this session (ADR 0019). */
  resumeTokenHash?: string;
}

/**
 * Runs fn in one transaction as the unprivileged application role with the actor's settings, so
 * PostgreSQL's row-level security decides what the queries can see. One statement sets them all.
 */
export function inTransaction<T>(db: Db, actor: Actor, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await actAs(trx, actor);
    return fn(trx);
  });
}

/** Runs fn in one transaction as the application role without a town: for the job worker and the mail outbox. */
export function asApplicationRole<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', 'rathaus_app', true)`.execute(trx);
    return fn(trx);
  });
}

/** Switches an open transaction to the application role with the actor's settings. */
async function actAs(trx: Trx, actor: Actor): Promise<void> {
  await sql`select set_config('role', 'rathaus_app', true),
                   set_config('app.tenant_id', ${actor.tenantId}, true),
                   set_config('app.department_ids', ${toArrayLiteral(actor.departmentIds)}, true),
                   set_config('app.session_hash', ${actor.sessionHash ?? ''}, true),
                   set_config('app.receipt_token_hashes', ${toArrayLiteral(actor.receiptTokenHashes)}, true),
                   set_config('app.status_token_hashes', ${toArrayLiteral(actor.statusTokenHashes)}, true),
                   set_config('app.account_id', ${actor.accountId ?? ''}, true),
                   set_config('app.organisation_ids', ${toArrayLiteral(actor.organisationIds)}, true),
                   set_config('app.owned_organisation_ids', ${toArrayLiteral(actor.ownedOrganisationIds)}, true),
                   set_config('app.previous_session_hash', ${actor.previousSessionHash ?? ''}, true),
                   set_config('app.resume_token_hash', ${actor.resumeTokenHash ?? ''}, true)`.execute(trx);
}

function toArrayLiteral(values: readonly string[] | undefined): string {
  if (!values || values.length === 0) return '';
  // Values are uuids or hex digests; anything else would be a bug, and must not reach the literal.
  for (const v of values) if (!/^[0-9a-f-]+$/i.test(v)) throw new Error('invalid identifier in actor settings');
  return `{${values.join(',')}}`;
}

/** Refuses to run when the application role could bypass row-level security. */
export async function assertRlsEnforced(db: Db): Promise<void> {
  const row = await db.transaction().execute(async (trx) => {
    await sql`select set_config('role', 'rathaus_app', true)`.execute(trx);
    const result = await sql<{ rolsuper: boolean; rolbypassrls: boolean; current_user: string }>`
      select rolsuper, rolbypassrls, current_user from pg_roles where rolname = current_user`.execute(trx);
    return result.rows[0];
  });
  if (!row || row.current_user !== 'rathaus_app' || row.rolsuper || row.rolbypassrls) {
    throw new Error('The application role bypasses row-level security; refusing to start.');
  }
}

import { inTransaction, type Db } from './platform/db/database.js';
import { deleteExpiredSessions } from './platform/http/session.js';
import { deleteAbandonedDrafts } from './modules/forms/index.js';
import type { TenantDirectory } from './modules/tenants/tenant-directory.js';

/** Deletes what nobody can reach any more, town by town: expired sessions, abandoned drafts and their uploads. */
export async function runHousekeeping(db: Db, tenants: TenantDirectory): Promise<void> {
  for (const tenant of tenants.all()) {
    await inTransaction(db, { tenantId: tenant.id }, async (trx) => {
      await deleteExpiredSessions(trx);
      await deleteAbandonedDrafts(trx);
    });
  }
}

/** Runs housekeeping periodically; the deletes are idempotent, so every app process may run it. Returns a stop function. */
export function scheduleHousekeeping(db: Db, tenants: TenantDirectory, log: { error(obj: object, msg?: string): void }, everyMs = 15 * 60_000): () => void {
  const timer = setInterval(() => {
    runHousekeeping(db, tenants).catch((err: unknown) => log.error({ err }, 'housekeeping failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

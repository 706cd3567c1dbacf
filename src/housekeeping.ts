import { inTransaction, type Db } from './platform/db/database.js';
import { deleteExpiredSessions } from './platform/http/session.js';
import { deleteAbandonedDrafts } from './modules/forms/index.js';
import { sealAuditLog } from './modules/audit/index.js';
import { scheduleRetentionRun } from './modules/retention/index.js';
import { expireAppointmentHolds } from './modules/appointments/index.js';
import type { TenantDirectory } from './modules/tenants/tenant-directory.js';

/**
 * Periodic upkeep, town by town: seals new audit entries into the hash chain, deletes what nobody
 * will come back for (expired sessions; drafts past their keeping time, with their uploads: an
 * anonymous one after a day or when its resume link expires, an account's after 30 days) and keeps
 * the nightly retention run queued (a durable job, so it survives restarts and runs on one worker).
 * Appointment holds that ran out are marked expired (their time is free already; this tidies up).
 */
export async function runHousekeeping(db: Db, tenants: TenantDirectory): Promise<void> {
  for (const tenant of tenants.all()) {
    await inTransaction(db, { tenantId: tenant.id }, async (trx) => {
      await deleteExpiredSessions(trx);
      await deleteAbandonedDrafts(trx);
      await scheduleRetentionRun(trx, tenant.id);
      await expireAppointmentHolds(trx);
    });
    await sealAuditLog(db, tenant.id);
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

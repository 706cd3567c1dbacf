import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { berlinDay } from '../../platform/i18n/i18n.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/jobs.js';
import { purgeAppointmentContacts } from '../appointments/index.js';
import { recordAudit } from '../audit/index.js';
import type { Service } from '../catalog/index.js';
import { redactClosedReports } from '../reports/index.js';
import {
  actAsRetentionJob, countDeletedSince, lockRetentionRun, countDueCases, deleteCases, fileAddressInUse, listDueCases, listFileDeletions,
  removeFileDeletion, retentionJob, type CaseStub, type DueCase,
} from './retention.repository.js';
import { reportHorizonDays, retentionRules } from './retention.js';

/** What the retention run needs. */
export interface RetentionDeps {
  db: Db;
  files: FileStore;
  services: Map<string, Service>;
}

/** The outcome of a run: the stubs of the deleted cases (or the cases a dry run would delete). */
export interface RetentionOutcome {
  deleted: CaseStub[];
  /** Dry run: the due cases, nothing deleted. */
  due: DueCase[];
  filesRemoved: number;
  /** The run stopped at its limit with due cases left. */
  more: boolean;
  /** Defect reports whose private part was removed (ADR 0026). */
  reportsRedacted?: number;
}

/** Runs fn in one transaction of the town as the retention job's role. */
function asRetentionJob<T>(db: Db, tenantId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return inTransaction(db, { tenantId }, async (trx) => {
    await actAsRetentionJob(trx);
    return fn(trx);
  });
}

const batchSize = 50;
const maxBatches = 40;

/**
 * Deletes the town's closed cases whose retention period has passed, in batches of one
 * transaction each, then the stored files nobody names any more. Safe to run twice or after a
 * crash: a deleted case is no longer due, and queued file deletions wait until the next run.
 * `actor` goes into the audit entries ("system:retention" for the job, "cli" from the command line).
 */
export async function runRetention(deps: RetentionDeps, tenantId: string, options: { actor: string; dryRun?: boolean; now?: Date }): Promise<RetentionOutcome> {
  const rules = retentionRules(deps.services);
  const now = options.now ?? new Date();
  if (options.dryRun) {
    const due = await asRetentionJob(deps.db, tenantId, (trx) => listDueCases(trx, rules, { dueBefore: now, limit: batchSize * maxBatches }));
    return { deleted: [], due, filesRemoved: 0, more: due.length === batchSize * maxBatches };
  }
  const deleted: CaseStub[] = [];
  let more = false;
  for (let batch = 0; ; batch++) {
    if (batch === maxBatches) {
      more = true;
      break;
    }
    const stubs = await asRetentionJob(deps.db, tenantId, async (trx) => {
      await lockRetentionRun(trx, tenantId);
      const due = await listDueCases(trx, rules, { dueBefore: now, limit: batchSize });
      const done = await deleteCases(trx, tenantId, rules, due);
      for (const stub of done) {
        await recordAudit(trx, {
          tenantId, actor: options.actor, action: 'case.deleted', subject: `case:${stub.caseId}`,
          details: { reference: stub.reference, service: stub.serviceId, reason: 'retention', retentionYears: stub.retentionYears, closedOn: berlinDay(stub.closedAt) },
        });
      }
      return done;
    });
    deleted.push(...stubs);
    if (stubs.length === 0) break;
  }
  // Appointments keep contact data for days, not years: their own period (ADR 0024).
  await purgeAppointmentContacts(deps.db, tenantId, { actor: options.actor, now });
  const reportsRedacted = await redactClosedReports((fn) => asRetentionJob(deps.db, tenantId, fn), tenantId, { actor: options.actor, now });
  const filesRemoved = await removeDeletedFiles(deps, tenantId);
  return { deleted, due: [], filesRemoved, more, reportsRedacted };
}

/**
 * Removes the stored bytes of deleted rows, after their deletion has committed: a rollback can
 * then never leave a case without its files. A file the same bytes are still stored for elsewhere
 * (any town, any table) stays. A crash between removing the bytes and forgetting the entry only
 * repeats the (idempotent) removal next time.
 */
export async function removeDeletedFiles(deps: Pick<RetentionDeps, 'db' | 'files'>, tenantId: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const pending = await asRetentionJob(deps.db, tenantId, (trx) => listFileDeletions(trx, 100));
    if (pending.length === 0) return removed;
    for (const sha256 of pending) {
      const inUse = await asRetentionJob(deps.db, tenantId, (trx) => fileAddressInUse(trx, sha256));
      if (!inUse) {
        await deps.files.delete(sha256);
        removed++;
      }
      await asRetentionJob(deps.db, tenantId, (trx) => removeFileDeletion(trx, sha256));
    }
  }
}

/** The job handler of the daily run; a run that stopped at its limit queues the next one at once. */
export function retentionJobHandlers(deps: RetentionDeps): Record<string, JobHandler> {
  return {
    [retentionJob]: async (job) => {
      if (!job.tenantId) throw new Error('a retention run needs a town');
      const outcome = await runRetention(deps, job.tenantId, { actor: 'system:retention' });
      if (outcome.more) await inTransaction(deps.db, { tenantId: job.tenantId }, (trx) => enqueueJob(trx, { tenantId: job.tenantId, kind: retentionJob, payload: {} }));
    },
  };
}

/** The report of a team lead's departments: counts per service and the cases due soonest. */
export interface RetentionReport {
  counts: Map<string, { overdue: number; dueSoon: number }>;
  cases: DueCase[];
  /** More cases are due than listed. */
  truncated: boolean;
  deletedLast30Days: number;
}

const reportListLimit = 200;

/**
 * What is overdue for deletion and what becomes due within the next 30 days, in the given
 * departments, read under their row-level security (the lead's own view, nothing beyond it).
 */
export async function retentionReport(db: Db, tenantId: string, services: Map<string, Service>, departmentIds: string[], now = new Date()): Promise<RetentionReport> {
  const rules = retentionRules(services);
  const dueBefore = new Date(now.getTime() + reportHorizonDays * 86_400_000);
  return inTransaction(db, { tenantId, departmentIds }, async (trx) => {
    const cases = await listDueCases(trx, rules, { dueBefore, departmentIds, limit: reportListLimit + 1 });
    return {
      counts: await countDueCases(trx, rules, { now, dueBefore, departmentIds }),
      cases: cases.slice(0, reportListLimit),
      truncated: cases.length > reportListLimit,
      deletedLast30Days: await countDeletedSince(trx, departmentIds, new Date(now.getTime() - 30 * 86_400_000)),
    };
  });
}

import { sql } from 'kysely';
import { asApplicationRole, type Db, type Trx } from '../db/database.js';

/**
 * A job as its handler sees it. `attempts` counts this run too (1 on the first run): it is raised
 * when the job is claimed, so a job that kills its worker still uses up its attempts.
 */
export interface Job {
  id: string;
  tenantId: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  /** After this many runs the job is failed for good; a handler may record that itself on its last run. */
  maxAttempts: number;
}

/** Does the work of one job kind; throwing schedules a retry. Must be safe to run twice. */
export type JobHandler = (job: Job) => Promise<void>;

/** The subset of a pino logger the worker uses. */
export interface JobLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options for startJobWorker. */
export interface JobWorkerOptions {
  db: Db;
  handlers: Record<string, JobHandler>;
  /** How often to look for due jobs; 0 disables polling, so only kick() and runDue() start passes. */
  pollIntervalMs?: number;
  logger?: JobLogger;
}

/** A running worker: polls the job table and runs due jobs in batches. */
export interface JobWorker {
  /** Starts a pass now instead of at the next poll, e.g. right after a commit that enqueued a job. */
  kick(): void;
  /** Stops polling and resolves once the job being run (if any) has finished. */
  stop(): Promise<void>;
  /** Lets a running pass finish, then runs due jobs until none is left; resolves with how many this call ran. */
  runDue(): Promise<number>;
}

/**
 * Adds a job in the caller's transaction, so it exists exactly when the business change commits.
 * The payload is cleared once the job succeeds; a job that exhausts its attempts keeps it for
 * inspection (see startJobWorker).
 */
export async function enqueueJob(
  trx: Trx,
  job: { tenantId: string | null; kind: string; payload: Record<string, unknown>; runAt?: Date; maxAttempts?: number },
): Promise<void> {
  if (!job.kind) throw new Error('A job needs a kind');
  await trx
    .insertInto('jobs')
    .values({
      tenant_id: job.tenantId, kind: job.kind, payload: JSON.stringify(job.payload),
      ...(job.runAt ? { run_at: job.runAt } : {}), ...(job.maxAttempts ? { max_attempts: job.maxAttempts } : {}),
    })
    .execute();
}

// Longer than any handler should take (SMTP timeouts in the mailer are far below it); a job still
// running when its lease ends may be started a second time by another worker.
const leaseSeconds = 300;
// Retries wait 2, 4, 8 … seconds; the cap matters only when max_attempts is raised for a kind.
const maxBackoffSeconds = 3600;
const maxErrorLength = 2000;
const defaultPollIntervalMs = 5000;
const batchSize = 25;
const minPassGapMs = 200;

const consoleLogger: JobLogger = {
  info() {},
  error(obj, msg) {
    console.error(msg ?? 'job error', obj);
  },
};

/**
 * Starts a worker on the job table. Several workers, in one process or many, may share the table:
 * a job is claimed with FOR UPDATE SKIP LOCKED and leased until `locked_until`; if its worker dies,
 * another one takes it after the lease. A successful job gets `done_at` and an empty payload. A
 * failing job records its error message and waits 2^attempts seconds; when `attempts` reaches
 * `max_attempts` it is failed for good: `done_at` stays null and it is never claimed again, so
 * failed jobs are `done_at is null and attempts >= max_attempts`.
 */
export function startJobWorker(options: JobWorkerOptions): JobWorker {
  const { db, handlers } = options;
  const pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
  const logger = options.logger ?? consoleLogger;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let background: Promise<void> | undefined;
  let kickedDuringPass = false;
  const passes = new Set<Promise<unknown>>();

  /** Runs one job's handler; failures are recorded at once, successes returned for one batched update. */
  async function runOne(job: Job): Promise<boolean> {
    const log = { jobId: job.id, kind: job.kind, tenantId: job.tenantId, attempt: job.attempts };
    try {
      const handler = handlers[job.kind];
      // Retried rather than failed at once: during a rolling deploy an older worker may claim a kind
      // that only newer code knows.
      if (!handler) throw new Error(`No handler for job kind "${job.kind}"`);
      await handler(job);
      return true;
    } catch (error) {
      const message = describeError(error);
      const outcome = await recordFailure(db, job, message);
      logger.error({ ...log, error: message, ...outcome }, outcome.failed ? 'job failed for good' : 'job failed, will retry');
      return false;
    }
  }

  async function runPass(): Promise<number> {
    let done = 0;
    while (!stopped) {
      // Claimed and finished in batches: three transactions per job made mail fall behind submissions.
      const jobs = await claimDueJobs(db, batchSize);
      if (jobs.length === 0) break;
      // The jobs of a batch run side by side, so what they write can share a statement too (the
      // mail outbox does) and an SMTP pool can use its connections.
      const outcomes = await Promise.all(jobs.map(runOne));
      const succeeded = jobs.filter((_, i) => outcomes[i]);
      await recordSuccesses(db, succeeded);
      for (const job of succeeded) logger.info({ jobId: job.id, kind: job.kind, tenantId: job.tenantId, attempt: job.attempts }, 'job done');
      done += succeeded.length;
    }
    return done;
  }

  function track<T>(pass: Promise<T>): Promise<T> {
    passes.add(pass);
    void pass.catch(() => {}).finally(() => passes.delete(pass));
    return pass;
  }

  let timerDue = Infinity;
  let lastPassEnded = -Infinity;

  /** Runs a pass at `due` (ms since the epoch) unless one is planned earlier already. */
  function schedule(due: number): void {
    if (stopped || due >= timerDue) return;
    clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(startBackgroundPass, Math.max(0, due - Date.now()));
  }

  function startBackgroundPass(): void {
    clearTimeout(timer);
    timerDue = Infinity;
    if (stopped) return;
    background = track(
      runPass().then(
        () => undefined,
        // The database may be briefly unreachable; the next poll tries again.
        (error: unknown) => logger.error({ error: describeError(error) }, 'job pass failed'),
      ),
    ).finally(() => {
      background = undefined;
      lastPassEnded = Date.now();
      if (kickedDuringPass) {
        kickedDuringPass = false;
        kick();
      } else if (pollIntervalMs > 0) {
        schedule(lastPassEnded + pollIntervalMs);
      }
    });
  }

  /**
   * Starts a pass now, or right after the running one. Under load every commit kicks: passes are
   * then spaced by a moment, so each takes a whole batch instead of one pass per job running in
   * lockstep with the requests (on PGlite they share the one connection).
   */
  function kick(): void {
    if (background) kickedDuringPass = true;
    else schedule(lastPassEnded + minPassGapMs);
  }

  // Jobs left over from before a restart are due already; do not wait a whole interval for them.
  if (pollIntervalMs > 0) startBackgroundPass();

  return {
    kick,
    // Waits for a pass already under way (a kick), so callers see its jobs finished too. A kick's
    // pass that has not started yet is called off: it would race this pass for the jobs (SKIP
    // LOCKED) and could finish them only after this returned.
    runDue: async () => {
      const callOffPlannedPass = () => {
        clearTimeout(timer);
        timerDue = Infinity;
      };
      callOffPlannedPass();
      await Promise.allSettled([...passes]);
      callOffPlannedPass();
      return track(runPass());
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...passes]);
    },
  };
}

/** Claims up to `limit` due jobs in one short transaction, so no lock is held while handlers run. */
async function claimDueJobs(db: Db, limit: number): Promise<Job[]> {
  return asApplicationRole(db, async (trx) => {
    const result = await sql<{ id: string | number | bigint; tenant_id: string | null; kind: string; payload: Record<string, unknown>; attempts: number; max_attempts: number }>`
      with next as (
        select id from jobs
        where done_at is null and run_at <= now() and attempts < max_attempts
          and (locked_until is null or locked_until <= now())
        order by run_at, id
        limit ${limit}
        for update skip locked
      )
      update jobs set locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = jobs.attempts + 1
      from next where jobs.id = next.id
      returning jobs.id, jobs.tenant_id, jobs.kind, jobs.payload, jobs.attempts, jobs.max_attempts`.execute(trx);
    return result.rows.map((row) => ({ id: String(row.id), tenantId: row.tenant_id, kind: row.kind, payload: row.payload, attempts: row.attempts, maxAttempts: row.max_attempts }));
  });
}

async function recordSuccesses(db: Db, jobs: Job[]): Promise<void> {
  if (jobs.length === 0) return;
  // The payload may name a citizen (an e-mail address); nothing of it is kept once the work is done.
  await asApplicationRole(db, (trx) =>
    trx
      .updateTable('jobs')
      .set({ done_at: sql<Date>`now()`, payload: '{}', locked_until: null, last_error: null })
      .where('id', 'in', jobs.map((j) => j.id))
      .where('done_at', 'is', null)
      .execute(),
  );
}

async function recordFailure(db: Db, job: Job, message: string): Promise<{ failed: true } | { failed: false; retryInSeconds: number }> {
  const row = await asApplicationRole(db, (trx) =>
    trx
      .updateTable('jobs')
      .set({
        last_error: message,
        locked_until: null,
        run_at: sql<Date>`case when attempts < max_attempts
          then now() + make_interval(secs => least(power(2, attempts), ${maxBackoffSeconds})) else run_at end`,
      })
      // attempts identifies this claim: if the lease ran out and another worker took the job, that
      // worker owns the row now and this stale result must not unlock it.
      .where('id', '=', job.id)
      .where('attempts', '=', job.attempts)
      .where('done_at', 'is', null)
      .returning(['attempts', 'max_attempts'])
      .executeTakeFirst(),
  );
  if (row && row.attempts >= row.max_attempts) return { failed: true };
  return { failed: false, retryInSeconds: Math.min(2 ** job.attempts, maxBackoffSeconds) };
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // SMTP replies often quote the recipient; the error is stored and logged, the address must not be.
  return message.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<address>').slice(0, maxErrorLength);
}

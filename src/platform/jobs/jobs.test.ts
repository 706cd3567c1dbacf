import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, type DatabaseHandle, type Db } from '../db/database.js';
import { buildTenant, openTestDatabase } from '../../test-support/database.js';
import { enqueueJob, startJobWorker, type Job, type JobHandler, type JobLogger, type JobWorker } from './jobs.js';

const silentLogger: JobLogger = { info() {}, error() {} };

describe('jobs', () => {
  let handle: DatabaseHandle;
  let db: Db;
  let tenantId: string;
  const workers: JobWorker[] = [];
  const kinds: string[] = [];

  before(async () => {
    handle = await openTestDatabase();
    db = handle.db;
    tenantId = (await buildTenant(db)).id;
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    // Failed and scheduled jobs would otherwise be claimed by workers in later test runs that share
    // the PostgreSQL database.
    if (kinds.length > 0) await db.deleteFrom('jobs').where('kind', 'in', kinds).execute();
    await handle.close();
  });

  // Each test uses its own job kind, so its handlers never run jobs of other tests (or of other
  // test files sharing the PostgreSQL database); those fail here as unknown and count for nothing.
  function newKind(): string {
    const kind = `test.${randomUUID()}`;
    kinds.push(kind);
    return kind;
  }

  function worker(handlers: Record<string, JobHandler>): JobWorker {
    const w = startJobWorker({ db, handlers, pollIntervalMs: 0, logger: silentLogger });
    workers.push(w);
    return w;
  }

  async function enqueue(kind: string, payload: Record<string, unknown> = {}): Promise<void> {
    await inTransaction(db, { tenantId }, (trx) => enqueueJob(trx, { tenantId, kind, payload }));
  }

  function jobsOfKind(kind: string) {
    return db.selectFrom('jobs').selectAll().where('kind', '=', kind).orderBy('id').execute();
  }

  // Makes a scheduled retry due without waiting for its back-off.
  async function makeDue(kind: string): Promise<void> {
    await db.updateTable('jobs').set({ run_at: sql<Date>`now()` }).where('kind', '=', kind).execute();
  }

  it('runs a job enqueued in a committed transaction, then clears its payload', async () => {
    const kind = newKind();
    const seen: Job[] = [];
    const w = worker({ [kind]: async (job) => void seen.push(job) });
    await enqueue(kind, { to: 'buerger@example.org', reference: 'ABC-1' });

    assert.equal(await w.runDue(), 1);

    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]?.payload, { to: 'buerger@example.org', reference: 'ABC-1' });
    assert.equal(seen[0]?.tenantId, tenantId);
    assert.equal(seen[0]?.attempts, 1);
    const [row] = await jobsOfKind(kind);
    assert.ok(row?.done_at);
    assert.deepEqual(row.payload, {});
    assert.equal(row.locked_until, null);
  });

  it('never runs a job whose transaction rolled back', async () => {
    const kind = newKind();
    let runs = 0;
    const w = worker({ [kind]: async () => void runs++ });
    await assert.rejects(
      inTransaction(db, { tenantId }, async (trx) => {
        await enqueueJob(trx, { tenantId, kind, payload: {} });
        throw new Error('business rule violated');
      }),
      /business rule violated/,
    );

    await w.runDue();

    assert.equal(runs, 0);
    assert.deepEqual(await jobsOfKind(kind), []);
  });

  it('waits with a job until its runAt', async () => {
    const kind = newKind();
    let runs = 0;
    const w = worker({ [kind]: async () => void runs++ });
    await inTransaction(db, { tenantId }, (trx) => enqueueJob(trx, { tenantId, kind, payload: {}, runAt: new Date(Date.now() + 3_600_000) }));

    await w.runDue();
    assert.equal(runs, 0);

    await makeDue(kind);
    await w.runDue();
    assert.equal(runs, 1);
  });

  it('retries a failing handler with exponential back-off and records the error without the payload', async () => {
    const kind = newKind();
    let runs = 0;
    const w = worker({
      [kind]: async () => {
        runs++;
        if (runs < 3) throw new Error('550 mailbox <buerger@example.org> unavailable');
      },
    });
    await enqueue(kind, { to: 'buerger@example.org' });

    assert.equal(await w.runDue(), 0);
    let [row] = await jobsOfKind(kind);
    assert.equal(row?.attempts, 1);
    assert.equal(row.done_at, null);
    assert.equal(row.locked_until, null);
    assert.equal(row.last_error, '550 mailbox <<address>> unavailable');
    const firstDelay = (row.run_at.getTime() - Date.now()) / 1000;
    assert.ok(firstDelay > 0 && firstDelay <= 2, `first retry after about 2 s, got ${firstDelay}`);

    assert.equal(await w.runDue(), 0, 'the retry is not due yet');
    assert.equal(runs, 1);

    await makeDue(kind);
    assert.equal(await w.runDue(), 0);
    [row] = await jobsOfKind(kind);
    assert.equal(row?.attempts, 2);
    const secondDelay = (row.run_at.getTime() - Date.now()) / 1000;
    assert.ok(secondDelay > 2 && secondDelay <= 4, `second retry after about 4 s, got ${secondDelay}`);

    await makeDue(kind);
    assert.equal(await w.runDue(), 1);
    [row] = await jobsOfKind(kind);
    assert.equal(row?.attempts, 3);
    assert.ok(row.done_at);
    assert.equal(row.last_error, null);
    assert.deepEqual(row.payload, {});
  });

  it('gives up after max_attempts and leaves the job failed, never claimed again', async () => {
    const kind = newKind();
    let runs = 0;
    const w = worker({ [kind]: async () => { runs++; throw new Error('permanent'); } });
    await enqueue(kind);
    await db.updateTable('jobs').set({ max_attempts: 2 }).where('kind', '=', kind).execute();

    await w.runDue();
    await makeDue(kind);
    await w.runDue();
    await makeDue(kind);
    await w.runDue();

    assert.equal(runs, 2);
    const [row] = await jobsOfKind(kind);
    assert.equal(row?.attempts, 2);
    assert.equal(row.done_at, null);
    assert.equal(row.last_error, 'permanent');
  });

  it('fails a job of an unknown kind with a clear error', async () => {
    const kind = newKind();
    const w = worker({});
    await enqueue(kind);

    assert.equal(await w.runDue(), 0);

    const [row] = await jobsOfKind(kind);
    assert.equal(row?.last_error, `No handler for job kind "${kind}"`);
    assert.equal(row.attempts, 1);
  });

  it('retries a job whose worker died once its lease has run out', async () => {
    const kind = newKind();
    let runs = 0;
    const w = worker({ [kind]: async () => void runs++ });
    await enqueue(kind);
    // As a worker that claimed the job and then vanished would have left it.
    await db.updateTable('jobs').set({ attempts: 1, locked_until: sql<Date>`now() + interval '1 minute'` }).where('kind', '=', kind).execute();

    await w.runDue();
    assert.equal(runs, 0, 'a leased job is left alone');

    await db.updateTable('jobs').set({ locked_until: sql<Date>`now() - interval '1 second'` }).where('kind', '=', kind).execute();
    await w.runDue();
    assert.equal(runs, 1);
    const [row] = await jobsOfKind(kind);
    assert.equal(row?.attempts, 2);
    assert.ok(row.done_at);
  });

  it('runs each job exactly once when two workers run at the same time', async () => {
    const kind = newKind();
    const runs = new Map<string, number>();
    const handler: JobHandler = async (job) => {
      runs.set(String(job.payload.n), (runs.get(String(job.payload.n)) ?? 0) + 1);
      // Yields so the other worker gets to claim while this job is still running.
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const a = worker({ [kind]: handler });
    const b = worker({ [kind]: handler });
    const count = 20;
    await inTransaction(db, { tenantId }, async (trx) => {
      for (let n = 0; n < count; n++) await enqueueJob(trx, { tenantId, kind, payload: { n } });
    });

    const [doneByA, doneByB] = await Promise.all([a.runDue(), b.runDue()]);

    assert.equal(doneByA + doneByB, count);
    assert.equal(runs.size, count);
    assert.ok([...runs.values()].every((r) => r === 1));
    const rows = await jobsOfKind(kind);
    assert.ok(rows.every((r) => r.done_at && r.attempts === 1));
  });

  it('runs a pass when kicked and waits for the running job on stop', async () => {
    const kind = newKind();
    let finished = false;
    let started!: () => void;
    const hasStarted = new Promise<void>((resolve) => (started = resolve));
    const w = worker({
      [kind]: async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
      },
    });
    await enqueue(kind);

    w.kick();
    await hasStarted;
    await w.stop();

    assert.equal(finished, true);
    const [row] = await jobsOfKind(kind);
    assert.ok(row?.done_at);
  });

  it('runs the jobs of a batch side by side', async () => {
    const kind = newKind();
    let running = 0;
    const sideBySide: number[] = [];
    const w = worker({
      [kind]: async () => {
        running++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        sideBySide.push(running);
        running--;
      },
    });
    await inTransaction(db, { tenantId }, async (trx) => {
      for (let n = 0; n < 5; n++) await enqueueJob(trx, { tenantId, kind, payload: {} });
    });
    assert.equal(await w.runDue(), 5);
    assert.deepEqual(sideBySide, [5, 4, 3, 2, 1]);
  });

  it('starts a kicked pass at once when idle, but not sooner than 200 ms after the previous pass', async () => {
    const kind = newKind();
    const times: Array<{ start: number; end: number }> = [];
    const w = worker({ [kind]: async () => void times.push({ start: Date.now(), end: Date.now() }) });
    const allDone = async () => {
      while ((await jobsOfKind(kind)).some((r) => !r.done_at)) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const idleSince = Date.now();
    await enqueue(kind);
    w.kick();
    await allDone();
    await enqueue(kind);
    w.kick();
    await allDone();
    const [first, second] = times;
    assert.ok(first && second);
    assert.ok(first.start - idleSince < 1000, 'the first kick found the worker idle and ran soon');
    assert.ok(second.start - first.end >= 190, `the second pass waited (${second.start - first.end} ms)`);
  });

  it('never writes a payload to the log', async () => {
    const kind = newKind();
    const lines: string[] = [];
    const logger: JobLogger = {
      info: (obj, msg) => lines.push(JSON.stringify([obj, msg])),
      error: (obj, msg) => lines.push(JSON.stringify([obj, msg])),
    };
    let runs = 0;
    const w = startJobWorker({ db, pollIntervalMs: 0, logger, handlers: { [kind]: async () => { if (runs++ === 0) throw new Error('first try fails'); } } });
    workers.push(w);
    await enqueue(kind, { to: 'geheim@example.org' });

    await w.runDue();
    await makeDue(kind);
    await w.runDue();

    const ours = lines.filter((l) => l.includes(kind));
    assert.equal(ours.length, 2);
    assert.ok(ours.every((l) => !l.includes('geheim')));
  });
});

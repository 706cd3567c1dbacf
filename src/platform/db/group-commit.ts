/** Options for createGroupCommit. */
export interface GroupCommitOptions<T, R> {
  /** Batches of one key that may run at the same time (each takes a database connection). */
  maxInFlight: number;
  /** Items per batch at most. */
  maxBatch: number;
  /** Writes the items of one key in one statement and resolves with one result per item, in order. */
  write(key: string, items: T[]): Promise<R[]>;
}

/**
 * Coalesces concurrent writes into shared transactions ("group commit", docs/adr/0007): while
 * `maxInFlight` batches of a key are running, further items wait and go together in the next one.
 * At low load every item is written alone, in the same turn of the event loop, so nothing ever
 * waits for a timer. Each caller
 * is answered only after the commit of its own batch.
 *
 * A failed batch of several items is written again item by item, so one bad item cannot fail the
 * others. That is safe even when the failure hid a commit (connection lost after COMMIT): the
 * writer's rows carry ids chosen by the caller, so the second write fails on the primary key
 * instead of storing anything twice.
 */
export function createGroupCommit<T, R>(options: GroupCommitOptions<T, R>): (key: string, item: T) => Promise<R> {
  interface Waiting {
    item: T;
    resolve(result: R): void;
    reject(error: unknown): void;
  }
  const queues = new Map<string, { waiting: Waiting[]; inFlight: number }>();

  async function writeBatch(key: string, batch: Waiting[]): Promise<void> {
    try {
      const results = await options.write(key, batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((w) => writeBatch(key, [w])));
    }
  }

  function drain(key: string): void {
    const queue = queues.get(key);
    if (!queue) return;
    while (queue.inFlight < options.maxInFlight && queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, options.maxBatch);
      queue.inFlight++;
      void writeBatch(key, batch).finally(() => {
        queue.inFlight--;
        if (queue.inFlight === 0 && queue.waiting.length === 0) queues.delete(key);
        else drain(key);
      });
    }
  }

  return (key, item) =>
    new Promise<R>((resolve, reject) => {
      let queue = queues.get(key);
      if (!queue) queues.set(key, (queue = { waiting: [], inFlight: 0 }));
      queue.waiting.push({ item, resolve, reject });
      // After the I/O of this turn of the event loop: requests that arrived together go together.
      if (queue.waiting.length === 1) setImmediate(drain, key);
    });
}

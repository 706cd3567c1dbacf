/**
 * Values read from the database that may be a little out of date (which services a town offers
 * for booking, its appointment locations), kept per key for `maxAgeMs`. Requests asking at the
 * same time share one read; a failed read is not kept, so the next request reads again.
 * Keys must come from a small set (town ids), never from request input.
 */
export class ShortLivedCache<T> {
  #entries = new Map<string, { value: Promise<T>; readAt: number }>();

  constructor(private readonly maxAgeMs: number, private readonly read: (key: string) => Promise<T>) {}

  /** The value for the key, read anew when older than the cache's maximum age. */
  get(key: string): Promise<T> {
    const now = Date.now();
    const kept = this.#entries.get(key);
    if (kept && now - kept.readAt <= this.maxAgeMs) return kept.value;
    const entry = { value: this.read(key), readAt: now };
    this.#entries.set(key, entry);
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return entry.value;
  }

  /** Drops the key's value, so the next request reads it anew (after a change made in this process). */
  forget(key: string): void {
    this.#entries.delete(key);
  }
}

import type { ServerResponse } from 'node:http';

/** How often a watched location's calls are read again. */
const pollMs = 2000;
/** A comment line after this much silence keeps proxies from closing the stream. */
const keepAliveMs = 25_000;
/** A stream ends after this long; EventSource reconnects by itself (after `retry`), so no connection lives forever. */
const maxStreamMs = 10 * 60_000;

type Watcher = { response: ServerResponse; lastWrite: number; ends: number };

/**
 * Server-sent events for the call displays. Calls live in the database (any app process may
 * call a ticket), so each process reads a watched location's calls every two seconds, once for
 * all its displays of that location, and sends an event to them when the calls changed. A
 * location nobody watches is not read.
 */
export class CallFeed {
  #locations = new Map<string, { watchers: Set<Watcher>; last: string; timer: NodeJS.Timeout }>();

  /** `read` gives a location's current calls as JSON text (the same for every display of the location). */
  constructor(private readonly read: (key: { tenantId: string; locationId: string }) => Promise<string>) {}

  /** Streams a location's calls to one display: the current ones at once, then each change. */
  async watch(tenantId: string, locationId: string, response: ServerResponse, headers: Record<string, unknown>): Promise<void> {
    const key = `${tenantId}/${locationId}`;
    const current = await this.read({ tenantId, locationId });
    response.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    const watcher: Watcher = { response, lastWrite: Date.now(), ends: Date.now() + maxStreamMs };
    response.write(`retry: ${pollMs}\nevent: calls\ndata: ${current}\n\n`);
    let entry = this.#locations.get(key);
    if (!entry) {
      const created = { watchers: new Set<Watcher>(), last: current, timer: setInterval(() => void this.#poll(key, tenantId, locationId), pollMs) };
      created.timer.unref();
      this.#locations.set(key, created);
      entry = created;
    }
    const watchers = entry.watchers;
    watchers.add(watcher);
    response.on('close', () => {
      watchers.delete(watcher);
      this.#forgetIfUnwatched(key);
    });
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    for (const [key, entry] of this.#locations) {
      for (const w of entry.watchers) w.response.end();
      clearInterval(entry.timer);
      this.#locations.delete(key);
    }
  }

  #forgetIfUnwatched(key: string) {
    const entry = this.#locations.get(key);
    if (entry && entry.watchers.size === 0) {
      clearInterval(entry.timer);
      this.#locations.delete(key);
    }
  }

  async #poll(key: string, tenantId: string, locationId: string) {
    const entry = this.#locations.get(key);
    if (!entry) return;
    let calls: string;
    try {
      calls = await this.read({ tenantId, locationId });
    } catch {
      return; // The next poll tries again; the displays keep showing what they have.
    }
    const changed = calls !== entry.last;
    entry.last = calls;
    const now = Date.now();
    for (const w of entry.watchers) {
      if (now >= w.ends) {
        w.response.end();
        continue;
      }
      if (changed) w.response.write(`event: calls\ndata: ${calls}\n\n`);
      else if (now - w.lastWrite >= keepAliveMs) w.response.write(': still here\n\n');
      else continue;
      w.lastWrite = now;
    }
  }
}

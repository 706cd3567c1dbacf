import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

type Encoding = 'br' | 'gzip';

interface CachedPage {
  html: string;
  etag: string;
  renderedAt: number;
  /** Compressed once, on the first request that accepts the encoding. */
  encoded: Partial<Record<Encoding, Buffer>>;
}

/**
 * Rendered pages that are the same for every visitor (catalog, search results, free appointment
 * times), keyed by town, language and URL. Rendering costs far more than serving a string;
 * per-user parts (forms, CSRF tokens, staff pages) must never go through this cache.
 *
 * Pages go out compressed to clients that accept it (every browser does): a catalog page of 8 KB
 * becomes 2 KB, which matters to citizens on mobile networks and to the server, whose cost per
 * response grows with the bytes it writes. Compressing is done once per page and encoding.
 *
 * Requests that miss the same key at the same time wait for one rendering, so a rush on a page
 * that has just run out renders it once, not once per request.
 */
export class PageCache {
  #pages = new Map<string, CachedPage>();
  #rendering = new Map<string, Promise<CachedPage>>();
  #bytes = 0;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;

  /**
   * Bounded by memory, not by count: a page with its compressed forms takes 10–20 KB. 4 MB hold
   * every catalog and service page of a town in both languages and a few hundred searches; more
   * showed in the embedded database's resident memory under a load of searches. `maxAgeMs` is for
   * pages of data that change (free times); without it a page lives until the cache is full.
   */
  constructor(options: { maxBytes?: number; maxAgeMs?: number } = {}) {
    this.#maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.#maxAgeMs = options.maxAgeMs ?? Infinity;
  }

  /**
   * Sends the cached page for the key, rendering and storing it on a miss; answers 304 on a
   * matching ETag. `render` may be async: the work behind a page (a search) is only done on a miss.
   */
  async send(request: FastifyRequest, reply: FastifyReply, key: string, render: () => string | Promise<string>): Promise<FastifyReply> {
    const page = await this.#page(key, render);
    const encoding = preferredEncoding(request.headers['accept-encoding']);
    // Each representation has its own validator, as RFC 9110 requires of a strong ETag.
    const etag = `"${page.etag}${encoding ? `-${encoding}` : ''}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache').header('vary', 'Cookie, Accept-Encoding');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    reply.type('text/html; charset=utf-8');
    if (!encoding) return reply.send(page.html);
    let encoded = page.encoded[encoding];
    if (!encoded) {
      encoded = page.encoded[encoding] = compress(page.html, encoding);
      this.#bytes += encoded.length;
    }
    return reply.header('content-encoding', encoding).send(encoded);
  }

  /** Drops the pages whose keys start with `prefix` (and renderings under way), so the next request renders anew. */
  forget(prefix: string): void {
    for (const [key, page] of this.#pages) {
      if (!key.startsWith(prefix)) continue;
      this.#pages.delete(key);
      this.#bytes -= sizeOf(page);
    }
    for (const key of this.#rendering.keys()) if (key.startsWith(prefix)) this.#rendering.delete(key);
  }

  #page(key: string, render: () => string | Promise<string>): Promise<CachedPage> | CachedPage {
    const page = this.#pages.get(key);
    if (page && Date.now() - page.renderedAt <= this.#maxAgeMs) return page;
    let rendering = this.#rendering.get(key);
    if (!rendering) {
      const renderedAt = Date.now();
      rendering = Promise.resolve(render()).then((html) => {
        const rendered: CachedPage = { html, etag: createHash('sha1').update(html).digest('base64url'), renderedAt, encoded: {} };
        // A page forgotten while it was rendered is served to its waiting requests but not kept.
        if (this.#rendering.get(key) === rendering) this.#store(key, rendered);
        return rendered;
      }).finally(() => {
        if (this.#rendering.get(key) === rendering) this.#rendering.delete(key);
      });
      this.#rendering.set(key, rendering);
    }
    return rendering;
  }

  #store(key: string, page: CachedPage): void {
    const replaced = this.#pages.get(key);
    if (replaced) this.#bytes -= sizeOf(replaced);
    const bytes = sizeOf(page);
    // Search URLs are unbounded; dropping everything when full is crude but keeps memory flat.
    if (this.#bytes + bytes > this.#maxBytes) {
      this.#pages.clear();
      this.#bytes = 0;
    }
    this.#pages.set(key, page);
    this.#bytes += bytes;
  }
}

/** The memory a page takes: two bytes a character, and its compressed forms. */
function sizeOf(page: CachedPage): number {
  return page.html.length * 2 + (page.encoded.br?.length ?? 0) + (page.encoded.gzip?.length ?? 0);
}

// Quality 5, not the maximum 11: a search page is often rendered for one visitor only, and at 11
// compressing an 8 KB page took 13 ms against 0.25 ms, for 9 % fewer bytes.
const brotliQuality = 5;

function compress(html: string, encoding: Encoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(html) } })
    : gzipSync(html);
}

/** Brotli, else gzip, if the client accepts it (a q of 0 refuses); identity otherwise. */
export function preferredEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name!, q ? Number(q.slice(2)) || 0 : 1);
  }
  const wildcard = accepted.get('*') ?? 0;
  return (['br', 'gzip'] as const).find((encoding) => (accepted.get(encoding) ?? wildcard) > 0);
}

import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

interface CachedPage {
  html: string;
  etag: string;
}

/**
 * Rendered pages that are the same for every visitor (catalog, search results), keyed by town,
 * language and URL. Rendering costs far more than serving a string; per-user parts (forms, CSRF
 * tokens, staff pages) must never go through this cache.
 */
export class PageCache {
  #pages = new Map<string, CachedPage>();

  constructor(private readonly maxEntries = 5000) {}

  /**
   * Sends the cached page for the key, rendering and storing it on a miss; answers 304 on a
   * matching ETag. `render` may be async: the work behind a page (a search) is only done on a miss.
   */
  async send(request: FastifyRequest, reply: FastifyReply, key: string, render: () => string | Promise<string>): Promise<FastifyReply> {
    let page = this.#pages.get(key);
    if (!page) {
      const html = await render();
      page = { html, etag: `"${createHash('sha1').update(html).digest('base64url')}"` };
      // Search URLs are unbounded; dropping everything when full is crude but keeps memory flat.
      if (this.#pages.size >= this.maxEntries) this.#pages.clear();
      this.#pages.set(key, page);
    }
    reply.header('etag', page.etag).header('cache-control', 'no-cache').header('vary', 'Cookie');
    if (request.headers['if-none-match'] === page.etag) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(page.html);
  }
}

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A file part for a multipart post. */
export interface UploadFile { filename: string; contentType: string; content: Buffer }

/**
 * A cookie-keeping client over app.inject that behaves like a browser without JavaScript:
 * it posts forms as urlencoded or multipart and reads the CSRF token from the last page.
 */
export class TestBrowser {
  #cookies = new Map<string, string>();
  // Each browser is its own client, as rate limits (per client address) see it.
  #address = `127.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
  lastPage = '';

  constructor(private readonly app: FastifyInstance, private readonly host: string) {}

  #remember(response: LightMyRequestResponse) {
    for (const c of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.#cookies.delete(c.name);
      else this.#cookies.set(c.name, c.value);
    }
    if (String(response.headers['content-type'] ?? '').startsWith('text/html')) this.lastPage = response.body;
    return response;
  }

  get cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** The CSRF token in the last HTML page. */
  get csrf(): string {
    return this.lastPage.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  }

  async get(url: string) {
    return this.#remember(await this.app.inject({ method: 'GET', url, remoteAddress: this.#address, headers: { host: this.host, cookie: this.cookieHeader } }));
  }

  /** Posts a urlencoded form; `_csrf` is added from the last page unless given. */
  async post(url: string, fields: Record<string, string | string[]>, options: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf !== null) body.append('_csrf', csrf);
    for (const [k, v] of Object.entries(fields)) for (const item of ([] as string[]).concat(v)) body.append(k, item);
    return this.#remember(await this.app.inject({
      method: 'POST', url, payload: body.toString(), remoteAddress: this.#address,
      headers: { host: this.host, cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    }));
  }

  /** Posts a multipart form with files. */
  async postMultipart(url: string, fields: Record<string, string>, files: Record<string, UploadFile[]>, options: { csrf?: string | null } = {}) {
    const boundary = `----rathaus${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    const all = { ...(csrf !== null ? { _csrf: csrf } : {}), ...fields };
    for (const [k, v] of Object.entries(all)) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    for (const [k, list] of Object.entries(files)) {
      for (const f of list) {
        chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType}\r\n\r\n`), f.content, Buffer.from('\r\n'));
      }
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return this.#remember(await this.app.inject({
      method: 'POST', url, payload: Buffer.concat(chunks), remoteAddress: this.#address,
      headers: { host: this.host, cookie: this.cookieHeader, 'content-type': `multipart/form-data; boundary=${boundary}` },
    }));
  }
}

/** A minimal valid PDF (sniffed as application/pdf). */
export const samplePdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
/** A Windows executable header: must be refused whatever its name says. */
export const fakeExecutable = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);

/** The text of a field's error message next to the field in a page, or undefined. */
export function fieldError(page: string, name: string): string | undefined {
  return page.match(new RegExp(`id="f-${name}-error"[^>]*>[\\s\\S]*?<span>([^<]*)</span>`))?.[1];
}

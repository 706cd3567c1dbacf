import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** What came back from one POST: a response (status and the start of its body), or no response at all. */
export type PostResult =
  | { kind: 'response'; status: number; excerpt: string }
  | { kind: 'noResponse'; reason: string; refused: boolean };

// Enough of a response body to show why a receiver refused; the rest is not read.
const maxExcerpt = 300;

/**
 * POSTs a body once, without following redirects, and gives up after `timeoutMs` in total
 * (connect, send and the response head). Each call uses a new connection, so the guarded DNS
 * lookup checks the address every time.
 */
export function postWebhook(url: URL, headers: Record<string, string>, body: string, options: { timeoutMs: number; lookup?: LookupFunction }): Promise<PostResult> {
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
    const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no response within ${options.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })), options.timeoutMs);
    request.on('response', (response) => {
      clearTimeout(timer);
      const chunks: Buffer[] = [];
      let length = 0;
      const finish = () => {
        response.destroy();
        const excerpt = Buffer.concat(chunks).toString('utf8').slice(0, maxExcerpt).replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
        resolve({ kind: 'response', status: response.statusCode ?? 0, excerpt });
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= maxExcerpt * 4) finish();
      });
      response.on('end', finish);
      response.on('error', finish);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const refused = error.code === 'EHANDOFFREFUSED';
      resolve({ kind: 'noResponse', refused, reason: refused ? error.message : describeNetworkError(error) });
    });
    request.end(body);
  });
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  // The code names the kind of failure (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, certificate errors);
  // the message adds the address, which the clerk's IT contact needs.
  return error.code && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
}

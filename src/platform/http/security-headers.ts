import type { FastifyInstance, FastifyReply } from 'fastify';

// Computed once and set as one object: @fastify/helmet recomputes its headers per request, which
// measured at about half of a bare route's throughput (docs/adr/0002-static-security-headers.md).
const csp = (imageOrigins: readonly string[] = []) => [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  ["img-src 'self' data:", ...imageOrigins].join(' '),
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

const headers: Record<string, string> = {
  'content-security-policy': csp(),
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(self), payment=()',
};

/** Adds the strict Content-Security-Policy and the other security headers to every response. */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** Allows images from the given origins on this response only (a town's map tiles); the rest of the policy stays. */
export function allowImageOrigins(reply: FastifyReply, origins: readonly string[]): FastifyReply {
  return reply.header('content-security-policy', csp(origins));
}

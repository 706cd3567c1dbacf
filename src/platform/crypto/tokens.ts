import { createHash, randomBytes } from 'node:crypto';

// Random bytes are drawn 8 KB at a time and each part used once, as Node does for randomUUID():
// one call into the CSPRNG per 256 tokens instead of one per token (a submission makes two).
const tokenBytes = 32;
let pool = Buffer.alloc(0);
let offset = 0;

/** A new random secret token (32 bytes, base64url: 43 characters). */
export function newToken(): string {
  if (offset + tokenBytes > pool.length) {
    pool = randomBytes(tokenBytes * 256);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + tokenBytes);
  // Used bytes are zeroed, so the pool never holds a token that was handed out.
  pool.fill(0, offset, offset + tokenBytes);
  offset += tokenBytes;
  return token;
}

/** The SHA-256 hex digest under which a token is stored; the token itself never is. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether a path or query value is a UUID (ids in URLs are checked before they reach SQL). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Standard Webhooks 1.0 (https://www.standardwebhooks.com): symmetric secrets are 24 to 64 random
// bytes, shown base64-encoded with the prefix "whsec_"; the HMAC key is the decoded bytes.
const secretPrefix = 'whsec_';
const minSecretBytes = 24;
const maxSecretBytes = 64;

/** A new signing secret in the Standard Webhooks form (whsec_ + base64 of 32 random bytes). */
export function newWebhookSecret(): string {
  return secretPrefix + randomBytes(32).toString('base64');
}

/** Whether a text is a signing secret as Standard Webhooks writes it. */
export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(secretPrefix)) return false;
  const encoded = secret.slice(secretPrefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return false;
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes >= minSecretBytes && bytes <= maxSecretBytes;
}

function hmacKey(secret: string): Buffer {
  if (!isWebhookSecret(secret)) throw new Error('not a whsec_ signing secret');
  return Buffer.from(secret.slice(secretPrefix.length), 'base64');
}

/**
 * The `webhook-signature` header value: `v1,` and the base64 HMAC-SHA256 over
 * `{id}.{timestamp}.{body}`, so id and time of the attempt are signed along with the body.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  // The id and timestamp are ours (a uuid, an integer); a dot in them would blur the signed fields.
  if (id.includes('.') || !Number.isInteger(timestamp)) throw new Error('webhook id and timestamp must not contain a dot');
  return `v1,${createHmac('sha256', hmacKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Checks a received webhook as a receiver would: one of the space-separated `v1` signatures must
 * match (constant-time), and the timestamp must be within `toleranceSeconds` of now (replays).
 */
export function verifyWebhook(secret: string, headers: { id: string; timestamp: string; signature: string }, body: string, options: { toleranceSeconds?: number; now?: number } = {}): boolean {
  const timestamp = Number(headers.timestamp);
  if (!/^\d+$/.test(headers.timestamp)) return false;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body).slice(3), 'base64');
  return headers.signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

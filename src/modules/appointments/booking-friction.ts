/**
 * Friction on the booking step (docs/appointments-threat-model.md): each booking form carries a
 * challenge signed by the portal for that place, time and choice of services. The hold is accepted
 * with a proof of work for it — a few hundred thousand SHA-256 hashes, which the browser computes
 * while the citizen types name and e-mail (public/booking-friction.js) — or, without JavaScript,
 * once the form has been open a few seconds, as long as a person needs to fill it in anyway. A bot
 * fleet pays per hold in computing time or in waiting, and cannot prepare holds before new times
 * are released: a challenge is only issued for a bookable time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a challenge is good for: a citizen may take a while to find their e-mail address. */
export const challengeMinutes = 30;
/** Without a proof of work, how long a form must have been open before it is sent. */
export const secondsWithoutWork = 8;

/** What a challenge is bound to: the slot the form is for. */
export interface ChallengedSlot {
  locationId: string;
  start: Date;
  /** The chosen services as the booking query names them (choiceQuery). */
  choices: string;
}

/** Why the friction was not passed; `tooEarly` (no work, sent too fast) can be retried by waiting. */
export type FrictionRefusal = 'invalid' | 'tooEarly';

interface Claims {
  /** Issued at, ms since the epoch. */
  iat: number;
  /** Leading zero bits the proof of work needs. */
  bits: number;
  slot: string;
  nonce: string;
}

const slotKey = (slot: ChallengedSlot) => `${slot.locationId}|${slot.start.toISOString()}|${slot.choices}`;

function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** A challenge for the booking form of a slot: claims and signature, URL-safe. */
export function issueChallenge(key: Buffer, slot: ChallengedSlot, bits: number, now = new Date()): string {
  const claims: Claims = { iat: now.getTime(), bits, slot: slotKey(slot), nonce: randomBytes(12).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(key, payload)}`;
}

/** The number of leading zero bits of SHA-256(challenge ":" solution). */
export function workBits(challenge: string, solution: string): number {
  const digest = createHash('sha256').update(`${challenge}:${solution}`).digest();
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    bits += Math.clz32(byte) - 24;
    break;
  }
  return bits;
}

/**
 * Checks a sent form's challenge and proof of work (`solution`, empty without JavaScript) for the
 * slot it is sent for. Null when passed.
 */
export function checkFriction(key: Buffer, sent: { challenge: string; solution: string }, slot: ChallengedSlot, now = new Date()): FrictionRefusal | null {
  const [payload, signature, ...rest] = sent.challenge.split('.');
  if (!payload || !signature || rest.length > 0 || sent.challenge.length > 600) return 'invalid';
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  const age = now.getTime() - claims.iat;
  if (claims.slot !== slotKey(slot) || age < 0 || age > challengeMinutes * 60_000) return 'invalid';
  if (/^[0-9]{1,12}$/.test(sent.solution) && workBits(sent.challenge, sent.solution) >= claims.bits) return null;
  return age >= secondsWithoutWork * 1000 ? null : 'tooEarly';
}

/** Finds a proof of work for a challenge (tests and the benchmark do what the browser does). */
export function solveChallenge(challenge: string): string {
  const payload = challenge.split('.')[0]!;
  const { bits } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  for (let n = 0; ; n++) if (workBits(challenge, String(n)) >= bits) return String(n);
}

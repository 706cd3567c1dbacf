/**
 * Friction on the citizen's forms (docs/appointments-threat-model.md): each booking form carries a
 * challenge signed by the portal for that place, time and choice of services, and each form joining a
 * waiting list one for that list and choice of services (its purpose). The form is accepted
 * with a proof of work for it — a few hundred thousand SHA-256 hashes, which the browser computes
 * while the citizen types name and e-mail (public/booking-friction.js) — or, without JavaScript,
 * once the form has been open a few seconds, as long as a person needs to fill it in anyway. A bot
 * fleet pays per hold in computing time or in waiting, and cannot prepare holds before new times
 * are released: a challenge is only issued for a bookable time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config.js';
import { loadAppointmentKey } from '../../platform/crypto/secret-box.js';

/** How long a challenge is good for: a citizen may take a while to find their e-mail address. */
export const challengeMinutes = 30;
/** Without a proof of work, how long a form must have been open before it is sent. */
export const secondsWithoutWork = 8;

/** The slot a booking form is for. */
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
  /** What the challenge is good for (slotPurpose, waitlistPurpose). */
  purpose: string;
  nonce: string;
}

/** The purpose of a booking form's challenge: its slot. */
export const slotPurpose = (slot: ChallengedSlot) => `booking|${slot.locationId}|${slot.start.toISOString()}|${slot.choices}`;

/** The purpose of a waiting-list form's challenge: the location and the chosen services (choiceQuery). */
export const waitlistPurpose = (locationId: string, choices: string) => `waitlist|${locationId}|${choices}`;

function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** A challenge for a form of a purpose: claims and signature, URL-safe. */
export function issueChallenge(key: Buffer, purpose: string, bits: number, now = new Date()): string {
  const claims: Claims = { iat: now.getTime(), bits, purpose, nonce: randomBytes(12).toString('base64url') };
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
 * purpose it is sent for. Null when passed.
 */
export function checkFriction(key: Buffer, sent: { challenge: string; solution: string }, purpose: string, now = new Date()): FrictionRefusal | null {
  const [payload, signature, ...rest] = sent.challenge.split('.');
  if (!payload || !signature || rest.length > 0 || sent.challenge.length > 600) return 'invalid';
  const expected = Buffer.from(sign(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  const age = now.getTime() - claims.iat;
  if (claims.purpose !== purpose || age < 0 || age > challengeMinutes * 60_000) return 'invalid';
  if (/^[0-9]{1,12}$/.test(sent.solution) && workBits(sent.challenge, sent.solution) >= claims.bits) return null;
  return age >= secondsWithoutWork * 1000 ? null : 'tooEarly';
}

/** Finds a proof of work for a challenge (tests and the benchmark do what the browser does). */
export function solveChallenge(challenge: string): string {
  const payload = challenge.split('.')[0]!;
  const { bits } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  for (let n = 0; ; n++) if (workBits(challenge, String(n)) >= bits) return String(n);
}

/** The challenge a form carries and the zero bits its proof of work needs. */
export interface FormChallenge {
  challenge: string;
  bits: number;
}

/** The friction of the citizen's forms (booking, joining a waiting list) with the portal's key. */
export interface FormFriction {
  /** A challenge for a new form of a purpose. */
  issue(purpose: string): FormChallenge;
  /**
   * Checks a sent form's `challenge` and `solution` fields for its purpose. The form is shown again
   * with the sent challenge when it is genuine, so the seconds without JavaScript count from the
   * first opening; else with a new one.
   */
  check(body: Record<string, unknown>, purpose: string): { refusal: FrictionRefusal | null; friction: FormChallenge };
}

/** The forms' friction, or undefined when `APPOINTMENT_FRICTION_BITS` is 0 (off). */
export async function formFriction(config: Config): Promise<FormFriction | undefined> {
  const bits = config.appointmentFrictionBits;
  if (bits <= 0) return undefined;
  const key = await loadAppointmentKey(config);
  const field = (value: unknown) => (typeof value === 'string' ? value.slice(0, 600) : '');
  const issue = (purpose: string) => ({ challenge: issueChallenge(key, purpose, bits), bits });
  return {
    issue,
    check(body, purpose) {
      const sent = { challenge: field(body.challenge), solution: field(body.solution) };
      const refusal = checkFriction(key, sent, purpose);
      return { refusal, friction: refusal === 'invalid' ? issue(purpose) : { challenge: sent.challenge, bits } };
    },
  };
}

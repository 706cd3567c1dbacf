import type {
  AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { inTransaction, type Db } from '../db/database.js';
import { isLoopbackUrl } from './oidc.js';

/**
 * WebAuthn relying party (passkeys) on top of @simplewebauthn/server, for whoever owns the
 * credentials (citizen accounts now). Challenges are kept server-side, bound to the browser session
 * that asked for them, used once and expiring; the relying party is the host the town is served on
 * (ADR 0017).
 */

// Loaded at the first ceremony: with its X.509 and ASN.1 packages it took ~50 ms of every start.
const library = () => import('@simplewebauthn/server');

/** The relying party a request speaks to. */
export interface RelyingParty {
  /** The RP ID: the host name the town is served on (no port). */
  id: string;
  /** Shown by the authenticator: the town's name. */
  name: string;
  /** The only origin a response may come from. */
  origin: string;
}

/** What a challenge is for (a closed set, also in the CHECK constraint of webauthn_challenges). */
export type WebAuthnPurpose = 'register' | 'sign_in';

/** The browser session a challenge is bound to, and its town (row-level security sees both). */
export interface ChallengeOwner {
  tenantId: string;
  sessionHash: string;
}

/** How long the person has to touch the authenticator; the challenge expires with it. */
export const ceremonyMinutes = 5;

/**
 * The relying party for the request's Host header (which named one of the town's hosts, or no town
 * would have answered). The origin is https, except on this machine (localhost, *.localhost,
 * 127.0.0.1), where a laptop and the tests speak plain http; behind a proxy that terminates TLS the
 * public origin is https all the same.
 */
export function relyingPartyFor(request: FastifyRequest, name: string): RelyingParty {
  const host = (request.headers.host ?? '').toLowerCase().replace(/\.(?=:\d+$|$)/, '');
  const scheme = isLoopbackUrl(new URL(`http://${host}`)) ? request.protocol : 'https';
  return { id: host.replace(/:\d+$/, ''), name, origin: `${scheme}://${host}` };
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/).max(16_384);
// What the browser script posts (the JSON forms of PublicKeyCredential), checked before any use.
const credentialFields = {
  id: base64url.min(16).max(1400),
  rawId: base64url,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()),
};
const registrationSchema = z.object({
  ...credentialFields,
  response: z.object({ clientDataJSON: base64url, attestationObject: base64url, transports: z.array(z.string().max(20)).max(10).optional() }),
});
const authenticationSchema = z.object({
  ...credentialFields,
  response: z.object({ clientDataJSON: base64url, authenticatorData: base64url, signature: base64url, userHandle: base64url.max(128).optional() }),
});

function parseJson<T>(schema: z.ZodType<T>, input: string): T | null {
  if (!input || input.length > 40_000) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(input));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A posted registration response (the JSON of navigator.credentials.create()), or null when it is none. */
export function parseRegistrationResponse(input: string): RegistrationResponseJSON | null {
  return parseJson(registrationSchema, input) as RegistrationResponseJSON | null;
}

/** A posted authentication response (the JSON of navigator.credentials.get()), or null when it is none. */
export function parseAuthenticationResponse(input: string): AuthenticationResponseJSON | null {
  return parseJson(authenticationSchema, input) as AuthenticationResponseJSON | null;
}

/** The user handle of an authentication response as text (the owner's id given at registration), or null. */
export function assertionUserHandle(response: AuthenticationResponseJSON): string | null {
  const handle = response.response.userHandle;
  return handle ? Buffer.from(handle, 'base64url').toString('utf8') : null;
}

/** Keeps a new challenge for the session; it replaces one of the same purpose still open. */
async function storeChallenge(db: Db, owner: ChallengeOwner, purpose: WebAuthnPurpose, challenge: string): Promise<void> {
  const expiresAt = new Date(Date.now() + ceremonyMinutes * 60_000);
  await inTransaction(db, owner, (trx) =>
    trx
      .insertInto('webauthn_challenges')
      .values({ tenant_id: owner.tenantId, session_hash: owner.sessionHash, purpose, challenge, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['tenant_id', 'session_hash', 'purpose']).doUpdateSet({ challenge, expires_at: expiresAt }))
      .execute());
}

/**
 * Uses up the session's open challenge of the purpose: whatever the response turns out to be, it is
 * gone afterwards (single use). Null when there is none or it expired.
 */
export async function takeChallenge(db: Db, owner: ChallengeOwner, purpose: WebAuthnPurpose): Promise<string | null> {
  const row = await inTransaction(db, owner, (trx) =>
    trx
      .deleteFrom('webauthn_challenges')
      .where('tenant_id', '=', owner.tenantId)
      .where('session_hash', '=', owner.sessionHash)
      .where('purpose', '=', purpose)
      .returning(['challenge', 'expires_at'])
      .executeTakeFirst());
  return row && row.expires_at > new Date() ? row.challenge : null;
}

/**
 * Options for navigator.credentials.create(): a discoverable credential (sign-in without typing
 * the e-mail address) with user verification (PIN or biometrics), so that a passkey alone is two
 * factors. `user.id` comes back as the user handle at every sign-in.
 */
export async function beginRegistration(db: Db, rp: RelyingParty, owner: ChallengeOwner, user: { id: string; name: string }, existingCredentialIds: string[]): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const options = await (await library()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: new TextEncoder().encode(user.id),
    userName: user.name,
    userDisplayName: user.name,
    timeout: ceremonyMinutes * 60_000,
    attestationType: 'none',
    // The authenticator refuses to make a second credential for the same account.
    excludeCredentials: existingCredentialIds.map((id) => ({ id })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await storeChallenge(db, owner, 'register', options.challenge);
  return options;
}

/** A verified new credential, ready to be stored. */
export interface NewCredential {
  id: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

/**
 * Checks a registration response against the session's challenge (used up either way), the origin
 * and the RP ID, with user verification. Null when it does not pass.
 */
export async function finishRegistration(db: Db, rp: RelyingParty, owner: ChallengeOwner, response: RegistrationResponseJSON): Promise<NewCredential | null> {
  const expectedChallenge = await takeChallenge(db, owner, 'register');
  if (!expectedChallenge) return null;
  try {
    const result = await (await library()).verifyRegistrationResponse({ response, expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
    if (!result.verified) return null;
    const { credential } = result.registrationInfo;
    return { id: credential.id, publicKey: credential.publicKey, counter: credential.counter, transports: response.response.transports ?? [] };
  } catch {
    // The library throws for every malformed or mismatching response; all mean "not accepted".
    return null;
  }
}

/** Options for navigator.credentials.get(): any passkey of this site, with user verification. */
export async function beginAuthentication(db: Db, rp: RelyingParty, owner: ChallengeOwner): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await (await library()).generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', timeout: ceremonyMinutes * 60_000 });
  await storeChallenge(db, owner, 'sign_in', options.challenge);
  return options;
}

/** A stored credential as the verification needs it. */
export interface StoredCredential {
  id: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: number;
}

/** Outcome of checking an authentication response. */
export type AssertionResult = { ok: true; counter: number } | { ok: false; reason: 'invalid' | 'counter_regressed' };

/**
 * Checks an authentication response by a stored credential against the expected challenge, the
 * origin and the RP ID, with user verification; then the signature counter, which must grow unless
 * the authenticator keeps none (0). The counter is compared only after the signature is verified, so
 * a regression means a genuine key used by two authenticators: a cloned one.
 */
export async function verifyAssertion(rp: RelyingParty, expectedChallenge: string, response: AuthenticationResponseJSON, credential: StoredCredential): Promise<AssertionResult> {
  let counter: number;
  try {
    // Counter 0 here: the library would compare before the signature; the comparison follows below.
    const result = await (await library()).verifyAuthenticationResponse({
      response, expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
      credential: { id: credential.id, publicKey: credential.publicKey, counter: 0 },
    });
    if (!result.verified) return { ok: false, reason: 'invalid' };
    counter = result.authenticationInfo.newCounter;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if ((counter > 0 || credential.counter > 0) && counter <= credential.counter) return { ok: false, reason: 'counter_regressed' };
  return { ok: true, counter };
}

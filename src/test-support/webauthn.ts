import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type {
  AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { TestBrowser } from './browser.js';

/**
 * A software authenticator for tests: real ES256 key pairs (node:crypto), real CBOR attestation
 * objects ("none") and real signed assertions, built here from the WebAuthn specification and not
 * with the library under test. Each credential is discoverable (it keeps the user handle).
 */

type Cbor = number | string | Buffer | Map<Cbor, Cbor>;

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(length, 1);
  return head;
}

/** CBOR (RFC 8949) for the few types WebAuthn uses: integers, byte and text strings, maps. */
function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([cborHead(2, value.length), value]);
  if (typeof value === 'string') return Buffer.concat([cborHead(3, Buffer.byteLength(value)), Buffer.from(value)]);
  return Buffer.concat([cborHead(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64url = (data: Buffer) => data.toString('base64url');

/** A credential the authenticator holds. */
export interface SoftwareCredential {
  id: Buffer;
  privateKey: KeyObject;
  rpId: string;
  userHandle: Buffer;
  counter: number;
}

/** What a test may change in an answer, to see the portal refuse it. */
export interface AnswerOverrides {
  /** Signs for another challenge than the one given. */
  challenge?: string;
  /** Claims another origin in the client data. */
  origin?: string;
  /** Hashes another RP ID into the authenticator data. */
  rpId?: string;
  /** Reports this signature counter instead of the next one. */
  counter?: number;
  /** Claims another user handle (base64url) than the credential's. */
  userHandle?: string;
  /** Leaves out the user-verified flag. */
  notVerified?: boolean;
}

/** Answers create() and get() as a platform authenticator with user verification would. */
export class SoftwareAuthenticator {
  readonly credentials: SoftwareCredential[] = [];

  /** Answers navigator.credentials.create(): a new ES256 key pair for the RP and user of the options. */
  create(options: PublicKeyCredentialCreationOptionsJSON, origin: string, overrides: AnswerOverrides = {}): RegistrationResponseJSON {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
    const rpId = options.rp.id!;
    const credential: SoftwareCredential = { id: randomBytes(32), privateKey, rpId, userHandle: Buffer.from(options.user.id, 'base64url'), counter: 0 };
    this.credentials.push(credential);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    // Flags: user present, user verified (unless asked not to), attested credential data included.
    const flags = 0x01 | (overrides.notVerified ? 0 : 0x04) | 0x40;
    const authData = Buffer.concat([sha256(overrides.rpId ?? rpId), Buffer.from([flags]), Buffer.alloc(4), Buffer.alloc(16), idLength, credential.id, coseKey]);
    const clientData = JSON.stringify({ type: 'webauthn.create', challenge: overrides.challenge ?? options.challenge, origin: overrides.origin ?? origin, crossOrigin: false });
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(Buffer.from(clientData)),
        attestationObject: b64url(cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]))),
        transports: ['internal'],
      },
    };
  }

  /**
   * Answers navigator.credentials.get() with a credential of the RP (the newest, or the one given):
   * the counter advances by one unless the test names one.
   */
  get(options: PublicKeyCredentialRequestOptionsJSON, origin: string, overrides: AnswerOverrides = {}, credential?: SoftwareCredential): AuthenticationResponseJSON {
    const used = credential ?? this.credentials.filter((c) => c.rpId === options.rpId).at(-1);
    assert.ok(used, `the authenticator holds no credential for ${options.rpId}`);
    used.counter = overrides.counter ?? used.counter + 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(used.counter);
    const flags = 0x01 | (overrides.notVerified ? 0 : 0x04);
    const authData = Buffer.concat([sha256(overrides.rpId ?? used.rpId), Buffer.from([flags]), counter]);
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: overrides.challenge ?? options.challenge, origin: overrides.origin ?? origin, crossOrigin: false }));
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), used.privateKey);
    return {
      id: b64url(used.id),
      rawId: b64url(used.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: overrides.userHandle ?? b64url(used.userHandle),
      },
    };
  }
}

/** Asks the portal for passkey options as the page's script does (with the CSRF token of the last page). */
export async function fetchPasskeyOptions<T>(browser: TestBrowser, path: string): Promise<T> {
  const response = await browser.post(path, {});
  assert.equal(response.statusCode, 200, `options from ${path}: ${response.body.slice(0, 300)}`);
  return response.json() as T;
}

/**
 * Adds a passkey on the security page as the browser would: options, the authenticator's answer
 * (changed by `overrides`), then the form post. Returns the portal's answer to the post.
 */
export async function addPasskey(browser: TestBrowser, authenticator: SoftwareAuthenticator, origin: string, name: string, overrides: AnswerOverrides = {}): Promise<LightMyRequestResponse> {
  await browser.get('/konto/sicherheit');
  const options = await fetchPasskeyOptions<PublicKeyCredentialCreationOptionsJSON>(browser, '/konto/sicherheit/passkeys/optionen');
  return browser.post('/konto/sicherheit/passkeys', { passkeyName: name, credential: JSON.stringify(authenticator.create(options, origin, overrides)) });
}

/** Signs in with a passkey from the sign-in page as the browser would; returns the portal's answer to the post. */
export async function signInWithPasskey(browser: TestBrowser, authenticator: SoftwareAuthenticator, origin: string, overrides: AnswerOverrides = {}, credential?: SoftwareCredential): Promise<LightMyRequestResponse> {
  await browser.get('/konto/anmelden');
  const options = await fetchPasskeyOptions<PublicKeyCredentialRequestOptionsJSON>(browser, '/konto/anmelden/passkey/optionen');
  return browser.post('/konto/anmelden/passkey', { credential: JSON.stringify(authenticator.get(options, origin, overrides, credential)) });
}

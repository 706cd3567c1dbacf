import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { generateAuthenticationOptions, generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import { SoftwareAuthenticator } from '../../test-support/webauthn.js';
import { assertionUserHandle, parseAuthenticationResponse, parseRegistrationResponse, relyingPartyFor, verifyAssertion, type RelyingParty } from './webauthn.js';

const request = (host: string, protocol: 'http' | 'https' = 'http') => ({ headers: { host }, protocol }) as unknown as FastifyRequest;

/** A credential registered with the software authenticator, as the portal stores it. */
async function registered(rp: RelyingParty, authenticator: SoftwareAuthenticator) {
  const options = await generateRegistrationOptions({ rpName: rp.name, rpID: rp.id, userID: new TextEncoder().encode('konto-1'), userName: 'a@example.org' });
  const result = await verifyRegistrationResponse({ response: authenticator.create(options, rp.origin), expectedChallenge: options.challenge, expectedOrigin: rp.origin, expectedRPID: rp.id });
  assert.ok(result.verified);
  const { credential } = result.registrationInfo;
  return { id: credential.id, publicKey: new Uint8Array(credential.publicKey), counter: credential.counter };
}

describe('WebAuthn relying party', () => {
  it('is the host the town is served on: https, or http on this machine, port kept in the origin only', () => {
    assert.deepEqual(relyingPartyFor(request('musterstadt.de'), 'Musterstadt'), { id: 'musterstadt.de', name: 'Musterstadt', origin: 'https://musterstadt.de' });
    assert.deepEqual(relyingPartyFor(request('Service.Musterstadt.de.:8443'), 'M'), { id: 'service.musterstadt.de', name: 'M', origin: 'https://service.musterstadt.de:8443' });
    assert.deepEqual(relyingPartyFor(request('beispieldorf.localhost:3000'), 'B'), { id: 'beispieldorf.localhost', name: 'B', origin: 'http://beispieldorf.localhost:3000' });
    assert.equal(relyingPartyFor(request('localhost:3000', 'https'), 'B').origin, 'https://localhost:3000', 'a proxy that says https is believed on this machine');
  });

  it('reads only responses of the expected shape', () => {
    const authenticator = new SoftwareAuthenticator();
    const options = { challenge: randomBytes(32).toString('base64url'), rpId: 'x.localhost' };
    const creation = { challenge: options.challenge, rp: { id: 'x.localhost', name: 'X' }, user: { id: Buffer.from('konto-1').toString('base64url'), name: 'a', displayName: 'a' }, pubKeyCredParams: [] };
    const registration = authenticator.create(creation, 'http://x.localhost');
    const assertion = authenticator.get(options, 'http://x.localhost');
    assert.deepEqual(parseRegistrationResponse(JSON.stringify(registration)), registration);
    assert.deepEqual(parseAuthenticationResponse(JSON.stringify(assertion)), assertion);
    assert.equal(assertionUserHandle(assertion), 'konto-1');
    assert.equal(parseAuthenticationResponse(JSON.stringify(registration)), null, 'a registration is no assertion');
    for (const bad of ['', 'null', '[]', '{"id":1}', JSON.stringify({ ...assertion, type: 'password' }), JSON.stringify({ ...assertion, response: { ...assertion.response, signature: 'a+b/' } }), 'x'.repeat(50_000)]) {
      assert.equal(parseAuthenticationResponse(bad), null, bad.slice(0, 40));
    }
  });

  it('compares the signature counter only after the signature: a regression is reported as such only for a genuine key', async () => {
    const rp = { id: 'x.localhost', name: 'X', origin: 'http://x.localhost' };
    const authenticator = new SoftwareAuthenticator();
    const stored = await registered(rp, authenticator);
    const answer = async (counter: number, who = authenticator) => {
      const options = await generateAuthenticationOptions({ rpID: rp.id });
      return verifyAssertion(rp, options.challenge, who.get(options, rp.origin, { counter }, who.credentials[0]), stored);
    };
    assert.deepEqual(await answer(7), { ok: true, counter: 7 });
    stored.counter = 7;
    assert.deepEqual(await answer(7), { ok: false, reason: 'counter_regressed' });
    assert.deepEqual(await answer(2), { ok: false, reason: 'counter_regressed' });
    assert.deepEqual(await answer(8), { ok: true, counter: 8 });
    // Another key under the same credential id, with a low counter: the signature fails first.
    const impostor = new SoftwareAuthenticator();
    await registered(rp, impostor);
    impostor.credentials[0]!.id = authenticator.credentials[0]!.id;
    assert.deepEqual(await answer(1, impostor), { ok: false, reason: 'invalid' });
  });

  it('accepts an authenticator that keeps no counter (always 0), as synced passkeys do', async () => {
    const rp = { id: 'x.localhost', name: 'X', origin: 'http://x.localhost' };
    const authenticator = new SoftwareAuthenticator();
    const stored = await registered(rp, authenticator);
    for (let i = 0; i < 2; i++) {
      const options = await generateAuthenticationOptions({ rpID: rp.id });
      assert.deepEqual(await verifyAssertion(rp, options.challenge, authenticator.get(options, rp.origin, { counter: 0 }), stored), { ok: true, counter: 0 });
    }
  });
});

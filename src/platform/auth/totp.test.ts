import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentTimeStep, totpCode } from '../../test-support/totp.js';
import { groupInFours, matchTotpStep, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, normalizeTotpCode, totpUri } from './totp.js';

describe('TOTP rules', () => {
  it('accepts a code of the current time step and of one step before or after, and names its step', async () => {
    const secret = newTotpSecret();
    // Not in the last second of a step, so that "now" stays the same step during the test.
    if (Date.now() % 30_000 > 29_000) await sleep(1_100);
    const now = currentTimeStep();
    for (const delta of [-1, 0, 1]) assert.equal(await matchTotpStep(secret, await totpCode(secret, now + delta)), now + delta, `delta ${delta}`);
  });

  it('refuses codes two steps or more away and codes of another secret', async () => {
    const secret = newTotpSecret();
    if (Date.now() % 30_000 > 29_000) await sleep(1_100);
    const now = currentTimeStep();
    for (const delta of [-3, -2, 2, 3]) assert.equal(await matchTotpStep(secret, await totpCode(secret, now + delta)), null, `delta ${delta}`);
    assert.equal(await matchTotpStep(secret, await totpCode(newTotpSecret(), now)), null);
  });

  it('makes a 160-bit base32 secret and an otpauth URI with issuer and label', () => {
    const secret = newTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.notEqual(secret, newTotpSecret());
    assert.equal(groupInFours('ABCDEFGHIJ'), 'ABCD EFGH IJ');
    const uri = new URL(totpUri('Stadt Musterstadt', 'steuer@musterstadt.example', secret));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.searchParams.get('secret'), secret);
    assert.equal(uri.searchParams.get('issuer'), 'Stadt Musterstadt');
    assert.equal(decodeURIComponent(uri.pathname), '/Stadt Musterstadt:steuer@musterstadt.example');
  });

  it('reads a code with spaces but nothing that is not six digits', () => {
    assert.equal(normalizeTotpCode(' 123 456 '), '123456');
    for (const bad of ['', '12345', '1234567', '12a456', '１２３４５６']) assert.equal(normalizeTotpCode(bad), null, bad);
  });

  it('makes ten different recovery codes of 16 base32 characters and reads them however typed', () => {
    const codes = newRecoveryCodes();
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    assert.equal(normalizeRecoveryCode(' abcd efgh-ijkl mnop '), 'ABCDEFGHIJKLMNOP');
    for (const bad of ['', 'ABCD-EFGH-IJKL', 'ABCD-EFGH-IJKL-MNO0', 'ABCD-EFGH-IJKL-MNOPQ']) assert.equal(normalizeRecoveryCode(bad), null, bad);
  });
});

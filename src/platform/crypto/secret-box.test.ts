import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config.js';
import { loadPaymentSandboxSecret, loadTotpKey, openSecret, sealSecret } from './secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('opens what it sealed, with a new nonce each time', () => {
    const a = sealSecret(key, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'staff:1');
    const b = sealSecret(key, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'staff:1');
    assert.notEqual(a, b);
    assert.ok(!a.includes('JBSWY3DP'));
    assert.equal(openSecret(key, a, 'staff:1'), 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('refuses another key, another owner and any change to the sealed value', () => {
    const sealed = sealSecret(key, 'secret', 'staff:1');
    assert.throws(() => openSecret(randomBytes(32), sealed, 'staff:1'));
    assert.throws(() => openSecret(key, sealed, 'staff:2'));
    const [version, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0]! ^= 1;
    assert.throws(() => openSecret(key, [version, iv, tag, flipped.toString('base64')].join('.'), 'staff:1'));
    assert.throws(() => openSecret(key, 'garbage', 'staff:1'));
  });
});

describe('the TOTP key', () => {
  it('comes from TOTP_KEY when set, which must be 32 bytes of base64', async () => {
    const value = randomBytes(32).toString('base64');
    const config = loadConfig({ TOTP_KEY: value });
    assert.deepEqual(await loadTotpKey(config), Buffer.from(value, 'base64'));
    assert.throws(() => loadConfig({ TOTP_KEY: randomBytes(16).toString('base64') }), /TOTP_KEY/);
    assert.throws(() => loadConfig({ TOTP_KEY: 'not base64 at all, not at all, no no no no no!' }), /TOTP_KEY/);
  });

  it('is required in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /TOTP_KEY: required when NODE_ENV=production/);
    assert.ok(loadConfig({ NODE_ENV: 'production', TOTP_KEY: randomBytes(32).toString('base64'), ANSWERS_KEY: randomBytes(32).toString('base64') }).totpKey);
  });

  it('is otherwise generated once into DATA_DIR/keys/totp.key (mode 0600) and reused', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-key-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const [first, concurrent] = await Promise.all([loadTotpKey(config), loadTotpKey(config)]);
    assert.equal(first.length, 32);
    assert.deepEqual(concurrent, first);
    const file = path.join(dataDir, 'keys', 'totp.key');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await loadTotpKey(config), first);
    assert.equal(Buffer.from(await readFile(file, 'utf8'), 'base64').length, 32);
    await writeFile(file, 'short');
    await assert.rejects(loadTotpKey(config), /32-byte/);
  });
});

describe('the sandbox payment provider secret', () => {
  it('comes from PAYMENT_SANDBOX_SECRET, is refused in production without it, and is otherwise generated once', async () => {
    const value = randomBytes(32).toString('base64');
    assert.deepEqual(await loadPaymentSandboxSecret(loadConfig({ PAYMENT_SANDBOX_SECRET: value })), Buffer.from(value, 'base64'));
    assert.throws(() => loadConfig({ PAYMENT_SANDBOX_SECRET: 'too short' }), /PAYMENT_SANDBOX_SECRET/);
    const production = loadConfig({ NODE_ENV: 'production', TOTP_KEY: randomBytes(32).toString('base64'), ANSWERS_KEY: randomBytes(32).toString('base64') });
    await assert.rejects(loadPaymentSandboxSecret(production), /PAYMENT_SANDBOX_SECRET is required in production/);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rathaus-key-'));
    const generated = await loadPaymentSandboxSecret(loadConfig({ DATA_DIR: dataDir }));
    assert.equal(generated.length, 32);
    assert.deepEqual(await loadPaymentSandboxSecret(loadConfig({ DATA_DIR: dataDir })), generated);
    assert.equal((await stat(path.join(dataDir, 'keys', 'payment-sandbox.key'))).mode & 0o777, 0o600);
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';

/**
 * Encrypts a short secret with AES-256-GCM; `context` (e.g. the owner's id) is authenticated
 * with it, so a sealed value copied to another row does not open there.
 */
export function sealSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

/** Decrypts what sealSecret made with the same key and context; throws when either differs. */
export function openSecret(key: Buffer, sealed: string, context: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64')).setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}

/**
 * The key for TOTP secrets (staff and citizen accounts): TOTP_KEY, or (outside production, where config requires
 * TOTP_KEY) a key generated once into DATA_DIR/keys/totp.key, so a laptop needs no set-up and the
 * secrets stay readable across restarts.
 */
export function loadTotpKey(config: Pick<Config, 'totpKey' | 'dataDir'>): Promise<Buffer> {
  return config.totpKey ? Promise.resolve(config.totpKey) : loadLocalKey(config.dataDir, 'totp.key');
}

/**
 * The key for the signing secrets of hand-off targets: HANDOFF_KEY, or outside production a key
 * generated once into DATA_DIR/keys/handoff.key. Production without HANDOFF_KEY refuses only when
 * a hand-off needs it, so installations that forward nothing need no extra key.
 */
export function loadHandoffKey(config: Pick<Config, 'handoffKey' | 'dataDir' | 'env'>): Promise<Buffer> {
  if (config.handoffKey) return Promise.resolve(config.handoffKey);
  if (config.env === 'production') return Promise.reject(new Error('HANDOFF_KEY is required in production to seal and open hand-off secrets'));
  return loadLocalKey(config.dataDir, 'handoff.key');
}

/**
 * The secret that signs the sandbox payment provider's notifications (HMAC-SHA256):
 * PAYMENT_SANDBOX_SECRET, or outside production one generated once into
 * DATA_DIR/keys/payment-sandbox.key. Production without it refuses only when the sandbox is used.
 */
export function loadPaymentSandboxSecret(config: Pick<Config, 'paymentSandboxSecret' | 'dataDir' | 'env'>): Promise<Buffer> {
  if (config.paymentSandboxSecret) return Promise.resolve(config.paymentSandboxSecret);
  if (config.env === 'production') return Promise.reject(new Error('PAYMENT_SANDBOX_SECRET is required in production to use the sandbox payment provider'));
  return loadLocalKey(config.dataDir, 'payment-sandbox.key');
}

/**
 * The master key of the keyring for sensitive answers (ADR 0025): ANSWERS_KEY, or (outside
 * production, where config requires ANSWERS_KEY) a key generated once into DATA_DIR/keys/answers.key.
 */
export function loadAnswersKey(config: Pick<Config, 'answersKey' | 'dataDir'>): Promise<Buffer> {
  return config.answersKey ? Promise.resolve(config.answersKey) : loadLocalKey(config.dataDir, 'answers.key');
}

/**
 * The key that signs the booking forms' challenges (HMAC-SHA256, ADR 0024): APPOINTMENT_KEY, or
 * outside production one generated once into DATA_DIR/keys/appointment.key. Every app node must
 * have the same key: a form served by one is sent to another.
 */
export function loadAppointmentKey(config: Pick<Config, 'appointmentKey' | 'dataDir' | 'env'>): Promise<Buffer> {
  if (config.appointmentKey) return Promise.resolve(config.appointmentKey);
  if (config.env === 'production') return Promise.reject(new Error('APPOINTMENT_KEY is required in production to sign the booking forms (or set APPOINTMENT_FRICTION_BITS=0)'));
  return loadLocalKey(config.dataDir, 'appointment.key');
}

async function loadLocalKey(dataDir: string, name: string): Promise<Buffer> {
  const file = path.resolve(dataDir, 'keys', name);
  if (!existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written aside and linked into place (which fails when the file exists): two processes starting
    // at once end up with the same key, and nobody reads a half-written one.
    const partial = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(partial, randomBytes(32).toString('base64'), { mode: 0o600 });
    await link(partial, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await rm(partial);
  }
  const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

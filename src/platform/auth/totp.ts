import { generateSecret, generateURI, verify } from 'otplib';

/** Failed codes in a row after which no code is accepted for `lockMinutes`. */
export const maxFailedAttempts = 5;
/** How long the second factor stays locked after too many failed codes. */
export const lockMinutes = 15;
/** How many recovery codes an account gets at enrolment. */
export const recoveryCodeCount = 10;

/** Outcome of one second-factor attempt. */
export type SecondFactorResult = 'accepted' | 'wrong' | 'replayed' | 'locked';

/** A new TOTP secret: 20 random bytes in base32, as authenticator apps expect. */
export function newTotpSecret(): string {
  return generateSecret();
}

/** The secret in groups of four characters, for typing it into an app by hand. */
export function groupInFours(secret: string): string {
  return secret.match(/.{1,4}/g)!.join(' ');
}

/** The otpauth:// URI an authenticator app reads from the QR code (SHA-1, 6 digits, 30 s). */
export function totpUri(issuer: string, label: string, secret: string): string {
  return generateURI({ issuer, label, secret });
}

/** The URI as an SVG QR code (markup made by the qrcode library from the URI alone). */
export async function qrCodeSvg(uri: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
}

/** What the user typed, without the spaces apps and people put in; null unless six digits. */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/\s/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * The time step a code belongs to, if it is valid one step before or after now (clocks drift,
 * people type slowly); null otherwise.
 */
export async function matchTotpStep(secret: string, code: string): Promise<number | null> {
  const result = await verify({ secret, token: code, epochTolerance: 30 });
  // verify() also serves HOTP; only a TOTP result carries the time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Ten recovery codes of 80 random bits each, base32 in groups of four (no 0, 1, 8, 9 to misread). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, () => groupInFours(generateSecret({ length: 10 })).replace(/ /g, '-'));
}

/** A recovery code as stored (upper case, no separators), or null when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z2-7]{16}$/.test(code) ? code : null;
}


import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../platform/project-root.js';
import type { TrustLevel } from '../../platform/db/schema.js';

/** A citizen account as its owner and the portal see it. */
export interface Account {
  id: string;
  email: string;
  language: 'de' | 'en';
  hasPassword: boolean;
}

/** Passwords are at least this long; length, not composition rules, is what makes them strong (NIST SP 800-63B). */
export const minPasswordLength = 10;
/** Longer input is refused rather than hashed: argon2 over megabytes would be a denial of service. */
export const maxPasswordLength = 256;
/** How long the link in the confirmation mail works. */
export const verifyEmailHours = 24;
/** How long the link in the password-reset mail works. */
export const resetPasswordMinutes = 60;

// The most common passwords of 10 or more characters from the SecLists "10 million passwords" list
// (MIT licence), lower-cased, with German ones added; one per line.
let commonPasswords: Set<string> | undefined;

/** Whether a password is on the list of common passwords shipped with the portal (case-insensitive). */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(readFileSync(path.join(projectRoot, 'src/modules/accounts/common-passwords.txt'), 'utf8').split('\n'));
  return commonPasswords.has(password.toLowerCase());
}

/** Why a new password cannot be used, or null when it can. */
export function passwordProblem(password: string, email: string): 'tooShort' | 'tooLong' | 'common' | 'containsEmail' | null {
  if ([...password].length < minPasswordLength) return 'tooShort';
  if (password.length > maxPasswordLength) return 'tooLong';
  if (isCommonPassword(password)) return 'common';
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && password.toLowerCase().includes(local)) return 'containsEmail';
  return null;
}

const levels: TrustLevel[] = ['low', 'substantial', 'high'];

/** Whether a session's trust level reaches the level a service requires. */
export function meetsTrustLevel(actual: TrustLevel | null, required: TrustLevel): boolean {
  return actual !== null && levels.indexOf(actual) >= levels.indexOf(required);
}

// One bare address of sensible length; the mailer refuses lists and display names anyway.
const emailPattern = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

/** The e-mail address as stored (trimmed, lower case), or null when it cannot be one. */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  return email.length <= 254 && emailPattern.test(email) ? email : null;
}

/** Whether a path segment can be a token of a mailed link (32 random bytes, base64url). */
export function isLinkToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

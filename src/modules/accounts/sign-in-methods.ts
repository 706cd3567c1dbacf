/** A passkey of an account, as its owner sees it on the security page. */
export interface Passkey {
  id: string;
  name: string;
  credentialId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** Passkey names are short labels ("Laptop", "Handy"); the column allows this many characters. */
export const passkeyNameMaxLength = 60;

/**
 * Changing how an account signs in (adding or removing a passkey, turning on TOTP) needs a sign-in
 * this recent; otherwise the password is asked again. Long enough to set up a passkey after signing
 * in, short enough that a session left open on a shared computer cannot be used for it later.
 */
export const reauthenticationMinutes = 10;

/** Whether a session's last sign-in (or password confirmation) is recent enough to change sign-in methods. */
export function isRecentSignIn(authenticatedAt: Date, now = new Date()): boolean {
  return now.getTime() - authenticatedAt.getTime() < reauthenticationMinutes * 60_000;
}

/** A passkey name as stored (control characters dropped, white space folded), or null when empty or too long. */
export function normalizePasskeyName(input: string): string | null {
  const name = input.replace(/[\p{Cc}\s]+/gu, ' ').trim();
  return name.length >= 1 && name.length <= passkeyNameMaxLength ? name : null;
}

/** The pages of passkeys, the second factor and the password asked again. */
export const signInMethodPaths = {
  passkeySignIn: '/konto/anmelden/passkey',
  passkeySignInOptions: '/konto/anmelden/passkey/optionen',
  code: '/konto/anmelden/code',
  recovery: '/konto/anmelden/wiederherstellung',
  security: '/konto/sicherheit',
  reauthenticate: '/konto/sicherheit/bestaetigen',
  passkeys: '/konto/sicherheit/passkeys',
  passkeyOptions: '/konto/sicherheit/passkeys/optionen',
  totp: '/konto/sicherheit/zwei-faktor',
  totpOff: '/konto/sicherheit/zwei-faktor/ausschalten',
} as const;

/** A path with the page to go to afterwards, unless that is the account's start page (the default). */
export function withNext(path: string, next: string): string {
  return next === '/konto' ? path : `${path}?weiter=${encodeURIComponent(next)}`;
}

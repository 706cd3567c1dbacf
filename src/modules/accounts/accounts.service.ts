import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import { clearLoginFailures, loginBlockedUntil, recordLoginFailure, type ThrottleKeys } from '../../platform/auth/login-throttle.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { endAccountSessions, type Session } from '../../platform/http/session.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { recordAudit } from '../audit/index.js';
import { passwordProblem, resetPasswordMinutes, verifyEmailHours } from './account.js';
import {
  consumeToken, expireTokens, findCredentials, findAccountRecord, findUsableToken, insertAccount, insertToken, markVerified, updatePasswordHash,
} from './accounts.repository.js';

/** Job kinds of the account mails; each mail is made (with a fresh token) when it is sent. */
export const accountMailJobs = {
  verifyEmail: 'account.verify_email',
  alreadyRegistered: 'account.already_registered',
  resetPassword: 'account.reset_password',
} as const;

/** Why registration refused the input. */
export type RegistrationProblem = ReturnType<typeof passwordProblem>;

/**
 * Registers an address. Whether or not it has an account already, the answer is the same ("we sent
 * you a mail") and takes as long (the password is hashed either way): the form must not tell
 * strangers who has an account. A known address gets a mail saying so instead of a new account.
 */
export async function registerAccount(db: Db, tenantId: string, input: { email: string; password: string; language: 'de' | 'en' }): Promise<{ ok: true } | { ok: false; problem: NonNullable<RegistrationProblem> }> {
  const problem = passwordProblem(input.password, input.email);
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(input.password);
  await inTransaction(db, { tenantId }, async (trx) => {
    const id = await insertAccount(trx, { tenantId, email: input.email, passwordHash, language: input.language });
    if (id) {
      await enqueueJob(trx, { tenantId, kind: accountMailJobs.verifyEmail, payload: { accountId: id } });
      await recordAudit(trx, { tenantId, actor: `account:${id}`, action: 'account.registered', subject: `account:${id}` });
      return;
    }
    const existing = (await findCredentials(trx, tenantId, input.email))!;
    // Unconfirmed: the link again (the password chosen first stays). Confirmed: a hint to sign in.
    const kind = existing.verified_at ? accountMailJobs.alreadyRegistered : accountMailJobs.verifyEmail;
    await enqueueJob(trx, { tenantId, kind, payload: { accountId: existing.id } });
  });
  return { ok: true };
}

/** A new link token for an account's mail; only its hash is stored. */
export async function issueAccountLink(db: Db, tenantId: string, accountId: string, purpose: 'verify_email' | 'reset_password'): Promise<{ token: string; email: string; language: 'de' | 'en'; expiresAt: Date } | null> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const account = await findAccountRecord(trx, accountId);
    if (!account || (purpose === 'verify_email' && account.verified_at)) return null;
    const token = newToken();
    const validMs = purpose === 'verify_email' ? verifyEmailHours * 3_600_000 : resetPasswordMinutes * 60_000;
    const expiresAt = new Date(Date.now() + validMs);
    await insertToken(trx, { tenantId, tokenHash: hashToken(token), accountId, purpose, expiresAt });
    return { token, email: account.email, language: account.language, expiresAt };
  });
}

/** Confirms the address behind a link; false when the link is unknown, used or expired. */
export async function confirmEmail(db: Db, tenantId: string, token: string): Promise<boolean> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const accountId = await consumeToken(trx, hashToken(token), 'verify_email');
    if (!accountId) return false;
    await markVerified(trx, accountId);
    await expireTokens(trx, accountId, 'verify_email');
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.email_verified', subject: `account:${accountId}` });
    return true;
  });
}

/** Outcome of a password sign-in. */
export type SignInResult =
  | { kind: 'signedIn'; accountId: string }
  | { kind: 'failed' }
  | { kind: 'blocked'; until: Date }
  | { kind: 'unverified' };

/**
 * Checks e-mail and password under the back-off of login-throttle.ts. Unknown address and wrong
 * password give the same answer in the same time; "not confirmed yet" is told only to someone who
 * knows the password.
 */
export async function signInWithPassword(db: Db, tenantId: string, input: { email: string; password: string; clientAddress: string }): Promise<SignInResult> {
  const keys: ThrottleKeys = { email: input.email, clientAddress: input.clientAddress };
  const { blocked, credentials } = await inTransaction(db, { tenantId }, async (trx) => ({
    blocked: await loginBlockedUntil(trx, tenantId, keys),
    credentials: await findCredentials(trx, tenantId, input.email),
  }));
  if (blocked) return { kind: 'blocked', until: blocked };
  const ok = await verifyPassword(credentials?.password_hash, input.password);
  return inTransaction(db, { tenantId }, async (trx) => {
    if (!ok || !credentials) {
      await recordLoginFailure(trx, tenantId, keys);
      if (credentials) await recordAudit(trx, { tenantId, actor: 'anonymous', action: 'account.login_failed', subject: `account:${credentials.id}` });
      return { kind: 'failed' };
    }
    await clearLoginFailures(trx, tenantId, keys);
    if (!credentials.verified_at) return { kind: 'unverified' };
    await recordAudit(trx, { tenantId, actor: `account:${credentials.id}`, action: 'account.login', subject: `account:${credentials.id}`, details: { method: 'password' } });
    return { kind: 'signedIn', accountId: credentials.id };
  });
}

/**
 * Asks for a password-reset mail. The same answer in the same time for every address: a job is
 * written either way, and only the worker finds out there is nobody to mail.
 */
export async function requestPasswordReset(db: Db, tenantId: string, email: string): Promise<void> {
  await inTransaction(db, { tenantId }, async (trx) => {
    const credentials = await findCredentials(trx, tenantId, email);
    await enqueueJob(trx, { tenantId, kind: accountMailJobs.resetPassword, payload: { accountId: credentials?.verified_at ? credentials.id : null } });
  });
}

/**
 * Sets a new password through a reset link and ends every session of the account (whoever knew
 * the old password is out). The link is used up only by a password that is accepted.
 */
export async function resetPassword(db: Db, tenantId: string, token: string, password: string): Promise<{ ok: true } | { ok: false; problem: 'invalidLink' | NonNullable<RegistrationProblem> }> {
  const tokenHash = hashToken(token);
  const email = await inTransaction(db, { tenantId }, async (trx) => {
    const accountId = await findUsableToken(trx, tokenHash, 'reset_password');
    return accountId ? (await findAccountRecord(trx, accountId))?.email : undefined;
  });
  if (!email) return { ok: false, problem: 'invalidLink' };
  const problem = passwordProblem(password, email);
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(password);
  return inTransaction(db, { tenantId }, async (trx) => {
    // Used up here, atomically: of two parallel uses of one link only one gets an account back.
    const accountId = await consumeToken(trx, tokenHash, 'reset_password');
    if (!accountId) return { ok: false, problem: 'invalidLink' } as const;
    await updatePasswordHash(trx, accountId, passwordHash);
    await expireTokens(trx, accountId, 'reset_password');
    await endAccountSessions(trx, accountId, { except: null });
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.password_reset', subject: `account:${accountId}` });
    return { ok: true } as const;
  });
}

/**
 * Changes the password of the signed-in account after checking the current one, and signs out
 * every other session.
 */
export async function changePassword(db: Db, tenantId: string, session: Session, input: { current: string; password: string }): Promise<{ ok: true } | { ok: false; problem: 'wrongCurrent' | NonNullable<RegistrationProblem> }> {
  const accountId = session.accountId!;
  const account = await inTransaction(db, { tenantId, accountId }, (trx) => findAccountRecord(trx, accountId));
  if (!account || !(await verifyPassword(account.password_hash, input.current))) return { ok: false, problem: 'wrongCurrent' };
  const problem = passwordProblem(input.password, account.email);
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(input.password);
  await inTransaction(db, { tenantId, accountId }, async (trx) => {
    await updatePasswordHash(trx, accountId, passwordHash);
    await endAccountSessions(trx, accountId, { except: session });
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.password_changed', subject: `account:${accountId}` });
  });
  return { ok: true };
}

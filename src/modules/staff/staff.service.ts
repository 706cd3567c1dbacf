import { inTransaction, type Db } from '../../platform/db/database.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageContext } from '../../platform/views/layout.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import { openSecret, sealSecret } from '../../platform/crypto/secret-box.js';
import { findSession } from '../../platform/http/session.js';
import { recordAudit } from '../audit/index.js';
import {
  deleteSecondFactor, findStaffCredentials, findStaffMember, findTotp, insertStaff, insertTotpIfMissing, replaceRecoveryCodes,
  updateTotp, useRecoveryCode, type StaffMember, type TotpRow,
} from './staff.repository.js';
import {
  lockMinutes, matchTotpStep, maxFailedAttempts, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, type SecondFactorResult,
} from './second-factor.js';
import type { Trx } from '../../platform/db/database.js';

export { hashPassword };

/** Staff passwords are at least this long (argon2id makes guessing slow, length makes it hopeless). */
export const minPasswordLength = 12;

/**
 * Creates a staff account (town administration, demo seed, tests). Without a password the account
 * cannot sign in until its invitation is accepted.
 */
export async function createStaff(trx: Trx, input: { tenantId: string; email: string; name: string; password?: string; townAdmin?: boolean; departments: Array<{ key: string; role: string }> }): Promise<string> {
  if (input.password !== undefined && input.password.length < minPasswordLength) throw new Error(`Staff passwords need at least ${minPasswordLength} characters`);
  return insertStaff(trx, { ...input, passwordHash: input.password === undefined ? null : await hashPassword(input.password) });
}

/** Checks e-mail and password; returns the staff id or null, taking the same time either way. */
export async function verifyStaffLogin(db: Db, tenantId: string, email: string, password: string): Promise<string | null> {
  const credentials = await inTransaction(db, { tenantId }, (trx) => findStaffCredentials(trx, tenantId, email));
  // An invited account without a password is checked against the dummy hash: never a match.
  return credentials && (await verifyPassword(credentials.password_hash, password)) ? credentials.id : null;
}

/** The signed-in staff member of a request, with their session, or null. */
export async function currentStaff(db: Db, request: FastifyRequest): Promise<{ staff: StaffMember; csrfToken: string } | null> {
  const session = await findSession(db, request);
  if (!session?.staffId) return null;
  const staffId = session.staffId;
  const staff = await inTransaction(db, { tenantId: request.tenant.id }, (trx) => findStaffMember(trx, staffId));
  return staff ? { staff, csrfToken: session.csrfToken } : null;
}

/**
 * For a staff page: the signed-in staff member with the page context, or null after redirecting
 * to the sign-in. Staff pages are never cached (they show personal data).
 */
export async function requireStaff(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<{ staff: StaffMember; csrfToken: string; ctx: PageContext } | null> {
  const signedIn = await currentStaff(db, request);
  if (!signedIn) {
    reply.redirect('/verwaltung/anmelden', 303);
    return null;
  }
  reply.header('cache-control', 'no-store');
  const administers = signedIn.staff.townAdmin || signedIn.staff.departments.some((d) => d.role === 'department_admin');
  return { ...signedIn, ctx: { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: signedIn.csrfToken, staffAdministration: administers } };
}

/** Where a staff member whose password was verified stands with the second factor. */
export interface SecondFactorState {
  enrolled: boolean;
  lockedUntil: Date | null;
}

/** The second-factor state of a staff member (not enrolled when nothing is stored). */
export async function findSecondFactorState(db: Db, tenantId: string, staffId: string): Promise<SecondFactorState> {
  const row = await inTransaction(db, { tenantId }, (trx) => findTotp(trx, staffId));
  return { enrolled: Boolean(row?.confirmed_at), lockedUntil: row?.locked_until && row.locked_until > new Date() ? row.locked_until : null };
}

// The secret is bound to its owner: a sealed value copied to another account does not open.
const secretContext = (row: Pick<TotpRow, 'tenant_id' | 'staff_id'>) => `staff_totp:${row.tenant_id}:${row.staff_id}`;

/**
 * The secret and account label to show for enrolment: a new secret, or the one shown before if the
 * enrolment was not confirmed yet (the app may hold it already). Null once enrolment is confirmed.
 */
export async function startTotpEnrolment(db: Db, key: Buffer, tenantId: string, staffId: string): Promise<{ secret: string; label: string } | null> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const owner = { tenant_id: tenantId, staff_id: staffId };
    await insertTotpIfMissing(trx, { tenantId, staffId, secretSealed: sealSecret(key, newTotpSecret(), secretContext(owner)) });
    const row = (await findTotp(trx, staffId))!;
    if (row.confirmed_at) return null;
    const staff = await findStaffMember(trx, staffId);
    return { secret: openSecret(key, row.secret_sealed, secretContext(row)), label: staff!.email };
  });
}

/**
 * Runs one second-factor attempt with the enrolment row locked, so parallel attempts neither
 * reuse a code nor escape the failure count. While the lock lasts nothing is checked at all.
 */
async function attemptSecondFactor(db: Db, tenantId: string, staffId: string, check: (trx: Trx, row: TotpRow) => Promise<Exclude<SecondFactorResult, 'locked'>>): Promise<SecondFactorResult> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const row = await findTotp(trx, staffId, { forUpdate: true });
    if (!row) return 'wrong';
    if (row.locked_until && row.locked_until > new Date()) return 'locked';
    const result = await check(trx, row);
    if (result === 'accepted') {
      await updateTotp(trx, staffId, { failed_attempts: 0, locked_until: null });
      return result;
    }
    const failed = row.failed_attempts + 1;
    if (failed < maxFailedAttempts) {
      await updateTotp(trx, staffId, { failed_attempts: failed });
      return result;
    }
    await updateTotp(trx, staffId, { failed_attempts: 0, locked_until: new Date(Date.now() + lockMinutes * 60_000) });
    await recordAudit(trx, { tenantId, actor: `staff:${staffId}`, action: 'staff.second_factor_locked', subject: `staff:${staffId}` });
    return 'locked';
  });
}

/** Checks a TOTP code against the secret; a code of the last accepted time step or an earlier one is a replay. */
async function checkTotp(trx: Trx, key: Buffer, row: TotpRow, code: string): Promise<'accepted' | 'wrong' | 'replayed'> {
  const step = await matchTotpStep(openSecret(key, row.secret_sealed, secretContext(row)), code);
  if (step === null) return 'wrong';
  if (row.last_time_step !== null && step <= row.last_time_step) return 'replayed';
  await updateTotp(trx, row.staff_id, { last_time_step: step });
  return 'accepted';
}

/**
 * Confirms enrolment with the first code from the app; on success returns the ten recovery codes,
 * the only time they exist in plain text.
 */
export async function confirmTotpEnrolment(db: Db, key: Buffer, tenantId: string, staffId: string, code: string): Promise<{ result: SecondFactorResult; recoveryCodes: string[] }> {
  const recoveryCodes = newRecoveryCodes();
  const result = await attemptSecondFactor(db, tenantId, staffId, async (trx, row) => {
    if (row.confirmed_at) return 'wrong';
    const checked = await checkTotp(trx, key, row, code);
    if (checked !== 'accepted') return checked;
    await updateTotp(trx, staffId, { confirmed_at: new Date() });
    await replaceRecoveryCodes(trx, tenantId, staffId, recoveryCodes.map((c) => hashToken(normalizeRecoveryCode(c)!)));
    await recordAudit(trx, { tenantId, actor: `staff:${staffId}`, action: 'staff.second_factor_enrolled', subject: `staff:${staffId}` });
    return 'accepted';
  });
  return { result, recoveryCodes: result === 'accepted' ? recoveryCodes : [] };
}

/** Checks a code from the app of an enrolled staff member. */
export function verifyTotpCode(db: Db, key: Buffer, tenantId: string, staffId: string, code: string): Promise<SecondFactorResult> {
  return attemptSecondFactor(db, tenantId, staffId, (trx, row) => (row.confirmed_at ? checkTotp(trx, key, row, code) : Promise.resolve('wrong')));
}

/** Accepts an unused recovery code, once; a wrong one counts towards the lock like a wrong code from the app. */
export function redeemRecoveryCode(db: Db, tenantId: string, staffId: string, input: string): Promise<SecondFactorResult> {
  const code = normalizeRecoveryCode(input);
  return attemptSecondFactor(db, tenantId, staffId, async (trx, row) =>
    row.confirmed_at && code && (await useRecoveryCode(trx, staffId, hashToken(code))) ? 'accepted' : 'wrong');
}

/**
 * Clears a staff member's TOTP enrolment and recovery codes and ends their sessions (town
 * administration and CLI); they enrol again at the next sign-in. False when no active account has
 * the e-mail address. `actor` is who did it, as the audit log names them.
 */
export async function resetSecondFactor(trx: Trx, tenantId: string, email: string, actor = 'cli'): Promise<boolean> {
  const credentials = await findStaffCredentials(trx, tenantId, email);
  if (!credentials) return false;
  await deleteSecondFactor(trx, credentials.id);
  await recordAudit(trx, { tenantId, actor, action: 'staff.second_factor_reset', subject: `staff:${credentials.id}` });
  return true;
}

import { inTransaction, type Db } from '../../platform/db/database.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageContext } from '../../platform/views/layout.js';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import * as secondFactor from '../../platform/auth/second-factor.js';
import type { SecondFactorState, TotpOwner } from '../../platform/auth/second-factor.js';
import type { SecondFactorResult } from '../../platform/auth/totp.js';
import { findSession } from '../../platform/http/session.js';
import { recordAudit } from '../audit/index.js';
import { deleteStaffSessions, findStaffCredentials, findStaffMember, insertStaff, type StaffMember } from './staff.repository.js';
import type { Trx } from '../../platform/db/database.js';

export { hashPassword, type SecondFactorState };

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

/** The staff member as the owner of a second factor; its events go to the audit log. */
function totpOwner(tenantId: string, staffId: string): TotpOwner {
  return {
    kind: 'staff',
    id: staffId,
    actor: { tenantId },
    record: (trx, event) => recordAudit(trx, { tenantId, actor: `staff:${staffId}`, action: `staff.${event}`, subject: `staff:${staffId}` }),
  };
}

/** The second-factor state of a staff member (not enrolled when nothing is stored). */
export function findSecondFactorState(db: Db, tenantId: string, staffId: string): Promise<SecondFactorState> {
  return secondFactor.findSecondFactorState(db, totpOwner(tenantId, staffId));
}

/**
 * The secret and account label to show for enrolment: a new secret, or the one shown before if the
 * enrolment was not confirmed yet (the app may hold it already). Null once enrolment is confirmed.
 */
export async function startTotpEnrolment(db: Db, key: Buffer, tenantId: string, staffId: string): Promise<{ secret: string; label: string } | null> {
  const secret = await secondFactor.startTotpEnrolment(db, key, totpOwner(tenantId, staffId));
  if (!secret) return null;
  const staff = await inTransaction(db, { tenantId }, (trx) => findStaffMember(trx, staffId));
  return { secret, label: staff!.email };
}

/**
 * Confirms enrolment with the first code from the app; on success returns the ten recovery codes,
 * the only time they exist in plain text.
 */
export function confirmTotpEnrolment(db: Db, key: Buffer, tenantId: string, staffId: string, code: string): Promise<{ result: SecondFactorResult; recoveryCodes: string[] }> {
  return secondFactor.confirmTotpEnrolment(db, key, totpOwner(tenantId, staffId), code);
}

/** Checks a code from the app of an enrolled staff member. */
export function verifyTotpCode(db: Db, key: Buffer, tenantId: string, staffId: string, code: string): Promise<SecondFactorResult> {
  return secondFactor.verifyTotpCode(db, key, totpOwner(tenantId, staffId), code);
}

/** Accepts an unused recovery code, once; a wrong one counts towards the lock like a wrong code from the app. */
export function redeemRecoveryCode(db: Db, tenantId: string, staffId: string, input: string): Promise<SecondFactorResult> {
  return secondFactor.redeemRecoveryCode(db, totpOwner(tenantId, staffId), input);
}

/**
 * Clears a staff member's TOTP enrolment and recovery codes and ends their sessions (town
 * administration and CLI); they enrol again at the next sign-in. False when no active account has
 * the e-mail address. `actor` is who did it, as the audit log names them.
 */
export async function resetSecondFactor(trx: Trx, tenantId: string, email: string, actor = 'cli'): Promise<boolean> {
  const credentials = await findStaffCredentials(trx, tenantId, email);
  if (!credentials) return false;
  await secondFactor.deleteSecondFactor(trx, totpOwner(tenantId, credentials.id));
  await deleteStaffSessions(trx, credentials.id);
  await recordAudit(trx, { tenantId, actor, action: 'staff.second_factor_reset', subject: `staff:${credentials.id}` });
  return true;
}

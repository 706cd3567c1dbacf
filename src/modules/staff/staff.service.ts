import { hash, verify } from '@node-rs/argon2';
import { inTransaction, type Db } from '../../platform/db/database.js';
import type { FastifyRequest } from 'fastify';
import { findSession } from '../../platform/http/session.js';
import { findStaffCredentials, findStaffMember, insertStaff, type StaffMember } from './staff.repository.js';
import type { Trx } from '../../platform/db/database.js';

// OWASP's argon2id baseline (19 MiB, 2 iterations); verification stays well under 100 ms here.
const argonOptions = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// Verifying against this when the e-mail is unknown makes both failures take the same time.
const dummyHash = hash('not-a-real-password', argonOptions);

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions);
}

/** Creates a staff account with a password (CLI and demo seed). */
export async function createStaff(trx: Trx, input: { tenantId: string; email: string; name: string; password: string; departments: Array<{ key: string; role: string }> }): Promise<string> {
  if (input.password.length < 12) throw new Error('Staff passwords need at least 12 characters');
  return insertStaff(trx, { ...input, passwordHash: await hashPassword(input.password) });
}

/** Checks e-mail and password; returns the staff id or null, taking the same time either way. */
export async function verifyStaffLogin(db: Db, tenantId: string, email: string, password: string): Promise<string | null> {
  const credentials = await inTransaction(db, { tenantId }, (trx) => findStaffCredentials(trx, email));
  const ok = await verify(credentials?.password_hash ?? (await dummyHash), password).catch(() => false);
  return credentials && ok ? credentials.id : null;
}

/** The signed-in staff member of a request, with their session, or null. */
export async function currentStaff(db: Db, request: FastifyRequest): Promise<{ staff: StaffMember; csrfToken: string } | null> {
  const session = await findSession(db, request);
  if (!session?.staffId) return null;
  const staffId = session.staffId;
  const staff = await inTransaction(db, { tenantId: request.tenant.id }, (trx) => findStaffMember(trx, staffId));
  return staff ? { staff, csrfToken: session.csrfToken } : null;
}

import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction, type Db, type Trx } from '../db/database.js';
import { hashToken, newToken } from '../crypto/tokens.js';

/** Server-side session: the cookie holds only a random id, the database holds its hash. */
export interface Session {
  idHash: string;
  csrfToken: string;
  /** The signed-in staff member: password and second factor verified. */
  staffId: string | null;
  /** Password verified, second factor not yet: may reach only the second-factor pages. */
  pendingStaffId: string | null;
  /** Hashes of receipt tokens: which submissions this browser may see the receipt of. */
  receipts: string[];
}

// __Host- binds the cookie to this exact host, over HTTPS, for path / (no subdomain can set it).
export const sessionCookie = '__Host-rathaus';
const idleMinutes = 30;
const absoluteHours = 12;

/** Who a new session belongs to: nobody yet, a staff member half-way through sign-in, or signed in. */
export type SessionOwner = { staffId?: string; pendingStaffId?: string };

/** The request's session, or null when it has none (or it expired). */
export async function findSession(db: Db, request: FastifyRequest): Promise<Session | null> {
  const token = request.cookies[sessionCookie];
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const idHash = hashToken(token);
  return inTransaction(db, { tenantId: request.tenant.id }, async (trx) => {
    const row = await trx
      .updateTable('sessions')
      .set({ last_seen_at: new Date() })
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', new Date())
      .where('last_seen_at', '>', new Date(Date.now() - idleMinutes * 60_000))
      .returning(['id_hash', 'csrf_token', 'staff_id', 'pending_staff_id', 'receipts'])
      .executeTakeFirst();
    return row ? { idHash: row.id_hash, csrfToken: row.csrf_token, staffId: row.staff_id, pendingStaffId: row.pending_staff_id, receipts: row.receipts } : null;
  });
}

/** The request's session, creating one (and its cookie) if needed. */
export async function ensureSession(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<Session> {
  return (await findSession(db, request)) ?? createSession(db, request, reply);
}

/**
 * Starts a new session, replacing the old one; called at each step of sign-in so a session id
 * known before a step is worthless after it (session fixation).
 */
export async function createSession(db: Db, request: FastifyRequest, reply: FastifyReply, owner: SessionOwner = {}, carry: Pick<Session, 'receipts'> = { receipts: [] }): Promise<Session> {
  const token = newToken();
  const session: Session = { idHash: hashToken(token), csrfToken: newToken(), staffId: owner.staffId ?? null, pendingStaffId: owner.pendingStaffId ?? null, receipts: carry.receipts };
  const old = request.cookies[sessionCookie];
  await inTransaction(db, { tenantId: request.tenant.id }, async (trx) => {
    if (old) await trx.deleteFrom('sessions').where('id_hash', '=', hashToken(old)).execute();
    await trx
      .insertInto('sessions')
      .values({
        tenant_id: request.tenant.id,
        id_hash: session.idHash,
        csrf_token: session.csrfToken,
        staff_id: session.staffId,
        pending_staff_id: session.pendingStaffId,
        receipts: session.receipts,
        expires_at: new Date(Date.now() + absoluteHours * 3_600_000),
      })
      .execute();
  });
  reply.setCookie(sessionCookie, token, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
  return session;
}

/** Ends the session in the database and in the browser. */
export async function destroySession(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = request.cookies[sessionCookie];
  if (token) {
    await inTransaction(db, { tenantId: request.tenant.id }, (trx) => trx.deleteFrom('sessions').where('id_hash', '=', hashToken(token)).execute());
  }
  reply.clearCookie(sessionCookie, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}

/** Deletes the town's sessions that expired (absolute or idle); run periodically. */
export async function deleteExpiredSessions(trx: Trx): Promise<void> {
  await trx
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', new Date()), eb('last_seen_at', '<', new Date(Date.now() - idleMinutes * 60_000))]))
    .execute();
}

/** Remembers that this browser may see a receipt (by the token's hash). */
export async function addReceiptToSession(db: Db, tenantId: string, session: Session, receiptHash: string): Promise<void> {
  session.receipts = [...session.receipts.slice(-19), receiptHash];
  await inTransaction(db, { tenantId }, (trx) =>
    trx.updateTable('sessions').set({ receipts: session.receipts }).where('id_hash', '=', session.idHash).execute());
}

/** True when the submitted CSRF token matches the session's (constant-time). */
export function isValidCsrfToken(session: Pick<Session, 'csrfToken'> | null, submitted: unknown): boolean {
  if (!session || typeof submitted !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}


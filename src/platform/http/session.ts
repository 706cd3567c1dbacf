import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction, type Db, type Trx } from '../db/database.js';
import type { TrustLevel } from '../db/schema.js';
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
  /** The signed-in citizen account. */
  accountId: string | null;
  /** Password verified, the account's second factor not yet. */
  pendingAccountId: string | null;
  /** What the sign-in of the account proved (eIDAS level); null without an account. */
  trustLevel: TrustLevel | null;
  /** When the owner last proved a credential here (sign-in, or the password asked again). */
  authenticatedAt: Date;
}

// __Host- binds the cookie to this exact host, over HTTPS, for path / (no subdomain can set it).
export const sessionCookie = '__Host-rathaus';
const idleMinutes = 30;
const absoluteHours = 12;

/** Who a new session belongs to: nobody yet, a staff member or an account half-way through sign-in, or signed in. */
export type SessionOwner = { staffId?: string; pendingStaffId?: string; accountId?: string; pendingAccountId?: string; trustLevel?: TrustLevel };

/** The session columns a Session is made of. */
const sessionColumns = ['id_hash', 'csrf_token', 'staff_id', 'pending_staff_id', 'receipts', 'account_id', 'pending_account_id', 'trust_level', 'authenticated_at'] as const;

/** Whether a session is still valid: within its absolute lifetime and not idle for too long. */
function isLive(row: { expires_at: Date; last_seen_at: Date }): boolean {
  return row.expires_at.getTime() > Date.now() && row.last_seen_at.getTime() > Date.now() - idleMinutes * 60_000;
}

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
      .returning(sessionColumns)
      .executeTakeFirst();
    return row
      ? {
          idHash: row.id_hash, csrfToken: row.csrf_token, staffId: row.staff_id, pendingStaffId: row.pending_staff_id, receipts: row.receipts,
          accountId: row.account_id, pendingAccountId: row.pending_account_id, trustLevel: row.trust_level, authenticatedAt: row.authenticated_at,
        }
      : null;
  });
}

/** The request's session, creating one (and its cookie) if needed. */
export async function ensureSession(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<Session> {
  return (await findSession(db, request)) ?? createSession(db, request, reply);
}

/**
 * Starts a new session, replacing the old one; called at each step of sign-in so a session id
 * known before a step is worthless after it (session fixation), and at each change of privilege.
 * `carry.authenticatedAt` keeps the time of the last sign-in across such a change (default: now).
 */
export async function createSession(db: Db, request: FastifyRequest, reply: FastifyReply, owner: SessionOwner = {}, carry: Pick<Session, 'receipts'> & { authenticatedAt?: Date } = { receipts: [] }): Promise<Session> {
  const token = newToken();
  const session: Session = {
    idHash: hashToken(token), csrfToken: newToken(), staffId: owner.staffId ?? null, pendingStaffId: owner.pendingStaffId ?? null, receipts: carry.receipts,
    accountId: owner.accountId ?? null, pendingAccountId: owner.pendingAccountId ?? null, trustLevel: owner.accountId ? owner.trustLevel ?? 'low' : null,
    authenticatedAt: carry.authenticatedAt ?? new Date(),
  };
  const old = request.cookies[sessionCookie];
  const oldHash = old ? hashToken(old) : undefined;
  const actor = { tenantId: request.tenant.id, sessionHash: session.idHash, previousSessionHash: oldHash, accountId: session.accountId ?? undefined };
  await inTransaction(db, actor, async (trx) => {
    const replaced = oldHash
      ? await trx.deleteFrom('sessions').where('id_hash', '=', oldHash).returning(['expires_at', 'last_seen_at']).executeTakeFirst()
      : undefined;
    await trx
      .insertInto('sessions')
      .values({
        tenant_id: request.tenant.id,
        id_hash: session.idHash,
        csrf_token: session.csrfToken,
        staff_id: session.staffId,
        pending_staff_id: session.pendingStaffId,
        receipts: session.receipts,
        account_id: session.accountId,
        pending_account_id: session.pendingAccountId,
        trust_level: session.trustLevel,
        // Shown on the account's list of sessions, so the owner can tell them apart.
        user_agent: session.accountId ? (request.headers['user-agent'] ?? '').slice(0, 200) || null : null,
        authenticated_at: session.authenticatedAt,
        expires_at: new Date(Date.now() + absoluteHours * 3_600_000),
      })
      .execute();
    // The forms the browser started follow it into the new session, and into the account that signs
    // in (ADR 0019); not from a session that had ended, whose drafts nobody may reach any more.
    if (replaced && isLive(replaced)) {
      await trx.updateTable('drafts').set({ session_hash: session.idHash, account_id: session.accountId })
        .where('session_hash', '=', oldHash!).where('account_id', 'is', null).execute();
    }
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

/** A signed-in session of an account, as its owner sees it in the list of sessions. */
export interface AccountSession {
  publicId: string;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  trustLevel: TrustLevel | null;
  current: boolean;
}

/** The account's sessions that are still valid, the newest activity first. */
export async function listAccountSessions(trx: Trx, accountId: string, current: Session): Promise<AccountSession[]> {
  const rows = await trx
    .selectFrom('sessions')
    .select(['public_id', 'id_hash', 'user_agent', 'created_at', 'last_seen_at', 'trust_level'])
    .where('account_id', '=', accountId)
    .where('expires_at', '>', new Date())
    .where('last_seen_at', '>', new Date(Date.now() - idleMinutes * 60_000))
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((r) => ({ publicId: r.public_id, userAgent: r.user_agent, createdAt: r.created_at, lastSeenAt: r.last_seen_at, trustLevel: r.trust_level, current: r.id_hash === current.idHash }));
}

/**
 * Ends sessions of an account: one by its public id, or all (sign out everywhere, password change)
 * except the one given. Returns how many ended.
 */
export async function endAccountSessions(trx: Trx, accountId: string, which: { publicId: string } | { except: Session | null }): Promise<number> {
  let query = trx.deleteFrom('sessions').where((eb) => eb.or([eb('account_id', '=', accountId), eb('pending_account_id', '=', accountId)]));
  if ('publicId' in which) query = query.where('public_id', '=', which.publicId);
  else if (which.except) query = query.where('id_hash', '!=', which.except.idHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
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


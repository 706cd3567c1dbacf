import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { findSession, isValidCsrfToken, type Session } from '../../platform/http/session.js';
import type { PageContext } from '../../platform/views/layout.js';
import type { Account } from './account.js';
import { findAccount } from './accounts.repository.js';

/** A signed-in citizen with their session and the page context of the request. */
export interface SignedInAccount {
  account: Account;
  session: Session;
  ctx: PageContext;
}

/** Where to go after sign-in: a path of this portal only (no other host, no scheme). */
export function safeNextPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 500 ? value : '/konto';
}

/** The signed-in account of a request, or null. */
export async function currentAccount(db: Db, request: FastifyRequest): Promise<SignedInAccount | null> {
  const session = await findSession(db, request);
  if (!session?.accountId) return null;
  const accountId = session.accountId;
  const account = await inTransaction(db, { tenantId: request.tenant.id, accountId }, (trx) => findAccount(trx, accountId));
  if (!account) return null;
  return { account, session, ctx: { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session.csrfToken } };
}

/**
 * For an account page: the signed-in account, or null after redirecting to the sign-in (which
 * comes back here). Account pages are never cached: they show personal data.
 */
export async function requireAccount(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<SignedInAccount | null> {
  const signedIn = await currentAccount(db, request);
  if (!signedIn) {
    const back = request.method === 'GET' ? request.url : '/konto';
    reply.redirect(back === '/konto' ? '/konto/anmelden' : `/konto/anmelden?weiter=${encodeURIComponent(back)}`, 303);
    return null;
  }
  reply.header('cache-control', 'no-store');
  return signedIn;
}

/** For a form post of an account page: the signed-in account whose CSRF token matches, or null (redirected or 403). */
export async function requireAccountForm(db: Db, request: FastifyRequest<{ Body: Record<string, unknown> | undefined }>, reply: FastifyReply): Promise<SignedInAccount | null> {
  const signedIn = await requireAccount(db, request, reply);
  if (!signedIn) return null;
  if (!isValidCsrfToken(signedIn.session, request.body?._csrf)) {
    sendErrorPage(request, reply, 403);
    return null;
  }
  return signedIn;
}

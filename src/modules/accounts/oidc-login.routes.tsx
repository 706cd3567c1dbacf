import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { ModuleDeps } from '../../app.js';
import { beginOidcSignIn, finishOidcSignIn, oidcFailureMessages, OidcSignInError, redirectUriFor, type OidcSignIn } from '../../platform/auth/oidc.js';
import { loadTotpKey } from '../../platform/crypto/secret-box.js';
import type { Db } from '../../platform/db/database.js';
import { trustLevels } from '../../platform/db/schema.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { createSession, ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import { requireAccount, safeNextPath, type SignedInAccount } from './account-session.js';
import { acrValuesFor, findAccountIdp, findAccountIdpName, findIdpLinkState, resolveIdpIdentity, unlinkIdp, type AccountIdp } from './oidc-login.js';
import { accountIdpPaths, IdpRefusalPage, IdpSecuritySection, IdpSignInLink, type IdpRefusal } from './views/oidc-pages.js';

type QueryRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;

// Each start and each callback costs the IdP (and us) a round trip; people sign in a few times a day.
const signInLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

// What the security page's section says after a redirect, by the value of ?idp= (never a text).
const sectionNotices = { verknuepft: 'linked', aufgehoben: 'unlinked', 'einziger-weg': 'onlyWayIn' } as const;

/** "Sign in with <IdP>" for the sign-in page, or null in a town without a citizen IdP. */
export async function idpSignInLink(db: Db, request: FastifyRequest, next: string): Promise<VNode | null> {
  const idpName = await findAccountIdpName(db, request.tenant.id);
  return idpName ? <IdpSignInLink lang={request.lang} idpName={idpName} next={next} /> : null;
}

/** The security page's section on the town's IdP (link, unlink), or null in a town without one. */
export async function idpSecuritySection(db: Db, request: FastifyRequest, signedIn: SignedInAccount): Promise<VNode | null> {
  const state = await findIdpLinkState(db, request.tenant.id, signedIn.account.id);
  if (!state) return null;
  const shown = (request.query as Record<string, unknown> | undefined)?.idp;
  const notice = Object.entries(sectionNotices).find(([value]) => value === shown)?.[1];
  return <IdpSecuritySection ctx={signedIn.ctx} idpName={state.idpName} linkedAt={state.linkedAt} canUnlink={signedIn.account.hasPassword} notice={notice} />;
}

/**
 * Citizen sign-in through the town's IdP (ADR 0018): the start (asking for a trust level when a
 * service needs one), the IdP's answer, and removing the link; 404 in a town without an IdP.
 */
export async function accountOidcRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const key = await loadTotpKey(deps.config);

  /** The refusal page; the log gets the reason only (no subject, e-mail or response parameters). */
  function refuse(request: FastifyRequest, reply: FastifyReply, idp: AccountIdp, kind: IdpRefusal, reason: string, next: string, idpError?: string) {
    request.log.warn({ reason, idpError }, 'citizen sign-in through the IdP refused');
    const status = kind === 'unavailable' ? 502 : ['flow', 'cancelled', 'invalid'].includes(kind) ? 400 : 403;
    // The path of the sign-in page, not this one: the language switch must not carry code and state.
    const ctx = { lang: request.lang, path: '/konto/anmelden', townName: request.tenant.name };
    return sendPage(reply, <IdpRefusalPage ctx={ctx} kind={kind} idpName={idp.displayName} next={next} />, status);
  }

  app.get(accountIdpPaths.start, { config: signInLimit }, async (request: QueryRequest, reply) => {
    const idp = await findAccountIdp(db, key, request.tenant.id);
    if (!idp) return sendErrorPage(request, reply, 404);
    reply.header('cache-control', 'no-store');
    const next = safeNextPath(request.query.weiter);
    const level = trustLevels.find((l) => l === request.query.stufe);
    const session = await ensureSession(db, request, reply);
    try {
      const url = await beginOidcSignIn(db, { tenantId: request.tenant.id, sessionHash: session.idHash }, 'account_sign_in', idp, {
        redirectUri: redirectUriFor(request, accountIdpPaths.callback),
        // The e-mail address for a new account; name, address and the like are the person's to give in forms.
        scope: 'openid email',
        acrValues: level ? acrValuesFor(level, idp.acrLevels) : undefined,
        returnTo: next,
      });
      return reply.redirect(url.href, 303);
    } catch (error) {
      if (error instanceof OidcSignInError) return refuse(request, reply, idp, oidcFailureMessages[error.reason], error.reason, next);
      throw error;
    }
  });

  app.get(accountIdpPaths.callback, { config: signInLimit }, async (request, reply) => {
    const idp = await findAccountIdp(db, key, request.tenant.id);
    if (!idp) return sendErrorPage(request, reply, 404);
    reply.header('cache-control', 'no-store');
    const session = await findSession(db, request);
    if (!session) return refuse(request, reply, idp, 'flow', 'no_session', '/konto');
    let signIn: OidcSignIn;
    try {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      signIn = await finishOidcSignIn(db, { tenantId: request.tenant.id, sessionHash: session.idHash }, 'account_sign_in', idp, query, { emailFromUserInfo: true });
    } catch (error) {
      if (error instanceof OidcSignInError) return refuse(request, reply, idp, oidcFailureMessages[error.reason], error.reason, '/konto', error.idpError);
      throw error;
    }
    const next = safeNextPath(signIn.returnTo);
    const signedIn = session.accountId ? { accountId: session.accountId, trustLevel: session.trustLevel } : null;
    const outcome = await resolveIdpIdentity(db, request.tenant.id, idp, signIn, { signedIn, language: request.lang });
    if (outcome.kind !== 'signedIn') return refuse(request, reply, idp, outcome.kind, outcome.kind, next);
    // A new session id at every sign-in and step-up (session fixation); the browser's receipts stay.
    await createSession(db, request, reply, { accountId: outcome.accountId, trustLevel: outcome.trustLevel }, { receipts: session.receipts });
    return reply.redirect(next, 303);
  });

  app.post(accountIdpPaths.unlink, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    if (!isValidCsrfToken(signedIn.session, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    const result = await unlinkIdp(db, request.tenant.id, signedIn.account);
    if (result === 'notLinked') return sendErrorPage(request, reply, 404);
    return reply.redirect(`/konto/sicherheit?idp=${result === 'unlinked' ? 'aufgehoben' : 'einziger-weg'}`, 303);
  });
}

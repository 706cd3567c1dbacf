import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { beginOidcSignIn, finishOidcSignIn, oidcFailureMessages, OidcSignInError, redirectUriFor, type OidcIdentity } from '../../platform/auth/oidc.js';
import { loadTotpKey } from '../../platform/crypto/secret-box.js';
import { inTransaction } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { createSession, ensureSession, findSession } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import { recordAudit } from '../audit/index.js';
import { findStaffForIdentity, findStaffIdp, idpAssertsMfa, type StaffIdp } from './oidc-login.js';
import { findSecondFactorState } from './staff.service.js';
import { IdpFailurePage, idpSignInPath, type IdpFailureKind } from './views/oidc-pages.js';

const callbackPath = `${idpSignInPath}/callback`;
// Each start and each callback costs the IdP (and us) a round trip; people sign in a few times a day.
const signInLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

/** What the IdP said about how the person signed in, for the audit log. */
const assurance = (identity: OidcIdentity) => ({ amr: identity.amr.join(' '), acr: identity.acr ?? '' });

/** Staff sign-in through the town's own OpenID Connect IdP; 404 for a town without one. */
export async function staffOidcRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const key = await loadTotpKey(deps.config);

  /** The refusal page; the log gets the reason only (no subject, e-mail or response parameters). */
  function refuse(request: FastifyRequest, reply: FastifyReply, idp: StaffIdp, kind: IdpFailureKind, reason: string, idpError?: string) {
    request.log.warn({ reason, idpError }, 'staff sign-in through the IdP refused');
    const status = kind === 'unavailable' ? 502 : kind === 'unknown' ? 403 : 400;
    // The path of the sign-in page, not this one: the language switch must not carry code and state.
    const ctx = { lang: request.lang, path: '/verwaltung/anmelden', townName: request.tenant.name };
    return sendPage(reply, <IdpFailurePage ctx={ctx} kind={kind} idpName={idp.displayName} />, status);
  }

  app.get(idpSignInPath, { config: signInLimit }, async (request, reply) => {
    const idp = await findStaffIdp(db, key, request.tenant.id);
    if (!idp) return sendErrorPage(request, reply, 404);
    reply.header('cache-control', 'no-store');
    const session = await ensureSession(db, request, reply);
    try {
      const url = await beginOidcSignIn(db, { tenantId: request.tenant.id, sessionHash: session.idHash }, 'staff_sign_in', idp, {
        redirectUri: redirectUriFor(request, callbackPath),
        // The e-mail address only for linking on first sign-in; name and roles come from Rathaus.
        scope: 'openid email',
      });
      return reply.redirect(url.href, 303);
    } catch (error) {
      if (error instanceof OidcSignInError) return refuse(request, reply, idp, oidcFailureMessages[error.reason], error.reason);
      throw error;
    }
  });

  app.get(callbackPath, { config: signInLimit }, async (request, reply) => {
    const idp = await findStaffIdp(db, key, request.tenant.id);
    if (!idp) return sendErrorPage(request, reply, 404);
    reply.header('cache-control', 'no-store');
    const session = await findSession(db, request);
    if (!session) return refuse(request, reply, idp, 'flow', 'no_session');
    let identity: OidcIdentity;
    try {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      identity = await finishOidcSignIn(db, { tenantId: request.tenant.id, sessionHash: session.idHash }, 'staff_sign_in', idp, query, {
        emailFromUserInfo: idp.linkByEmail,
      });
    } catch (error) {
      if (error instanceof OidcSignInError) return refuse(request, reply, idp, oidcFailureMessages[error.reason], error.reason, error.idpError);
      throw error;
    }
    const staffId = await findStaffForIdentity(db, request.tenant.id, idp, identity);
    if (!staffId) return refuse(request, reply, idp, 'unknown', 'no_linked_account');

    if (idpAssertsMfa(identity, idp.mfaAcrValues)) {
      // The IdP's second factor stands in for Rathaus's TOTP; a new session id (session fixation).
      await createSession(db, request, reply, { staffId });
      await inTransaction(db, { tenantId: request.tenant.id }, (trx) =>
        recordAudit(trx, { tenantId: request.tenant.id, actor: `staff:${staffId}`, action: 'staff.login', subject: `staff:${staffId}`, details: { method: 'idp', secondFactor: 'idp', ...assurance(identity) } }));
      return reply.redirect('/verwaltung', 303);
    }
    // Only the first factor: on to Rathaus's own second factor, as after the password.
    await createSession(db, request, reply, { pendingStaffId: staffId });
    await inTransaction(db, { tenantId: request.tenant.id }, (trx) =>
      recordAudit(trx, { tenantId: request.tenant.id, actor: `staff:${staffId}`, action: 'staff.idp_first_factor', subject: `staff:${staffId}`, details: assurance(identity) }));
    const state = await findSecondFactorState(db, request.tenant.id, staffId);
    return reply.redirect(state.enrolled ? '/verwaltung/anmelden/code' : '/verwaltung/anmelden/einrichten', 303);
  });
}

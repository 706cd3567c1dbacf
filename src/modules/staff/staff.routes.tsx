import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { loadTotpKey } from '../../platform/crypto/secret-box.js';
import { inTransaction } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { createSession, destroySession, ensureSession, findSession, isValidCsrfToken, type Session } from '../../platform/http/session.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import {
  CancelSignIn, lockedMessage, readRecoveryCode, readTotpCode, RecoveryCodeSignInPage, RecoveryCodesPage, refusalMessage, TotpCodePage, TotpEnrolPage,
} from '../../platform/views/second-factor.js';
import { qrCodeSvg, totpUri } from '../../platform/auth/totp.js';
import { recordAudit } from '../audit/index.js';
import { findStaffIdpName } from './oidc-login.js';
import {
  confirmTotpEnrolment, findSecondFactorState, redeemRecoveryCode, startTotpEnrolment, verifyStaffLogin, verifyTotpCode, type SecondFactorState,
} from './staff.service.js';
import { t } from './staff.i18n.js';
import { LoginPage } from './views/login-page.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown> }>;

/** A clerk between password and second factor. */
interface PendingSignIn {
  staffId: string;
  state: SecondFactorState;
  ctx: PageContext;
}

const enrolPath = '/verwaltung/anmelden/einrichten';
const codePath = '/verwaltung/anmelden/code';
const recoveryPath = '/verwaltung/anmelden/wiederherstellung';
// Per client; the lock after five wrong codes protects each account whatever the address.
const signInLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

function pageContext(request: FastifyRequest, csrfToken: string): PageContext {
  return { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken };
}

/** Lets a half-signed-in clerk give up and start again (ends the session). */
const cancel = (ctx: PageContext) => <CancelSignIn ctx={ctx} action="/verwaltung/abmelden" />;

/** Staff sign-in (password, then TOTP or a recovery code) and sign-out under /verwaltung. */
export async function staffRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const totpKey = await loadTotpKey(deps.config);

  /**
   * The half-signed-in clerk of a request; anyone else is sent to the password step. A form post
   * passes its body, whose CSRF token must match.
   */
  async function pendingSignIn(request: FastifyRequest, reply: FastifyReply, form?: Record<string, unknown>): Promise<PendingSignIn | null> {
    const session = await findSession(db, request);
    if (!session?.pendingStaffId) {
      reply.redirect('/verwaltung/anmelden', 303);
      return null;
    }
    if (form && !isValidCsrfToken(session, form._csrf)) {
      sendErrorPage(request, reply, 403);
      return null;
    }
    reply.header('cache-control', 'no-store');
    const state = await findSecondFactorState(db, request.tenant.id, session.pendingStaffId);
    return { staffId: session.pendingStaffId, state, ctx: pageContext(request, session.csrfToken) };
  }

  /** Second factor passed: a new session id for the signed-in clerk (session fixation). */
  async function completeSignIn(request: FastifyRequest, reply: FastifyReply, staffId: string, secondFactor: 'totp' | 'recovery_code'): Promise<Session> {
    const session = await createSession(db, request, reply, { staffId });
    await inTransaction(db, { tenantId: request.tenant.id }, (trx) =>
      recordAudit(trx, { tenantId: request.tenant.id, actor: `staff:${staffId}`, action: 'staff.login', subject: `staff:${staffId}`, details: { secondFactor } }));
    return session;
  }

  async function sendEnrolPage(request: FastifyRequest, reply: FastifyReply, pending: PendingSignIn, errors: FieldErrors, status = 200) {
    const enrolment = await startTotpEnrolment(db, totpKey, request.tenant.id, pending.staffId);
    if (!enrolment) return reply.redirect(codePath, 303);
    const issuer = request.tenant.name;
    const qrSvg = await qrCodeSvg(totpUri(issuer, enrolment.label, enrolment.secret));
    return sendPage(reply, (
      <TotpEnrolPage ctx={pending.ctx} action={enrolPath} intro={t(pending.ctx.lang, 'enrolIntro')} qrSvg={qrSvg} secret={enrolment.secret} issuer={issuer} label={enrolment.label} errors={errors} wayOut={cancel(pending.ctx)} />
    ), status);
  }

  const codePage = (request: FastifyRequest, pending: PendingSignIn, errors: FieldErrors) =>
    <TotpCodePage ctx={pending.ctx} action={codePath} recoveryHref={recoveryPath} issuer={request.tenant.name} errors={errors} wayOut={cancel(pending.ctx)} />;
  const recoveryPage = (pending: PendingSignIn, errors: FieldErrors) =>
    <RecoveryCodeSignInPage ctx={pending.ctx} action={recoveryPath} codeHref={codePath} intro={t(pending.ctx.lang, 'recoveryIntro')} errors={errors} wayOut={cancel(pending.ctx)} />;

  /** A page visited while the lock lasts says so at once. */
  const lockErrors = (pending: PendingSignIn, field: string): FieldErrors =>
    pending.state.lockedUntil ? { [field]: lockedMessage(pending.ctx.lang, pending.state.lockedUntil) } : {};

  app.get('/verwaltung/anmelden', async (request, reply) => {
    const session = await ensureSession(db, request, reply);
    reply.header('cache-control', 'no-store');
    if (session.pendingStaffId) {
      const state = await findSecondFactorState(db, request.tenant.id, session.pendingStaffId);
      return reply.redirect(state.enrolled ? codePath : enrolPath, 303);
    }
    const idpName = await findStaffIdpName(db, request.tenant.id);
    return sendPage(reply, <LoginPage ctx={pageContext(request, session.csrfToken)} email="" errors={{}} idpName={idpName} />);
  });

  app.post('/verwaltung/anmelden', { config: signInLimit }, async (request: FormRequest, reply) => {
    const session = await findSession(db, request);
    const body = request.body ?? {};
    if (!isValidCsrfToken(session, body._csrf)) return sendErrorPage(request, reply, 403);
    const email = typeof body.email === 'string' ? body.email.trim().slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const errors: FieldErrors = {};
    if (!email) errors.email = t(request.lang, 'emailRequired');
    if (!password) errors.password = t(request.lang, 'passwordRequired');
    const staffId = Object.keys(errors).length === 0 ? await verifyStaffLogin(db, request.tenant.id, email, password) : null;
    if (!staffId) {
      if (Object.keys(errors).length === 0) errors.email = t(request.lang, 'loginFailed');
      const idpName = await findStaffIdpName(db, request.tenant.id);
      return sendPage(reply, <LoginPage ctx={pageContext(request, session!.csrfToken)} email={email} errors={errors} idpName={idpName} />, 422);
    }
    // Only half signed in: no staff page opens before the second factor.
    await createSession(db, request, reply, { pendingStaffId: staffId });
    const state = await findSecondFactorState(db, request.tenant.id, staffId);
    return reply.redirect(state.enrolled ? codePath : enrolPath, 303);
  });

  app.get(enrolPath, async (request, reply) => {
    const pending = await pendingSignIn(request, reply);
    if (!pending) return reply;
    return sendEnrolPage(request, reply, pending, lockErrors(pending, 'code'));
  });

  app.post(enrolPath, { config: signInLimit }, async (request: FormRequest, reply) => {
    const pending = await pendingSignIn(request, reply, request.body ?? {});
    if (!pending) return reply;
    if (pending.state.enrolled) return reply.redirect(codePath, 303);
    const input = readTotpCode(pending.ctx.lang, request.body ?? {});
    if ('error' in input) return sendEnrolPage(request, reply, pending, { code: input.error }, 422);
    const { result, recoveryCodes } = await confirmTotpEnrolment(db, totpKey, request.tenant.id, pending.staffId, input.code);
    if (result !== 'accepted') {
      const state = await findSecondFactorState(db, request.tenant.id, pending.staffId);
      return sendEnrolPage(request, reply, pending, { code: refusalMessage(pending.ctx.lang, result, state.lockedUntil, 'code') }, 422);
    }
    const session = await completeSignIn(request, reply, pending.staffId, 'totp');
    // Answered here rather than after a redirect: the codes are stored hashed, so no later page could show them.
    return sendPage(reply, <RecoveryCodesPage ctx={pageContext(request, session.csrfToken)} codes={recoveryCodes} next={{ href: '/verwaltung', label: t(request.lang, 'continueToInbox') }} />);
  });

  app.get(codePath, async (request, reply) => {
    const pending = await pendingSignIn(request, reply);
    if (!pending) return reply;
    if (!pending.state.enrolled) return reply.redirect(enrolPath, 303);
    return sendPage(reply, codePage(request, pending, lockErrors(pending, 'code')));
  });

  app.post(codePath, { config: signInLimit }, async (request: FormRequest, reply) => {
    const pending = await pendingSignIn(request, reply, request.body ?? {});
    if (!pending) return reply;
    if (!pending.state.enrolled) return reply.redirect(enrolPath, 303);
    const input = readTotpCode(pending.ctx.lang, request.body ?? {});
    const result = 'error' in input ? null : await verifyTotpCode(db, totpKey, request.tenant.id, pending.staffId, input.code);
    if (result === 'accepted') {
      await completeSignIn(request, reply, pending.staffId, 'totp');
      return reply.redirect('/verwaltung', 303);
    }
    const state = await findSecondFactorState(db, request.tenant.id, pending.staffId);
    const error = 'error' in input ? input.error : refusalMessage(pending.ctx.lang, result!, state.lockedUntil, 'code');
    return sendPage(reply, codePage(request, pending, { code: error }), 422);
  });

  app.get(recoveryPath, async (request, reply) => {
    const pending = await pendingSignIn(request, reply);
    if (!pending) return reply;
    if (!pending.state.enrolled) return reply.redirect(enrolPath, 303);
    return sendPage(reply, recoveryPage(pending, lockErrors(pending, 'recoveryCode')));
  });

  app.post(recoveryPath, { config: signInLimit }, async (request: FormRequest, reply) => {
    const pending = await pendingSignIn(request, reply, request.body ?? {});
    if (!pending) return reply;
    if (!pending.state.enrolled) return reply.redirect(enrolPath, 303);
    const input = readRecoveryCode(pending.ctx.lang, request.body ?? {});
    const result = 'code' in input ? await redeemRecoveryCode(db, request.tenant.id, pending.staffId, input.code) : null;
    if (result === 'accepted') {
      await completeSignIn(request, reply, pending.staffId, 'recovery_code');
      return reply.redirect('/verwaltung', 303);
    }
    const state = await findSecondFactorState(db, request.tenant.id, pending.staffId);
    const error = 'error' in input ? input.error : refusalMessage(pending.ctx.lang, result!, state.lockedUntil, 'recoveryCode');
    return sendPage(reply, recoveryPage(pending, { recoveryCode: error }), 422);
  });

  app.post('/verwaltung/abmelden', async (request: FormRequest, reply) => {
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, request.body?._csrf)) return sendErrorPage(request, reply, 403);
    await destroySession(db, request, reply);
    return reply.redirect('/verwaltung/anmelden', 303);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { createSession, destroySession, endAccountSessions, ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { formatDate, type Lang } from '../../platform/i18n/i18n.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import { MessagePage } from '../../platform/views/message-page.js';
import type { PageContext } from '../../platform/views/layout.js';
import { recordAudit } from '../audit/index.js';
import { postboxArea } from '../postbox/index.js';
import { isLinkToken, maxPasswordLength, minPasswordLength, normalizeEmail, type passwordProblem } from './account.js';
import { accountPaths } from './account-mail.js';
import { requireAccount, requireAccountForm, safeNextPath, type SignedInAccount } from './account-session.js';
import { changePassword, confirmEmail, registerAccount, requestPasswordReset, resetPassword, signInWithPassword } from './accounts.service.js';
import { findSecondFactorState } from '../../platform/auth/second-factor.js';
import { accountTotpOwner } from './second-factor.service.js';
import { sendSecurityPage as sendSecurityPageWithMethods, signInMethodNotice } from './security-page.js';
import { signInMethodPaths, withNext } from './sign-in-methods.js';
import { PasskeySignIn } from './views/sign-in-method-pages.js';
import { t } from './accounts.i18n.js';
import { idpSignInLink } from './oidc-login.routes.js';
import {
  AccountPage, ConfirmPage, ForgotPasswordPage, LoginPage, RegisterPage, RegisterSentPage, ResetPasswordPage,
} from './views/account-pages.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown>; Querystring: Record<string, unknown> }>;
type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

// Per client; the back-off of login-throttle.ts protects each address whatever the client.
const formLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } };

/** Notices shown after a redirect, by key (the query names a key, never a text). */
const notices = ['loggedOut', 'confirmedText', 'resetDoneText', 'sessionEnded', 'passwordChanged'] as const;

function notice(lang: Lang, query: Record<string, unknown>): string | undefined {
  const key = notices.find((n) => n === query.hinweis);
  return key ? t(lang, key) : undefined;
}

function pageContext(request: FastifyRequest, csrfToken: string): PageContext {
  return { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken };
}

function text(body: Record<string, unknown>, name: string, max: number): string {
  const value = body[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** The message for a password the rules refuse. */
function passwordMessage(lang: Lang, problem: NonNullable<ReturnType<typeof passwordProblem>>): string {
  switch (problem) {
    case 'tooShort': return t(lang, 'passwordTooShort', { min: minPasswordLength });
    case 'tooLong': return t(lang, 'passwordTooLong', { max: maxPasswordLength });
    case 'common': return t(lang, 'passwordCommon');
    case 'containsEmail': return t(lang, 'passwordContainsEmail');
  }
}

/** The e-mail address typed, or the message saying what is wrong with it. */
function readEmail(lang: Lang, body: Record<string, unknown>): { email: string; typed: string } | { error: string; typed: string } {
  const typed = text(body, 'email', 300).trim();
  if (!typed) return { error: t(lang, 'emailRequired'), typed };
  const email = normalizeEmail(typed);
  return email ? { email, typed } : { error: t(lang, 'emailInvalid'), typed };
}

/** Citizen accounts: registration, confirmation, sign-in and out, password reset, sessions. */
export async function accountRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  /** The session of a form post whose CSRF token matches, or null after answering 403. */
  async function postedSession(request: FormRequest | TokenRequest, reply: FastifyReply) {
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, request.body?._csrf)) {
      sendErrorPage(request, reply, 403);
      return null;
    }
    reply.header('cache-control', 'no-store');
    return session!;
  }

  async function formContext(request: FastifyRequest, reply: FastifyReply): Promise<PageContext> {
    const session = await ensureSession(db, request, reply);
    reply.header('cache-control', 'no-store');
    return pageContext(request, session.csrfToken);
  }

  app.get('/konto/registrieren', async (request, reply) => sendPage(reply, <RegisterPage ctx={await formContext(request, reply)} email="" errors={{}} />));

  app.post('/konto/registrieren', { config: formLimit }, async (request: FormRequest, reply) => {
    const session = await postedSession(request, reply);
    if (!session) return reply;
    const { lang } = request;
    const body = request.body ?? {};
    const input = readEmail(lang, body);
    const password = text(body, 'password', maxPasswordLength + 1);
    const errors: FieldErrors = {};
    if ('error' in input) errors.email = input.error;
    if (!password) errors.password = t(lang, 'passwordRequired');
    if ('email' in input && password) {
      const result = await registerAccount(db, request.tenant.id, { email: input.email, password, language: lang });
      if (result.ok) {
        deps.jobs.kick();
        return sendPage(reply, <RegisterSentPage ctx={pageContext(request, session.csrfToken)} email={input.email} />);
      }
      errors.password = passwordMessage(lang, result.problem);
    }
    return sendPage(reply, <RegisterPage ctx={pageContext(request, session.csrfToken)} email={input.typed} errors={errors} />, 422);
  });

  const invalidLink = (request: FastifyRequest, reply: FastifyReply, ctx: PageContext) =>
    sendPage(reply, <MessagePage ctx={ctx} title={t(request.lang, 'linkInvalidTitle')} text={t(request.lang, 'linkInvalidText')} link={{ href: accountPaths.login, label: t(request.lang, 'loginTitle') }} />, 404);

  app.get(`${accountPaths.confirm}/:token`, async (request: TokenRequest, reply) => {
    const ctx = await formContext(request, reply);
    if (!isLinkToken(request.params.token)) return invalidLink(request, reply, ctx);
    return sendPage(reply, <ConfirmPage ctx={ctx} token={request.params.token} />);
  });

  app.post(`${accountPaths.confirm}/:token`, { config: formLimit }, async (request: TokenRequest, reply) => {
    const session = await postedSession(request, reply);
    if (!session) return reply;
    const ok = isLinkToken(request.params.token) && (await confirmEmail(db, request.tenant.id, request.params.token));
    if (!ok) return invalidLink(request, reply, pageContext(request, session.csrfToken));
    return reply.redirect(`${accountPaths.login}?hinweis=confirmedText`, 303);
  });

  app.get(accountPaths.login, async (request: FormRequest, reply) => {
    const ctx = await formContext(request, reply);
    const next = safeNextPath(request.query.weiter);
    return sendPage(reply, <LoginPage ctx={ctx} email="" next={next} errors={{}} notice={notice(request.lang, request.query)}>{await idpSignInLink(db, request, next)}<PasskeySignIn ctx={ctx} next={next} /></LoginPage>);
  });

  app.post(accountPaths.login, { config: formLimit }, async (request: FormRequest, reply) => {
    const session = await postedSession(request, reply);
    if (!session) return reply;
    const { lang } = request;
    const body = request.body ?? {};
    const next = safeNextPath(request.query.weiter);
    const input = readEmail(lang, body);
    const password = text(body, 'password', maxPasswordLength);
    const errors: FieldErrors = {};
    if ('error' in input) errors.email = input.error;
    if (!password) errors.password = t(lang, 'passwordRequired');
    if ('email' in input && password) {
      const result = await signInWithPassword(db, request.tenant.id, { email: input.email, password, clientAddress: request.ip });
      if (result.kind === 'signedIn') {
        // With TOTP on, only half signed in until the code (sign-in-methods.routes.tsx).
        const secondFactor = await findSecondFactorState(db, accountTotpOwner(request.tenant.id, result.accountId));
        // A new session id at sign-in (session fixation); the receipts of this browser stay with it.
        await createSession(db, request, reply, secondFactor.enrolled ? { pendingAccountId: result.accountId } : { accountId: result.accountId, trustLevel: 'low' }, { receipts: session.receipts });
        return reply.redirect(secondFactor.enrolled ? withNext(signInMethodPaths.code, next) : next, 303);
      }
      errors.email = result.kind === 'blocked' ? t(lang, 'loginBlocked', { time: formatDate(result.until, lang, true) })
        : result.kind === 'unverified' ? t(lang, 'loginUnverified')
        : t(lang, 'loginFailed');
    }
    const ctx = pageContext(request, session.csrfToken);
    return sendPage(reply, <LoginPage ctx={ctx} email={input.typed} next={next} errors={errors}>{await idpSignInLink(db, request, next)}<PasskeySignIn ctx={ctx} next={next} /></LoginPage>, errors.email && !('error' in input) ? 401 : 422);
  });

  app.post('/konto/abmelden', async (request: FormRequest, reply) => {
    const session = await postedSession(request, reply);
    if (!session) return reply;
    await destroySession(db, request, reply);
    return reply.redirect(`${accountPaths.login}?hinweis=loggedOut`, 303);
  });

  app.get(accountPaths.forgot, async (request, reply) => sendPage(reply, <ForgotPasswordPage ctx={await formContext(request, reply)} email="" errors={{}} />));

  app.post(accountPaths.forgot, { config: formLimit }, async (request: FormRequest, reply) => {
    const session = await postedSession(request, reply);
    if (!session) return reply;
    const { lang } = request;
    const input = readEmail(lang, request.body ?? {});
    const ctx = pageContext(request, session.csrfToken);
    if ('error' in input) return sendPage(reply, <ForgotPasswordPage ctx={ctx} email={input.typed} errors={{ email: input.error }} />, 422);
    await requestPasswordReset(db, request.tenant.id, input.email);
    deps.jobs.kick();
    return sendPage(reply, <MessagePage ctx={ctx} title={t(lang, 'forgotSentTitle')} text={t(lang, 'forgotSentText', { email: input.email })} />);
  });

  app.get(`${accountPaths.reset}/:token`, async (request: TokenRequest, reply) => {
    const ctx = await formContext(request, reply);
    if (!isLinkToken(request.params.token)) return invalidLink(request, reply, ctx);
    return sendPage(reply, <ResetPasswordPage ctx={ctx} token={request.params.token} errors={{}} />);
  });

  app.post(`${accountPaths.reset}/:token`, { config: formLimit }, async (request: TokenRequest, reply) => {
    const session = await postedSession(request, reply);
    if (!session) return reply;
    const { lang } = request;
    const { token } = request.params;
    const ctx = pageContext(request, session.csrfToken);
    const password = text(request.body ?? {}, 'password', maxPasswordLength + 1);
    if (!password) return sendPage(reply, <ResetPasswordPage ctx={ctx} token={token} errors={{ password: t(lang, 'passwordRequired') }} />, 422);
    const result = isLinkToken(token) ? await resetPassword(db, request.tenant.id, token, password) : { ok: false as const, problem: 'invalidLink' as const };
    if (result.ok) {
      await destroySession(db, request, reply);
      return reply.redirect(`${accountPaths.login}?hinweis=resetDoneText`, 303);
    }
    if (result.problem === 'invalidLink') return invalidLink(request, reply, ctx);
    return sendPage(reply, <ResetPasswordPage ctx={ctx} token={token} errors={{ password: passwordMessage(lang, result.problem) }} />, 422);
  });

  app.get('/konto', async (request: FormRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const { lang } = signedIn.ctx;
    const areas = [
      { href: '/konto/antraege', label: t(lang, 'applicationsTitle'), description: t(lang, 'applicationsIntro') },
      await postboxArea(db, { tenantId: request.tenant.id, accountId: signedIn.account.id }, lang),
      { href: '/konto/profil', label: t(lang, 'profileTitle'), description: t(lang, 'profileArea') },
      { href: '/konto/dokumente', label: t(lang, 'documentsTitle'), description: t(lang, 'documentsArea') },
      { href: '/konto/sicherheit', label: t(lang, 'securityTitle'), description: t(lang, 'sessionsIntro') },
      { href: '/konto/organisationen', label: t(lang, 'organisationsTitle'), description: t(lang, 'organisationsAreaDescription') },
      { href: '/konto/daten', label: t(lang, 'dataTitle'), description: t(lang, 'dataAreaDescription') },
    ];
    return sendPage(reply, <AccountPage ctx={signedIn.ctx} account={signedIn.account} areas={areas} notice={notice(lang, request.query)} />);
  });

  async function sendSecurityPage(reply: FastifyReply, signedIn: SignedInAccount, errors: FieldErrors = {}, noticeText?: string, status = 200) {
    return sendSecurityPageWithMethods(db, reply, signedIn, { errors, notice: noticeText, status });
  }

  app.get('/konto/sicherheit', async (request: FormRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    return sendSecurityPage(reply, signedIn, {}, notice(request.lang, request.query) ?? signInMethodNotice(request.lang, request.query));
  });

  app.post('/konto/sicherheit/sitzungen/:publicId/beenden', async (request: FastifyRequest<{ Params: { publicId: string }; Body: Record<string, unknown>; Querystring: Record<string, unknown> }>, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const { publicId } = request.params;
    const ended = isUuid(publicId)
      ? await inTransaction(db, { tenantId: request.tenant.id, accountId: signedIn.account.id }, async (trx) => {
          const count = await endAccountSessions(trx, signedIn.account.id, { publicId });
          if (count) await recordAudit(trx, { tenantId: request.tenant.id, actor: `account:${signedIn.account.id}`, action: 'account.session_ended', subject: `account:${signedIn.account.id}` });
          return count;
        })
      : 0;
    if (!ended) return sendErrorPage(request, reply, 404);
    return reply.redirect('/konto/sicherheit?hinweis=sessionEnded', 303);
  });

  app.post('/konto/sicherheit/ueberall-abmelden', async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    await inTransaction(db, { tenantId: request.tenant.id, accountId: signedIn.account.id }, async (trx) => {
      await endAccountSessions(trx, signedIn.account.id, { except: null });
      await recordAudit(trx, { tenantId: request.tenant.id, actor: `account:${signedIn.account.id}`, action: 'account.signed_out_everywhere', subject: `account:${signedIn.account.id}` });
    });
    await destroySession(db, request, reply);
    return reply.redirect(`${accountPaths.login}?hinweis=loggedOut`, 303);
  });

  app.post('/konto/sicherheit/passwort', { config: formLimit }, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const { lang } = request;
    const body = request.body ?? {};
    const current = text(body, 'current', maxPasswordLength);
    const password = text(body, 'password', maxPasswordLength + 1);
    const errors: FieldErrors = {};
    if (!current) errors.current = t(lang, 'passwordRequired');
    if (!password) errors.password = t(lang, 'passwordRequired');
    if (current && password) {
      const result = await changePassword(db, request.tenant.id, signedIn.session, { current, password });
      if (result.ok) {
        // The privilege behind the session changed: a new session id (the others ended already).
        await createSession(db, request, reply, { accountId: signedIn.account.id, trustLevel: signedIn.session.trustLevel ?? 'low' }, { receipts: signedIn.session.receipts });
        return reply.redirect('/konto/sicherheit?hinweis=passwordChanged', 303);
      }
      if (result.problem === 'wrongCurrent') errors.current = t(lang, 'currentPasswordWrong');
      else errors.password = passwordMessage(lang, result.problem);
    }
    return sendSecurityPage(reply, signedIn, errors, undefined, 422);
  });
}

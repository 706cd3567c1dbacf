import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { confirmTotpEnrolment, findSecondFactorState, redeemRecoveryCode, startTotpEnrolment, verifyTotpCode } from '../../platform/auth/second-factor.js';
import { qrCodeSvg, totpUri, type SecondFactorResult } from '../../platform/auth/totp.js';
import { beginAuthentication, parseAuthenticationResponse, parseRegistrationResponse, relyingPartyFor, type ChallengeOwner } from '../../platform/auth/webauthn.js';
import { loadTotpKey } from '../../platform/crypto/secret-box.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { createSession, findSession, isValidCsrfToken, type Session } from '../../platform/http/session.js';
import { formatDate, type Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import {
  CancelSignIn, lockedMessage, readRecoveryCode, readTotpCode, RecoveryCodeSignInPage, RecoveryCodesPage, refusalMessage, TotpCodePage, TotpEnrolPage,
} from '../../platform/views/second-factor.js';
import { recordAudit } from '../audit/index.js';
import { maxPasswordLength } from './account.js';
import { requireAccount, requireAccountForm, safeNextPath, type SignedInAccount } from './account-session.js';
import type { SignInResult } from './accounts.service.js';
import { addPasskey, removePasskey, renamePasskey, signInWithPasskey, startPasskeyRegistration, listAccountPasskeys } from './passkeys.service.js';
import { accountTotpOwner, confirmPassword, turnOffTotp } from './second-factor.service.js';
import { t } from './second-factor.i18n.js';
import { sendSecurityPage } from './security-page.js';
import { isRecentSignIn, normalizePasskeyName, passkeyNameMaxLength, signInMethodPaths as paths, withNext } from './sign-in-methods.js';
import { LoginPage } from './views/account-pages.js';
import { PasskeySignIn, ReauthenticatePage, RenamePasskeyPage } from './views/sign-in-method-pages.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown>; Querystring: Record<string, unknown> }>;
type PasskeyRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown>; Querystring: Record<string, unknown> }>;

// Per client. Codes have their own lock (5 wrong ones), passwords the back-off of login-throttle.ts.
const formLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } };

function field(body: Record<string, unknown> | undefined, name: string, max: number): string {
  const value = body?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
}

/** What to tell when the browser sent no credential: the script names the browser's error, if any. */
function ceremonyProblem(lang: Lang, problem: string): string {
  if (problem === 'NotAllowedError' || problem === 'AbortError') return t(lang, 'passkeyCancelled');
  if (problem === 'InvalidStateError') return t(lang, 'passkeyExists');
  return t(lang, 'passkeyMissing');
}

/** The message for a password asked again and refused. */
function passwordRefusal(lang: Lang, result: Exclude<SignInResult, { kind: 'signedIn' }>): string {
  return result.kind === 'blocked' ? t(lang, 'passwordBlocked', { time: formatDate(result.until, lang, true) }) : t(lang, 'passwordWrong');
}

/** A citizen between password and second factor. */
interface PendingSignIn {
  accountId: string;
  session: Session;
  lockedUntil: Date | null;
  ctx: PageContext;
  next: string;
}

/**
 * Passkeys (sign-in, adding, renaming, removing), TOTP as an account's second factor (sign-in step,
 * turning it on and off) and the password asked again before sign-in methods change (ADR 0017).
 */
export async function signInMethodRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  const totpKey = await loadTotpKey(deps.config);
  const relyingParty = (request: FastifyRequest) => relyingPartyFor(request, request.tenant.name);
  const challengeOwner = (request: FastifyRequest, session: Session): ChallengeOwner => ({ tenantId: request.tenant.id, sessionHash: session.idHash });

  /** Sends a change of sign-in methods to the password page unless the sign-in is recent; true when sent. */
  function needsReauthentication(reply: FastifyReply, signedIn: SignedInAccount, back: string): boolean {
    if (isRecentSignIn(signedIn.session.authenticatedAt)) return false;
    reply.redirect(withNext(paths.reauthenticate, back), 303);
    return true;
  }

  /** A new session id after a change of privilege; the time of the sign-in stays what it was. */
  async function rotateSession(request: FastifyRequest, reply: FastifyReply, signedIn: SignedInAccount): Promise<Session> {
    const { session } = signedIn;
    return createSession(db, request, reply, { accountId: signedIn.account.id, trustLevel: session.trustLevel ?? 'low' }, { receipts: session.receipts, authenticatedAt: session.authenticatedAt });
  }

  // Passkey sign-in. A passkey is possession and user verification at once: a full sign-in, no TOTP after it.

  app.post(paths.passkeySignInOptions, { config: formLimit }, async (request: FormRequest, reply) => {
    const session = await findSession(db, request);
    if (!isValidCsrfToken(session, request.body?._csrf)) return reply.code(403).send({ error: 'forbidden' });
    reply.header('cache-control', 'no-store');
    return beginAuthentication(db, relyingParty(request), challengeOwner(request, session!));
  });

  app.post(paths.passkeySignIn, { config: formLimit }, async (request: FormRequest, reply) => {
    const session = await findSession(db, request);
    const body = request.body ?? {};
    if (!isValidCsrfToken(session, body._csrf)) return sendErrorPage(request, reply, 403);
    reply.header('cache-control', 'no-store');
    const next = safeNextPath(request.query.weiter);
    const posted = field(body, 'credential', 40_000);
    const response = parseAuthenticationResponse(posted);
    const result = response ? await signInWithPasskey(db, relyingParty(request), challengeOwner(request, session!), response) : null;
    if (result?.kind === 'signedIn') {
      await createSession(db, request, reply, { accountId: result.accountId, trustLevel: 'low' }, { receipts: session!.receipts });
      return reply.redirect(next, 303);
    }
    request.log.info({ reason: response ? 'refused' : posted ? 'malformed' : 'none' }, 'passkey sign-in failed');
    const error = posted ? t(request.lang, 'passkeyFailed') : ceremonyProblem(request.lang, field(body, 'problem', 40));
    const ctx = { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session!.csrfToken };
    return sendPage(reply, <LoginPage ctx={ctx} email="" next={next} errors={{ passkey: error }}><PasskeySignIn ctx={ctx} next={next} error={error} /></LoginPage>, 422);
  });

  // The second step of a password sign-in with TOTP on: the code, or a recovery code.

  /** The half-signed-in citizen of a request; anyone else is sent to the sign-in. A form post passes its body, whose CSRF token must match. */
  async function pendingSignIn(request: FormRequest, reply: FastifyReply, form?: Record<string, unknown>): Promise<PendingSignIn | null> {
    const session = await findSession(db, request);
    const accountId = session?.pendingAccountId;
    const state = accountId ? await findSecondFactorState(db, accountTotpOwner(request.tenant.id, accountId)) : null;
    // Turned off in another session meanwhile: start again (the password alone is then enough).
    if (!session || !accountId || !state?.enrolled) {
      reply.redirect('/konto/anmelden', 303);
      return null;
    }
    if (form && !isValidCsrfToken(session, form._csrf)) {
      sendErrorPage(request, reply, 403);
      return null;
    }
    reply.header('cache-control', 'no-store');
    const ctx = { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session.csrfToken };
    return { accountId, session, lockedUntil: state.lockedUntil, ctx, next: safeNextPath(request.query.weiter) };
  }

  async function completeSignIn(request: FastifyRequest, reply: FastifyReply, pending: PendingSignIn, secondFactor: 'totp' | 'recovery_code') {
    const tenantId = request.tenant.id;
    await createSession(db, request, reply, { accountId: pending.accountId, trustLevel: 'low' }, { receipts: pending.session.receipts });
    await inTransaction(db, { tenantId, accountId: pending.accountId }, (trx) =>
      recordAudit(trx, { tenantId, actor: `account:${pending.accountId}`, action: 'account.second_factor_passed', subject: `account:${pending.accountId}`, details: { secondFactor } }));
    return reply.redirect(pending.next, 303);
  }

  const cancel = (ctx: PageContext) => <CancelSignIn ctx={ctx} action="/konto/abmelden" />;
  const codePage = (request: FastifyRequest, pending: PendingSignIn, errors: FieldErrors) => (
    <TotpCodePage ctx={pending.ctx} action={withNext(paths.code, pending.next)} recoveryHref={withNext(paths.recovery, pending.next)} issuer={request.tenant.name} errors={errors} wayOut={cancel(pending.ctx)} />
  );
  const recoveryPage = (pending: PendingSignIn, errors: FieldErrors) => (
    <RecoveryCodeSignInPage ctx={pending.ctx} action={withNext(paths.recovery, pending.next)} codeHref={withNext(paths.code, pending.next)} intro={t(pending.ctx.lang, 'recoveryIntro')} errors={errors} wayOut={cancel(pending.ctx)} />
  );
  /** A page visited while the lock lasts says so at once. */
  const lockErrors = (pending: PendingSignIn, name: string): FieldErrors => (pending.lockedUntil ? { [name]: lockedMessage(pending.ctx.lang, pending.lockedUntil) } : {});

  /** The message for a refused attempt, with the lock's end as it is after the attempt. */
  async function refusal(request: FastifyRequest, accountId: string, result: Exclude<SecondFactorResult, 'accepted'>, name: 'code' | 'recoveryCode'): Promise<string> {
    const state = await findSecondFactorState(db, accountTotpOwner(request.tenant.id, accountId));
    return refusalMessage(request.lang, result, state.lockedUntil, name);
  }

  app.get(paths.code, async (request: FormRequest, reply) => {
    const pending = await pendingSignIn(request, reply);
    return pending ? sendPage(reply, codePage(request, pending, lockErrors(pending, 'code'))) : reply;
  });

  app.post(paths.code, { config: formLimit }, async (request: FormRequest, reply) => {
    const pending = await pendingSignIn(request, reply, request.body ?? {});
    if (!pending) return reply;
    const input = readTotpCode(request.lang, request.body ?? {});
    if ('error' in input) return sendPage(reply, codePage(request, pending, { code: input.error }), 422);
    const result = await verifyTotpCode(db, totpKey, accountTotpOwner(request.tenant.id, pending.accountId), input.code);
    if (result === 'accepted') return completeSignIn(request, reply, pending, 'totp');
    return sendPage(reply, codePage(request, pending, { code: await refusal(request, pending.accountId, result, 'code') }), 422);
  });

  app.get(paths.recovery, async (request: FormRequest, reply) => {
    const pending = await pendingSignIn(request, reply);
    return pending ? sendPage(reply, recoveryPage(pending, lockErrors(pending, 'recoveryCode'))) : reply;
  });

  app.post(paths.recovery, { config: formLimit }, async (request: FormRequest, reply) => {
    const pending = await pendingSignIn(request, reply, request.body ?? {});
    if (!pending) return reply;
    const input = readRecoveryCode(request.lang, request.body ?? {});
    if ('error' in input) return sendPage(reply, recoveryPage(pending, { recoveryCode: input.error }), 422);
    const result = await redeemRecoveryCode(db, accountTotpOwner(request.tenant.id, pending.accountId), input.code);
    if (result === 'accepted') return completeSignIn(request, reply, pending, 'recovery_code');
    return sendPage(reply, recoveryPage(pending, { recoveryCode: await refusal(request, pending.accountId, result, 'recoveryCode') }), 422);
  });

  // The password asked again: changing sign-in methods needs a recent sign-in.

  app.get(paths.reauthenticate, async (request: FormRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    return sendPage(reply, <ReauthenticatePage ctx={signedIn.ctx} next={safeNextPath(request.query.weiter)} hasPassword={signedIn.account.hasPassword} errors={{}} />);
  });

  app.post(paths.reauthenticate, { config: formLimit }, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const next = safeNextPath(request.query.weiter);
    const password = field(request.body, 'password', maxPasswordLength);
    const result = password ? await confirmPassword(db, request.tenant.id, signedIn.account, password, request.ip) : null;
    if (result?.kind === 'signedIn') {
      // A new session id, and the time of the sign-in is now.
      await createSession(db, request, reply, { accountId: signedIn.account.id, trustLevel: signedIn.session.trustLevel ?? 'low' }, { receipts: signedIn.session.receipts });
      return reply.redirect(next, 303);
    }
    const error = result ? passwordRefusal(request.lang, result) : t(request.lang, 'passwordRequired');
    return sendPage(reply, <ReauthenticatePage ctx={signedIn.ctx} next={next} hasPassword={signedIn.account.hasPassword} errors={{ password: error }} />, 422);
  });

  // Passkeys of the signed-in account.

  app.post(paths.passkeyOptions, { config: formLimit }, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    // The script then posts the form without a credential, and the form's answer says what to do.
    if (!isRecentSignIn(signedIn.session.authenticatedAt)) return reply.code(403).send({ error: 'reauthenticate' });
    return startPasskeyRegistration(db, relyingParty(request), challengeOwner(request, signedIn.session), signedIn.account);
  });

  app.post(paths.passkeys, { config: formLimit }, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn || needsReauthentication(reply, signedIn, paths.security)) return reply;
    const { lang } = request;
    const body = request.body ?? {};
    const typedName = field(body, 'passkeyName', passkeyNameMaxLength + 100);
    const name = normalizePasskeyName(typedName);
    const posted = field(body, 'credential', 40_000);
    const response = parseRegistrationResponse(posted);
    const errors: FieldErrors = {};
    if (!name) errors.passkeyName = typedName.trim() ? t(lang, 'passkeyNameTooLong', { max: passkeyNameMaxLength }) : t(lang, 'passkeyNameRequired');
    else if (!response) errors.passkey = posted ? t(lang, 'passkeyRefused') : ceremonyProblem(lang, field(body, 'problem', 40));
    else if (!(await addPasskey(db, relyingParty(request), challengeOwner(request, signedIn.session), signedIn.account.id, { name, response }))) errors.passkey = t(lang, 'passkeyRefused');
    if (Object.keys(errors).length > 0) return sendSecurityPage(db, reply, signedIn, { errors, status: 422, values: { passkeyName: typedName } });
    await rotateSession(request, reply, signedIn);
    return reply.redirect(`${paths.security}?hinweis=passkeyAdded`, 303);
  });

  /** The account's passkey named in the path, or null after answering 404 (another account's is not found either). */
  async function ownPasskey(request: PasskeyRequest, reply: FastifyReply, signedIn: SignedInAccount) {
    const passkeys = isUuid(request.params.id) ? await listAccountPasskeys(db, request.tenant.id, signedIn.account.id) : [];
    const passkey = passkeys.find((p) => p.id === request.params.id);
    if (!passkey) sendErrorPage(request, reply, 404);
    return passkey ?? null;
  }

  app.get(`${paths.passkeys}/:id`, async (request: PasskeyRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    const passkey = signedIn && (await ownPasskey(request, reply, signedIn));
    if (!signedIn || !passkey) return reply;
    return sendPage(reply, <RenamePasskeyPage ctx={signedIn.ctx} passkey={passkey} name={passkey.name} errors={{}} />);
  });

  app.post(`${paths.passkeys}/:id`, { config: formLimit }, async (request: PasskeyRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    const passkey = signedIn && (await ownPasskey(request, reply, signedIn));
    if (!signedIn || !passkey) return reply;
    const typedName = field(request.body, 'passkeyName', passkeyNameMaxLength + 100);
    const name = normalizePasskeyName(typedName);
    if (!name) {
      const error = typedName.trim() ? t(request.lang, 'passkeyNameTooLong', { max: passkeyNameMaxLength }) : t(request.lang, 'passkeyNameRequired');
      return sendPage(reply, <RenamePasskeyPage ctx={signedIn.ctx} passkey={passkey} name={typedName} errors={{ passkeyName: error }} />, 422);
    }
    await renamePasskey(db, request.tenant.id, signedIn.account.id, passkey.id, name);
    return reply.redirect(`${paths.security}?hinweis=passkeyRenamed`, 303);
  });

  app.post(`${paths.passkeys}/:id/entfernen`, { config: formLimit }, async (request: PasskeyRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    const passkey = signedIn && (await ownPasskey(request, reply, signedIn));
    if (!signedIn || !passkey || needsReauthentication(reply, signedIn, paths.security)) return reply;
    await removePasskey(db, request.tenant.id, signedIn.account.id, passkey.id);
    return reply.redirect(`${paths.security}?hinweis=passkeyRemoved`, 303);
  });

  // TOTP of the signed-in account: turning it on (after a recent sign-in) and off (with a code or the password).

  async function sendEnrolPage(request: FastifyRequest, reply: FastifyReply, signedIn: SignedInAccount, errors: FieldErrors, status = 200) {
    const secret = await startTotpEnrolment(db, totpKey, accountTotpOwner(request.tenant.id, signedIn.account.id));
    if (!secret) return reply.redirect(paths.security, 303);
    const issuer = request.tenant.name;
    const qrSvg = await qrCodeSvg(totpUri(issuer, signedIn.account.email, secret));
    const back = <p class="kern-body"><a class="kern-link" href={paths.security}>{t(request.lang, 'backToSecurityShort')}</a></p>;
    return sendPage(reply, <TotpEnrolPage ctx={signedIn.ctx} action={paths.totp} intro={t(request.lang, 'totpEnrolIntro')} qrSvg={qrSvg} secret={secret} issuer={issuer} label={signedIn.account.email} errors={errors} wayOut={back} />, status);
  }

  app.get(paths.totp, async (request: FormRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn || needsReauthentication(reply, signedIn, paths.totp)) return reply;
    return sendEnrolPage(request, reply, signedIn, {});
  });

  app.post(paths.totp, { config: formLimit }, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn || needsReauthentication(reply, signedIn, paths.totp)) return reply;
    const input = readTotpCode(request.lang, request.body ?? {});
    if ('error' in input) return sendEnrolPage(request, reply, signedIn, { code: input.error }, 422);
    const { result, recoveryCodes } = await confirmTotpEnrolment(db, totpKey, accountTotpOwner(request.tenant.id, signedIn.account.id), input.code);
    if (result !== 'accepted') return sendEnrolPage(request, reply, signedIn, { code: await refusal(request, signedIn.account.id, result, 'code') }, 422);
    const session = await rotateSession(request, reply, signedIn);
    // Answered here rather than after a redirect: the codes are stored hashed, so no later page could show them.
    const ctx = { ...signedIn.ctx, csrfToken: session.csrfToken };
    return sendPage(reply, <RecoveryCodesPage ctx={ctx} codes={recoveryCodes} next={{ href: `${paths.security}?hinweis=totpOn`, label: t(request.lang, 'continueToSecurity') }} />);
  });

  app.post(paths.totpOff, { config: formLimit }, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const { lang } = request;
    const rawCode = field(request.body, 'totpCode', 20);
    const password = field(request.body, 'totpPassword', maxPasswordLength);
    const input = rawCode.trim() ? readTotpCode(lang, { code: rawCode }) : null;
    let errors: FieldErrors;
    if (input && 'error' in input) errors = { totpCode: input.error };
    else if (!input && !password) errors = { totpCode: t(lang, 'totpProofRequired') };
    else {
      const refused = await turnOffTotp(db, totpKey, request.tenant.id, signedIn.account, input ? { code: input.code } : { password, clientAddress: request.ip });
      if (!refused) return reply.redirect(`${paths.security}?hinweis=totpOff`, 303);
      errors = refused.proof === 'code'
        ? { totpCode: await refusal(request, signedIn.account.id, refused.result, 'code') }
        : { totpPassword: passwordRefusal(lang, refused.result) };
    }
    return sendSecurityPage(db, reply, signedIn, { errors, status: 422 });
  });
}

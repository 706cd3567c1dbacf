import type { FastifyReply } from 'fastify';
import { findSecondFactorState } from '../../platform/auth/second-factor.js';
import { relyingPartyFor } from '../../platform/auth/webauthn.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import { listAccountSessions } from '../../platform/http/session.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import type { SignedInAccount } from './account-session.js';
import { idpSecuritySection } from './oidc-login.routes.js';
import { listAccountPasskeys } from './passkeys.service.js';
import { accountTotpOwner } from './second-factor.service.js';
import { t } from './second-factor.i18n.js';
import { isRecentSignIn } from './sign-in-methods.js';
import { SecurityPage } from './views/account-pages.js';
import { SignInMethodSections } from './views/sign-in-method-pages.js';

/** Notices of the security page after a change of sign-in methods, by key (the query names a key, never a text). */
const notices = ['passkeyAdded', 'passkeyRenamed', 'passkeyRemoved', 'totpOn', 'totpOff'] as const;

/** The notice a redirect to the security page asked for (`?hinweis=`), if it is one of passkeys or the second factor. */
export function signInMethodNotice(lang: Lang, query: Record<string, unknown>): string | undefined {
  const key = notices.find((n) => n === query.hinweis);
  return key ? t(lang, key) : undefined;
}

/**
 * Renders /konto/sicherheit: the sessions and the password (SecurityPage), with the passkeys and the
 * second factor as its sections. `values` keeps what was typed into a refused form.
 */
export async function sendSecurityPage(db: Db, reply: FastifyReply, signedIn: SignedInAccount, options: { errors?: FieldErrors; notice?: string; status?: number; values?: { passkeyName?: string } } = {}) {
  const { request } = reply;
  const tenantId = request.tenant.id;
  const accountId = signedIn.account.id;
  const sessions = await inTransaction(db, { tenantId, accountId }, (trx) => listAccountSessions(trx, accountId, signedIn.session));
  const methods = {
    passkeys: await listAccountPasskeys(db, tenantId, accountId),
    totp: await findSecondFactorState(db, accountTotpOwner(tenantId, accountId)),
    recent: isRecentSignIn(signedIn.session.authenticatedAt),
    host: relyingPartyFor(request, request.tenant.name).id,
  };
  const errors = options.errors ?? {};
  return sendPage(
    reply,
    <SecurityPage ctx={signedIn.ctx} account={signedIn.account} sessions={sessions} errors={errors} notice={options.notice}>
      <SignInMethodSections ctx={signedIn.ctx} methods={methods} errors={errors} values={options.values ?? {}} />
      {await idpSecuritySection(db, request, signedIn)}
    </SecurityPage>,
    options.status ?? 200,
  );
}

import { formatDate, type Lang } from '../../../platform/i18n/i18n.js';
import type { TrustLevel } from '../../../platform/db/schema.js';
import { Alert, Button, CsrfField } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { accountPaths } from '../account-mail.js';
import { t as accountText } from '../accounts.i18n.js';
import { t } from '../oidc-login.i18n.js';

/** The paths of the sign-in through the town's IdP (the start is a link: see ADR 0014 on CSP form-action). */
export const accountIdpPaths = {
  start: '/konto/anmelden/idp',
  callback: '/konto/anmelden/idp/antwort',
  unlink: '/konto/sicherheit/idp/aufheben',
} as const;

/** The link that starts a sign-in through the IdP, asking for a trust level if given, and leads to `next` afterwards. */
export function idpStartHref(next: string, level?: TrustLevel): string {
  const query = new URLSearchParams();
  if (next !== '/konto') query.set('weiter', next);
  if (level) query.set('stufe', level);
  const search = query.toString();
  return search ? `${accountIdpPaths.start}?${search}` : accountIdpPaths.start;
}

/** The sign-in page's link to the password sign-in that leads to `next` afterwards. */
export function loginHref(next: string): string {
  return next === '/konto' ? accountPaths.login : `${accountPaths.login}?weiter=${encodeURIComponent(next)}`;
}

/** The name of a trust level in the page's language. */
export function trustLevelLabel(lang: Lang, level: TrustLevel): string {
  return accountText(lang, `trust_${level}`);
}

function ButtonLink(props: { href: string; label: string; variant?: 'primary' | 'secondary' }) {
  return (
    <p>
      <a class={`kern-btn kern-btn--${props.variant ?? 'primary'}`} href={props.href} rel="nofollow">
        <span class="kern-label">{props.label}</span>
      </a>
    </p>
  );
}

/** "Sign in with <IdP>" under the password form of the sign-in page. */
export function IdpSignInLink(props: { lang: Lang; idpName: string; next: string }) {
  return (
    <div class="idp-sign-in">
      <p class="kern-body">{t(props.lang, 'otherWay', { idp: props.idpName })}</p>
      <ButtonLink href={idpStartHref(props.next)} label={t(props.lang, 'signInWith', { idp: props.idpName })} variant="secondary" />
    </div>
  );
}

/** Why a sign-in through the IdP led to no account; each has its own message. */
export type IdpRefusal = 'flow' | 'cancelled' | 'invalid' | 'unavailable' | 'linkedElsewhere' | 'otherLink' | 'existingAccount' | 'noVerifiedEmail';

/**
 * Why the sign-in through the IdP did not work and what to do; no detail of the response.
 * `next` is where the person wanted to go (the way on keeps it).
 */
export function IdpRefusalPage(props: { ctx: PageContext; kind: IdpRefusal; idpName: string; next: string }) {
  const { lang } = props.ctx;
  const title = t(lang, `${props.kind}Title`);
  const onwards = props.kind === 'existingAccount'
    ? <ButtonLink href={loginHref(idpStartHref(props.next))} label={t(lang, 'existingAccountAction')} />
    : props.kind === 'noVerifiedEmail'
      ? <ButtonLink href="/konto/registrieren" label={t(lang, 'registerAction')} />
      : <p class="kern-body"><a class="kern-link" href={loginHref(props.next)}>{t(lang, 'backToSignIn')}</a></p>;
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{t(lang, `${props.kind}Text`, { idp: props.idpName, town: props.ctx.townName })}</p>
      {onwards}
    </Layout>
  );
}

/**
 * The security page's section on the IdP: link it, or when linked, since when and how to unlink
 * (not offered while the link is the account's only way in).
 */
export function IdpSecuritySection(props: { ctx: PageContext; idpName: string; linkedAt: Date | null; canUnlink: boolean; notice?: 'linked' | 'unlinked' | 'onlyWayIn' }) {
  const { lang } = props.ctx;
  const idp = props.idpName;
  return (
    <section aria-labelledby="idp-section">
      <h2 class="kern-heading-large" id="idp-section">{t(lang, 'sectionTitle', { idp })}</h2>
      {props.notice === 'onlyWayIn'
        ? <Alert kind="danger" title={t(lang, 'onlyWayIn', { idp })} />
        : props.notice && <Alert kind="success" title={t(lang, props.notice === 'linked' ? 'linkedNotice' : 'unlinkedNotice', { idp })} />}
      {props.linkedAt ? (
        <>
          <p class="kern-body">{t(lang, 'linkedText', { idp, date: formatDate(props.linkedAt, lang) })}</p>
          {props.canUnlink ? (
            <form method="post" action={accountIdpPaths.unlink}>
              <CsrfField token={props.ctx.csrfToken} />
              <Button variant="secondary">{t(lang, 'unlinkAction', { idp })}</Button>
            </form>
          ) : props.notice !== 'onlyWayIn' && <p class="kern-body">{t(lang, 'onlyWayIn', { idp })}</p>}
        </>
      ) : (
        <>
          <p class="kern-body">{t(lang, 'notLinkedText', { idp })}</p>
          <ButtonLink href={idpStartHref('/konto/sicherheit?idp=verknuepft')} label={t(lang, 'linkAction', { idp })} variant="secondary" />
        </>
      )}
    </section>
  );
}

/**
 * Explains that a service needs a higher trust level than the session has (or a sign-in at all),
 * and leads to the IdP asking for it; in a town without an IdP, says that it cannot be done online.
 */
export function StepUpPage(props: {
  ctx: PageContext;
  serviceTitle: string;
  serviceHref: string;
  required: TrustLevel;
  current: TrustLevel | null;
  idpName: string | null;
  returnTo: string;
}) {
  const { lang } = props.ctx;
  const title = t(lang, 'stepUpTitle');
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{t(lang, 'stepUpText', { service: props.serviceTitle, level: trustLevelLabel(lang, props.required) })}</p>
      <p class="kern-body">{props.current ? t(lang, 'stepUpCurrent', { level: trustLevelLabel(lang, props.current) }) : t(lang, 'stepUpSignedOut')}</p>
      {props.idpName ? (
        <>
          <p class="kern-body">{t(lang, 'stepUpHow', { idp: props.idpName })}</p>
          <ButtonLink href={idpStartHref(props.returnTo, props.required)} label={t(lang, 'stepUpAction', { idp: props.idpName })} />
        </>
      ) : (
        <p class="kern-body">{t(lang, 'stepUpNoIdp', { town: props.ctx.townName })}</p>
      )}
      {/* A password sign-in proves the lowest level only: offered only where that is enough. */}
      {props.required === 'low' && !props.current && <ButtonLink href={loginHref(props.returnTo)} label={t(lang, 'stepUpPassword')} variant="secondary" />}
      <p class="kern-body"><a class="kern-link" href={props.serviceHref}>{t(lang, 'backToService', { service: props.serviceTitle })}</a></p>
    </Layout>
  );
}

/** On a service page: the trust level its online application requires. */
export function ServiceTrustLevelNote(props: { lang: Lang; level: TrustLevel }) {
  return <Alert kind="info" title={t(props.lang, 'serviceRequirement', { level: trustLevelLabel(props.lang, props.level) })} />;
}

import type { Lang } from '../../../platform/i18n/i18n.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { t } from '../oidc-login.i18n.js';

/** Where the sign-in through the town's IdP starts (a link: see ADR 0014 on CSP form-action). */
export const idpSignInPath = '/verwaltung/anmelden/oidc';

/** "Sign in with <IdP>" under the password form. */
export function IdpSignInLink(props: { lang: Lang; name: string }) {
  return (
    <div class="idp-sign-in">
      <p class="kern-body">{t(props.lang, 'otherWay')}</p>
      <p>
        <a class="kern-btn kern-btn--secondary" href={idpSignInPath} rel="nofollow">
          <span class="kern-label">{t(props.lang, 'signInWith', { name: props.name })}</span>
        </a>
      </p>
    </div>
  );
}

/** Which message a refused IdP sign-in gets. */
export type IdpFailureKind = 'flow' | 'cancelled' | 'invalid' | 'unavailable' | 'unknown';

/** Why the sign-in through the IdP did not work, and the way back; no detail of the response. */
export function IdpFailurePage(props: { ctx: PageContext; kind: IdpFailureKind; idpName: string }) {
  const { lang } = props.ctx;
  const title = t(lang, `${props.kind}Title`);
  return (
    <Layout ctx={props.ctx} title={title}>
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{t(lang, `${props.kind}Text`, { idp: props.idpName, town: props.ctx.townName })}</p>
      <p class="kern-body"><a class="kern-link" href="/verwaltung/anmelden">{t(lang, 'backToSignIn')}</a></p>
    </Layout>
  );
}

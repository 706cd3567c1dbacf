import type { ComponentChildren } from 'preact';
import type { Lang } from '../i18n/i18n.js';
import { t } from './views.i18n.js';

/** What every page knows about the request it answers. */
export interface PageContext {
  lang: Lang;
  /** Current path with query, for the language switch to come back to. */
  path: string;
  townName: string;
  csrfToken?: string;
  /** A signed-in town or department admin: the navigation links to the administration. */
  staffAdministration?: boolean;
}

/** The page frame: skip link, header with town and language switch, main, legal footer. */
export function Layout(props: { ctx: PageContext; title: string; children: ComponentChildren; scripts?: string[]; feeds?: Array<{ href: string; title: string }> }) {
  const { ctx } = props;
  const other: Lang = ctx.lang === 'de' ? 'en' : 'de';
  const switchHref = `/sprache?lang=${other}&zurueck=${encodeURIComponent(ctx.path)}`;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} – ${ctx.townName}`}</title>
        <link rel="stylesheet" href="/static/kern/fonts/fira-sans.css" />
        <link rel="stylesheet" href="/static/kern/kern.min.css" />
        <link rel="stylesheet" href="/static/app.css" />
        {props.scripts?.map((src) => <script src={src} defer key={src}></script>)}
        {props.feeds?.map((feed) => <link rel="alternate" type="application/atom+xml" href={feed.href} title={feed.title} key={feed.href} />)}
      </head>
      <body>
        <a class="skip-link kern-link" href="#inhalt">{t(ctx.lang, 'skipLink')}</a>
        <header class="site-header">
          <div class="kern-container site-header__inner">
            <a class="site-header__town kern-link" href="/">{ctx.townName}</a>
            <nav aria-label={t(ctx.lang, 'mainNav')} class="site-header__nav">
              <ul class="kern-list kern-list--horizontal">
                <li><a class="kern-link" href="/leistungen">{t(ctx.lang, 'services')}</a></li>
                <li><a class="kern-link" href="/konto">{t(ctx.lang, 'account')}</a></li>
                <li><a class="kern-link" href="/verwaltung">{t(ctx.lang, 'staffArea')}</a></li>
                {ctx.staffAdministration && <li><a class="kern-link" href="/verwaltung/admin">{t(ctx.lang, 'administration')}</a></li>}
                <li>
                  <a class="kern-link" href={switchHref} hreflang={other} lang={other} aria-label={t(ctx.lang, 'switchLanguageLabel')}>
                    {t(ctx.lang, 'switchLanguage')}
                  </a>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="inhalt" class="kern-container site-main" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="kern-container">
            <nav aria-label={t(ctx.lang, 'footerNav')}>
              <ul class="kern-list kern-list--horizontal">
                <li><a class="kern-link" href="/impressum">{t(ctx.lang, 'imprint')}</a></li>
                <li><a class="kern-link" href="/datenschutz">{t(ctx.lang, 'privacy')}</a></li>
                <li><a class="kern-link" href="/barrierefreiheit">{t(ctx.lang, 'accessibility')}</a></li>
              </ul>
            </nav>
          </div>
        </footer>
      </body>
    </html>
  );
}

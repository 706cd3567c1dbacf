import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { languages, type Lang } from '../../platform/i18n/i18n.js';
import { operationalPaths } from '../../platform/http/operations.js';
import { Layout } from '../../platform/views/layout.js';
import { Paragraphs } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import type { TenantDirectory } from './tenant-directory.js';
import { t } from './tenants.i18n.js';

const langCookie = 'lang';

/** Sets request.tenant from the Host header and request.lang from the language cookie. */
export function resolveTenantHook(tenants: TenantDirectory): onRequestHookHandler {
  return (request, reply, done) => {
    const cookieLang = request.cookies?.[langCookie];
    request.lang = cookieLang === 'en' ? 'en' : 'de';
    if (operationalPaths.has(request.url) || request.url.startsWith('/static/')) return done();
    const tenant = tenants.findByHost(request.headers.host);
    if (!tenant) {
      reply.code(404).type('text/plain; charset=utf-8').send(`${t(request.lang, 'unknownTown')}: ${t(request.lang, 'unknownTownText')}`);
      return;
    }
    request.tenant = { id: tenant.id, slug: tenant.slug, name: tenant.name };
    done();
  };
}

/** Only same-site paths may be returned to, so the switch cannot be used as an open redirect. */
function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/';
}

/** The language switch and each town's legal pages. */
export async function tenantRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  app.get('/sprache', (request: FastifyRequest<{ Querystring: { lang?: string; zurueck?: string } }>, reply: FastifyReply) => {
    const lang = (languages as readonly string[]).includes(request.query.lang ?? '') ? (request.query.lang as Lang) : 'de';
    reply.setCookie(langCookie, lang, { path: '/', sameSite: 'lax', secure: true, httpOnly: true, maxAge: 365 * 24 * 3600 });
    return reply.redirect(safeReturnPath(request.query.zurueck), 303);
  });

  const legalPages = { '/impressum': 'impressum', '/datenschutz': 'privacy', '/barrierefreiheit': 'accessibility' } as const;
  for (const [url, key] of Object.entries(legalPages)) {
    app.get(url, (request, reply) => {
      const tenant = deps.tenants.findById(request.tenant.id)!;
      const text = tenant.profile.legal[key];
      const title = t(request.lang, key === 'impressum' ? 'imprint' : key);
      const body = request.lang === 'en' && text.en ? text.en : text.de;
      return sendPage(
        reply,
        <Layout ctx={{ lang: request.lang, path: request.url, townName: tenant.name }} title={title}>
          <h1 class="kern-heading-x-large">{title}</h1>
          {request.lang === 'en' && !text.en && <p class="kern-body" lang="en">{t('en', 'germanOnly')}</p>}
          <div lang={request.lang === 'en' && text.en ? 'en' : 'de'}>
            <Paragraphs text={body} />
          </div>
        </Layout>,
      );
    });
  }
}

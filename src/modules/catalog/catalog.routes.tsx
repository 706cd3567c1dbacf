import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ModuleDeps } from '../../app.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import { PageCache } from '../../platform/http/page-cache.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { renderDocument } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { BookableServices } from '../appointments/index.js';
import type { CatalogEntry } from './catalog.js';
import { lifeSituations, serviceDefinitionJsonSchema } from './service-definition.js';
import { HomePage, ServiceListPage, ServicePage } from './views/catalog-pages.js';

const listQuery = z.object({
  q: z.string().max(200).optional().transform((q) => q?.trim() ?? ''),
  lebenslage: z.enum(lifeSituations).optional().catch(undefined),
});

function pageContext(request: FastifyRequest): PageContext {
  return { lang: request.lang, path: request.url, townName: request.tenant.name };
}

/** The JSON presentation of a service: an explicit allow-list of fields. */
function presentService(entry: CatalogEntry, lang: Lang, baseUrl: string) {
  const d = entry.service.definition;
  return {
    id: d.id,
    leikaKey: d.leikaKey ?? null,
    title: localize(d.title, lang),
    summary: localize(d.summary, lang),
    maturity: d.maturity,
    lifeSituations: d.lifeSituations,
    fees: d.fees.map((f) => ({ label: localize(f.label, lang), amountCents: f.amountCents, currency: 'EUR' })),
    department: { key: entry.department.key, name: localize(entry.department.name, lang) },
    onlineApplication: d.form
      ? { form: `${baseUrl}/api/v1/services/${d.id}/form`, submissions: `${baseUrl}/api/v1/services/${d.id}/submissions`, minimumTrustLevel: d.minimumTrustLevel ?? null }
      : null,
    url: `${baseUrl}/leistungen/${d.id}`,
  };
}

/** Home page, service list and search, service pages, and the catalog's JSON API. */
export async function catalogRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const cache = new PageCache();
  const { catalog } = deps;
  const bookableServices = new BookableServices(deps.db);

  app.get('/', (request, reply) =>
    cache.send(request, reply, `${request.tenant.id}|${request.lang}|/`, () => renderDocument(<HomePage ctx={pageContext(request)} />)));

  app.get('/leistungen', async (request, reply) => {
    const query = listQuery.safeParse(request.query);
    if (!query.success) return sendErrorPage(request, reply, 400);
    const { q, lebenslage } = query.data;
    // Keyed by the parsed query, so extra or reordered parameters do not multiply cache entries.
    const key = `${request.tenant.id}|${request.lang}|/leistungen|${q ? `q=${q}` : `lebenslage=${lebenslage ?? ''}`}`;
    return cache.send(request, reply, key, async () => {
      const entries = q ? await catalog.search(request.tenant.id, q) : await catalog.list(request.tenant.id, request.lang, lebenslage);
      return renderDocument(<ServiceListPage ctx={pageContext(request)} entries={entries} q={q} lifeSituation={q ? undefined : lebenslage} />);
    });
  });

  app.get('/leistungen/:serviceId', async (request: FastifyRequest<{ Params: { serviceId: string } }>, reply) => {
    const entry = await catalog.find(request.tenant.id, request.params.serviceId);
    if (!entry) return reply.callNotFound();
    const bookable = await bookableServices.has(request.tenant.id, entry.service.definition.id);
    return cache.send(request, reply, `${request.tenant.id}|${request.lang}|/leistungen/${entry.service.definition.id}|${bookable}`, async () => {
      const related = (await Promise.all(entry.service.definition.relatedServices.map((id) => catalog.find(request.tenant.id, id)))).filter((e): e is CatalogEntry => !!e);
      return renderDocument(<ServicePage ctx={pageContext(request)} entry={entry} related={related} bookable={bookable} />);
    });
  });

  app.get('/schemas/service-definition.json', (_request, reply) => reply.type('application/schema+json').send(serviceDefinitionJsonSchema));

  app.get('/api/v1/services', {
    schema: {
      tags: ['services'],
      summary: 'List or search the services of this town',
      querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 200 }, lang: { type: 'string', enum: ['de', 'en'] } }, additionalProperties: false },
    },
  }, async (request: FastifyRequest<{ Querystring: { q?: string; lang?: Lang } }>) => {
    const lang = request.query.lang ?? 'de';
    const q = request.query.q?.trim() ?? '';
    const entries = q ? await catalog.search(request.tenant.id, q) : await catalog.list(request.tenant.id, lang);
    const baseUrl = deps.config.baseUrl ?? `${request.protocol}://${request.headers.host}`;
    return { services: entries.map((e) => presentService(e, lang, baseUrl)) };
  });
}

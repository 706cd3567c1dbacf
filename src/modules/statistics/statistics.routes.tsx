import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { requireLead } from '../cases/index.js';
import { computeCaseFigures, countLinkedCases } from './statistics.repository.js';
import { parsePeriod } from './statistics.js';
import { StatisticsPage } from './views/statistics-page.js';

/** Statistics for team leads and department admins, over the departments they lead (row-level security applies). */
export async function statisticsRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  app.get('/verwaltung/statistik', async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const lead = await requireLead(db, request, reply);
    if (!lead) return reply;
    const parsed = parsePeriod(request.query, request.lang);
    const serviceTitle = (id: string) => {
      const service = deps.services.get(id);
      return service ? localize(service.definition.title, request.lang) : id;
    };
    const page = (extra: { figures?: Awaited<ReturnType<typeof computeCaseFigures>>; linkedCases?: number }) =>
      <StatisticsPage ctx={lead.ctx} staffName={lead.staff.name} parsed={parsed} serviceTitle={serviceTitle} {...extra} />;
    if (!parsed.period) return sendPage(reply, page({}), 422);
    const { from, to } = parsed.period;
    // Only the departments the staff member leads, also for the database's row-level security.
    const actor = { tenantId: request.tenant.id, departmentIds: lead.departmentIds };
    const { figures, linkedCases } = await inTransaction(db, actor, async (trx) => ({
      figures: await computeCaseFigures(trx, { departmentIds: lead.departmentIds, from, to, now: new Date() }),
      linkedCases: await countLinkedCases(trx, { departmentIds: lead.departmentIds, from, to }),
    }));
    return sendPage(reply, page({ figures, linkedCases }));
  });
}

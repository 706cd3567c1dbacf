import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { requireLead } from '../cases/index.js';
import { listDepartmentServices } from './retention.repository.js';
import { retentionReport } from './retention.service.js';
import { RetentionPage, type ServiceRetentionLine } from './views/retention-page.js';

/** The retention report for team leads and department admins: what is due for deletion in their departments. */
export async function retentionRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  app.get('/verwaltung/aufbewahrung', async (request: FastifyRequest, reply) => {
    const lead = await requireLead(db, request, reply);
    if (!lead) return reply;
    const now = new Date();
    const report = await retentionReport(db, request.tenant.id, deps.services, lead.departmentIds, now);
    const offered = await inTransaction(db, { tenantId: request.tenant.id, departmentIds: lead.departmentIds }, (trx) => listDepartmentServices(trx, lead.departmentIds));
    const serviceTitle = (id: string) => {
      const service = deps.services.get(id);
      return service ? localize(service.definition.title, request.lang) : id;
    };
    const lines: ServiceRetentionLine[] = [...new Set([...offered, ...report.counts.keys()])]
      .map((id) => ({ serviceId: id, title: serviceTitle(id), retention: deps.services.get(id)?.definition.retention, ...(report.counts.get(id) ?? { overdue: 0, dueSoon: 0 }) }))
      .sort((a, b) => a.title.localeCompare(b.title, 'de'));
    return sendPage(reply, (
      <RetentionPage
        ctx={lead.ctx}
        staffName={lead.staff.name}
        lines={lines}
        cases={report.cases}
        truncated={report.truncated}
        deletedLast30Days={report.deletedLast30Days}
        serviceTitle={serviceTitle}
        now={now}
      />
    ));
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { townUrl } from '../../platform/http/town-url.js';
import { presentRequest, presentService, statusesOf } from './open311.js';
import { reportsPath } from './report.js';
import { loadCategories, loadPublicReport, searchReports } from './reports.service.js';

/** Where the GeoReport v2 endpoints live. */
export const open311Path = '/open311/v2';
// The spec's defaults: the last 90 days, at most 1000 requests.
const defaultDays = 90;
const maxRequests = 1000;

const isoDate = z.string().max(40).refine((s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date').transform((s) => new Date(s));
const requestsQuery = z.strictObject({
  service_code: z.string().max(500).regex(/^[a-z0-9-]{2,40}(,[a-z0-9-]{2,40})*$/, 'must be service codes separated by commas').transform((s) => s.split(',')).optional(),
  status: z.enum(['open', 'closed']).optional(),
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  // Single-jurisdiction endpoint: the town follows from the host name; the parameter is accepted and ignored.
  jurisdiction_id: z.string().max(100).optional(),
});

/** An error in the spec's format: a list of { code, description }. */
function open311Error(reply: FastifyReply, code: number, description: string) {
  return reply.code(code).send([{ code, description }]);
}

/**
 * Open311 GeoReport v2, read-only and JSON only so far: discovery, the town's categories as
 * services, and its reports as service requests (only their public part).
 */
export async function open311Routes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  // Absolute links name the town's own host (or BASE_URL), never the Host header a client sent.
  const urlOf = (request: FastifyRequest, path: string) => townUrl(deps.config, deps.tenants.findById(request.tenant.id)!, path);
  const publicUrl = (request: FastifyRequest, id: string) => urlOf(request, `${reportsPath}/${id}`);

  // Documented in /api/openapi.json; the query is checked here, not by a schema, so that errors
  // come in the spec's format rather than Fastify's.
  const doc = (summary: string) => ({ schema: { tags: ['open311'], summary } });

  app.get(`${open311Path}/discovery.json`, doc('Open311 GeoReport v2 discovery'), (request) => ({
    changeset: '2026-11-25T00:00:00Z',
    contact: request.tenant.name,
    key_service: 'API keys for posting are not issued yet; this endpoint is read-only.',
    endpoints: [{
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: urlOf(request, open311Path),
      changeset: '2026-11-25T00:00:00Z',
      type: 'production',
      formats: ['application/json'],
    }],
  }));

  app.get(`${open311Path}/services.json`, doc('Report categories as GeoReport v2 services'), async (request) => (await loadCategories(db, request.tenant.id)).map(presentService));

  app.get(`${open311Path}/requests.json`, doc('Reports as GeoReport v2 service requests (filters: service_code, status, start_date, end_date)'), async (request, reply) => {
    const query = requestsQuery.safeParse(request.query);
    if (!query.success) {
      const issue = query.error.issues[0]!;
      return open311Error(reply, 400, `${issue.path.join('.') || 'query'}: ${issue.message}`);
    }
    const { service_code: codes, status, start_date: start, end_date: end } = query.data;
    const to = end ?? new Date();
    const from = start ?? new Date(to.getTime() - defaultDays * 86_400_000);
    if (from > to) return open311Error(reply, 400, 'start_date: must not be after end_date');
    const reports = await searchReports(db, request.tenant.id, { codes, statuses: status && statusesOf(status), from, to, limit: maxRequests });
    return reports.map((r) => presentRequest(r, publicUrl(request, r.id)));
  });

  app.get(`${open311Path}/requests/:id.json`, doc('One report as a GeoReport v2 service request'), async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const { id } = request.params;
    const report = isUuid(id) ? await loadPublicReport(db, request.tenant.id, id) : undefined;
    if (!report) return open311Error(reply, 404, 'service_request_id not found');
    return [presentRequest(report, publicUrl(request, report.id))];
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ModuleDeps } from '../../app.js';
import { hashToken, isUuid, newToken } from '../../platform/crypto/tokens.js';
import { townUrl } from '../../platform/http/town-url.js';
import { localize } from '../../platform/i18n/i18n.js';
import { normalizeEmail } from '../accounts/index.js';
import { reasonsToHold } from './report-moderation.js';
import { open311Formats, presentRequest, presentService, presentServiceDefinition, statusesOf, toOpen311Xml, type Open311Format } from './open311.js';
import { authenticateOpen311Client, exceedsOpen311RateLimit } from './open311-clients.js';
import { checkAttributeAnswers, describeAttributeProblem, maxDescriptionLength, reportsPath } from './report.js';
import { findStreetOfAddress, isInsideArea, resolveLocation } from './report-location.js';
import { fileDefectReport, findReportOfToken, loadCategories, loadFirstReleasedPhotos, loadPublicReport, loadReportSetup, searchReports } from './reports.service.js';

/** Where the GeoReport v2 endpoints live. */
export const open311Path = '/open311/v2';
// The spec's defaults: the last 90 days, at most 1000 requests.
const defaultDays = 90;
const maxRequests = 1000;
const changeset = '2026-11-28T00:00:00Z';

const isoDate = z.string().max(40).refine((s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date').transform((s) => new Date(s));
const degree = String.raw`-?\d{1,3}(\.\d{1,8})?`;
const requestsQuery = z.strictObject({
  service_request_id: z.string().max(2000).regex(/^[0-9a-f-]{36}(,[0-9a-f-]{36})*$/, 'must be service request ids separated by commas').transform((s) => s.split(',')).optional(),
  service_code: z.string().max(500).regex(/^[a-z0-9-]{2,40}(,[a-z0-9-]{2,40})*$/, 'must be service codes separated by commas').transform((s) => s.split(',')).optional(),
  status: z.enum(['open', 'closed']).optional(),
  start_date: isoDate.optional(),
  end_date: isoDate.optional(),
  // Not in the core spec (a common extension): min_long,min_lat,max_long,max_lat, as in GeoJSON.
  bbox: z.string().max(100).regex(new RegExp(`^${degree},${degree},${degree},${degree}$`), 'must be min_long,min_lat,max_long,max_lat in decimal degrees')
    .transform((s) => s.split(',').map(Number) as [number, number, number, number])
    .refine(([minLon, minLat, maxLon, maxLat]) => minLon <= maxLon && minLat <= maxLat && Math.abs(minLat) <= 90 && Math.abs(maxLat) <= 90 && Math.abs(minLon) <= 180 && Math.abs(maxLon) <= 180, 'must have its minimum below its maximum, within ±90 and ±180')
    .transform(([minLon, minLat, maxLon, maxLat]) => ({ minLon, minLat, maxLon, maxLat }))
    .optional(),
  // Single-jurisdiction endpoint: the town follows from the host name; the parameter is accepted and ignored.
  jurisdiction_id: z.string().max(100).optional(),
});

// The POST parameters of the spec. Personal details beyond the e-mail address (name, phone,
// device and account ids) are accepted and not stored: the report does not need them.
// media_url is accepted and neither fetched nor stored: the portal stores only photos it
// re-encoded itself, and fetching a URL a client names would make the server a proxy into any
// network it can reach.
const postFields = ['api_key', 'jurisdiction_id', 'service_code', 'lat', 'long', 'address_string', 'address_id', 'email', 'device_id', 'account_id', 'first_name', 'last_name', 'phone', 'description', 'media_url'];

/** The spec's error body: a list of { code, description }. */
type Open311Errors = Array<{ code: number; description: string }>;

/** Sends a body in the requested format under the spec's root element name (used for XML only). */
function respond(reply: FastifyReply, format: Open311Format, root: string, body: unknown, code = 200) {
  reply.code(code);
  return format === 'xml' ? reply.type('text/xml; charset=utf-8').send(toOpen311Xml(root, body)) : reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function fail(reply: FastifyReply, format: Open311Format, errors: Open311Errors) {
  return respond(reply, format, 'errors', errors, errors[0]!.code);
}

/**
 * Reads the posted parameters: each known one at most once, `attribute[code]` (repeatable for
 * multi-value lists) into the answers; anything else is an error, so a client learns of a
 * misspelt parameter instead of losing what it meant.
 */
function readPost(body: unknown): { fields: Record<string, string>; attributes: Record<string, string | string[]>; errors: Open311Errors } {
  const fields: Record<string, string> = {};
  const attributes: Record<string, string | string[]> = {};
  const errors: Open311Errors = [];
  if (!body || typeof body !== 'object') return { fields, attributes, errors: [{ code: 400, description: 'body: must be application/x-www-form-urlencoded parameters' }] };
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const attribute = /^attribute\[([a-z0-9_-]{1,40})\]$/.exec(name)?.[1];
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (!values.every((v): v is string => typeof v === 'string')) errors.push({ code: 400, description: `${name}: must be text` });
    else if (attribute) attributes[attribute] = values.length === 1 ? values[0]! : values;
    else if (!postFields.includes(name)) errors.push({ code: 400, description: `${name}: unknown parameter` });
    else if (values.length > 1) errors.push({ code: 400, description: `${name}: given more than once` });
    else fields[name] = values[0]!;
  }
  return { fields, attributes, errors };
}

/**
 * Open311 GeoReport v2: discovery, the town's categories as services with their extra questions,
 * its reports as service requests (only their public part), posting a request with a registered
 * client's api_key, and the spec's tokens. Every endpoint in JSON and XML (by extension).
 */
export async function open311Routes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  // Absolute links name the town's own host (or BASE_URL), never the Host header a client sent.
  const urlOf = (request: FastifyRequest, path: string) => townUrl(deps.config, deps.tenants.findById(request.tenant.id)!, path);
  const publicUrl = (request: FastifyRequest, id: string) => urlOf(request, `${reportsPath}/${id}`);
  // The first photo a clerk released, as the public page serves it.
  const mediaUrl = (request: FastifyRequest, id: string, position: number | undefined) => (position === undefined ? null : urlOf(request, `${reportsPath}/${id}/fotos/${position}`));

  // Documented in /api/openapi.json; input is checked here, not by a schema, so that errors
  // come in the spec's format rather than Fastify's.
  const doc = (summary: string) => ({ schema: { tags: ['open311'], summary } });

  for (const format of open311Formats) {
    app.get(`${open311Path}/discovery.${format}`, doc('Open311 GeoReport v2 discovery'), (request, reply) => respond(reply, format, 'discovery', {
      changeset,
      contact: request.tenant.name,
      key_service: 'API keys are issued by the town administration (npm run cli -- open311 client create).',
      endpoints: [{
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: urlOf(request, open311Path),
        changeset,
        type: 'production',
        formats: ['application/json', 'text/xml'],
      }],
    }));

    app.get(`${open311Path}/services.${format}`, doc('Report categories as GeoReport v2 services'), async (request, reply) =>
      respond(reply, format, 'services', (await loadCategories(db, request.tenant.id)).map(presentService)));

    app.get(`${open311Path}/services/:code.${format}`, doc('A GeoReport v2 service definition: the extra questions of a category'), async (request: FastifyRequest<{ Params: { code: string } }>, reply) => {
      const category = (await loadCategories(db, request.tenant.id)).find((c) => c.code === request.params.code);
      if (!category) return fail(reply, format, [{ code: 404, description: 'service_code not found' }]);
      return respond(reply, format, 'service_definition', presentServiceDefinition(category));
    });

    app.get(`${open311Path}/requests.${format}`, doc('Reports as GeoReport v2 service requests (filters: service_request_id, which overrides the others, service_code, status, start_date, end_date, bbox)'), async (request, reply) => {
      const query = requestsQuery.safeParse(request.query);
      if (!query.success) return fail(reply, format, query.error.issues.map((issue) => ({ code: 400, description: `${issue.path.join('.') || 'query'}: ${issue.message}` })));
      const { service_request_id: ids, service_code: codes, status, start_date: start, end_date: end, bbox: box } = query.data;
      const to = end ?? new Date();
      const from = start ?? new Date(to.getTime() - defaultDays * 86_400_000);
      if (from > to) return fail(reply, format, [{ code: 400, description: 'start_date: must not be after end_date' }]);
      // As the spec says, service_request_id overrides all other arguments.
      const reports = await searchReports(db, request.tenant.id, ids ? { ids, from: new Date(0), to: new Date('9999-12-31T00:00:00Z'), limit: maxRequests }
        : { codes, statuses: status && statusesOf(status), from, to, box, limit: maxRequests });
      const photos = await loadFirstReleasedPhotos(db, request.tenant.id, reports.map((r) => r.id));
      return respond(reply, format, 'service_requests', reports.map((r) => presentRequest(r, publicUrl(request, r.id), mediaUrl(request, r.id, photos.get(r.id)))));
    });

    app.get(`${open311Path}/requests/:id.${format}`, doc('One report as a GeoReport v2 service request'), async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const { id } = request.params;
      const report = isUuid(id) ? await loadPublicReport(db, request.tenant.id, id) : undefined;
      if (!report) return fail(reply, format, [{ code: 404, description: 'service_request_id not found' }]);
      return respond(reply, format, 'service_requests', [presentRequest(report, publicUrl(request, report.id), mediaUrl(request, report.id, report.photos[0]))]);
    });

    app.get(`${open311Path}/tokens/:token.${format}`, doc('The service request a GeoReport v2 token stands for'), async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
      const { token } = request.params;
      const id = isUuid(token) ? await findReportOfToken(db, request.tenant.id, token) : undefined;
      if (!id) return fail(reply, format, [{ code: 404, description: 'token not found' }]);
      return respond(reply, format, 'service_requests', [{ service_request_id: id, token }]);
    });

    app.post(`${open311Path}/requests.${format}`, {
      ...doc('Post a service request (application/x-www-form-urlencoded, api_key of a registered client)'),
      config: { rateLimit: { max: deps.config.submissionRateLimit, timeWindow: '1 minute' } },
    }, async (request, reply) => {
      const { fields, attributes, errors } = readPost(request.body);
      const client = fields.api_key ? await authenticateOpen311Client(db, request.tenant.id, fields.api_key) : undefined;
      if (!client) return fail(reply, format, [{ code: 403, description: 'api_key: missing or not valid' }]);
      if (await exceedsOpen311RateLimit(db, request.tenant.id, client)) {
        return fail(reply.header('retry-after', '3600'), format, [{ code: 429, description: `api_key: at most ${client.requestsPerHour} requests per hour` }]);
      }
      if (errors.length > 0) return fail(reply, format, errors);
      const setup = await loadReportSetup(db, request.tenant.id);
      const category = setup?.categories.find((c) => c.code === fields.service_code);
      if (!setup || !category) return fail(reply, format, [{ code: 404, description: fields.service_code ? 'service_code not found' : 'service_code: required' }]);

      const problems: Open311Errors = [];
      const problem = (description: string) => problems.push({ code: 400, description });
      const address = (fields.address_string ?? '').trim();
      // Coordinates win; without them the address must name a street of the town's list, or be a landmark's name (ADR 0026).
      const street = !(fields.lat || fields.long) && address ? findStreetOfAddress(address, setup.streets) : undefined;
      const landmark = !(fields.lat || fields.long) && !street && address ? setup.landmarks.find((l) => l.name.toLocaleLowerCase('de') === address.toLocaleLowerCase('de')) : undefined;
      const location = fields.lat || fields.long ? resolveLocation({ streetId: '', houseNumber: '', lat: fields.lat ?? '', lon: fields.long ?? '' }, { streets: [] })
        : street ? resolveLocation({ ...street, lat: '', lon: '' }, setup)
          : landmark ? resolveLocation({ streetId: '', houseNumber: '', lat: '', lon: '', landmarkId: landmark.id }, { ...setup, near: () => address }) : 'missing';
      const where = street || landmark ? 'address_string' : 'lat, long';
      if (location === 'missing') problem(address ? `address_string: not a street or landmark of ${request.tenant.name} (give lat and long instead)` : 'lat, long or address_string: required');
      else if (location === 'invalidHouseNumber') problem('address_string: the house number after the street is not one (like 12 or 12a)');
      else if (typeof location === 'string') problem('lat, long: must be decimal degrees within ±90 and ±180');
      else if (!isInsideArea(setup.area.boundary, location)) {
        problem(`${where}: outside ${request.tenant.name}${setup.area.outsideNotice ? `. ${localize(setup.area.outsideNotice, 'en')}` : ''}`);
      }
      const description = (fields.description ?? '').replace(/\r\n/g, '\n').trim();
      if (!description) problem('description: required');
      else if (description.length > maxDescriptionLength) problem(`description: at most ${maxDescriptionLength} characters (given: ${description.length})`);
      if (address.length > 200) problem('address_string: at most 200 characters');
      const email = fields.email?.trim() ? normalizeEmail(fields.email) : null;
      if (fields.email?.trim() && !email) problem('email: not a valid address');
      const answers = checkAttributeAnswers(category.attributes, attributes);
      if (!answers.ok) for (const [code, p] of Object.entries(answers.problems)) problem(`attribute[${code}]: ${describeAttributeProblem(p)}`);
      if (problems.length > 0 || typeof location === 'string' || !answers.ok) return fail(reply, format, problems);

      const { id, token } = await fileDefectReport(deps, request.tenant.id, {
        category, location: { ...location, address: location.address ?? (address || null) }, description, email, photos: [], attributes: answers.answers,
        heldFor: reasonsToHold({ description, blockedWords: setup.area.blockedWords, moderatedClient: client.moderated }),
      }, hashToken(newToken()), { open311ClientId: client.id });
      return respond(reply, format, 'service_requests', [{ service_request_id: id, token, service_notice: null, account_id: null }], 201);
    });
  }
}

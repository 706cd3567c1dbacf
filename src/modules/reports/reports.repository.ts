import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { GeoJsonArea } from '../../platform/db/schema.js';
import type { Lang, Localized } from '../../platform/i18n/i18n.js';
import type { AttributeAnswers, Moderation, PublicReport, ReportAttribute, ReportCategory, ReportLandmark, ReportStatus, ReportStreet } from './report.js';

/** The town's active categories in their configured order. */
export async function listCategories(trx: Trx): Promise<ReportCategory[]> {
  const rows = await trx.selectFrom('report_categories').select(['id', 'code', 'name', 'description', 'department_id', 'attributes'])
    .where('active', '=', true).orderBy('position').orderBy('code').execute();
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, description: r.description, departmentId: r.department_id, attributes: r.attributes as ReportAttribute[] }));
}

/** The town's street list, alphabetical. */
export async function listStreets(trx: Trx): Promise<ReportStreet[]> {
  return trx.selectFrom('report_streets').select(['id', 'name', 'lat', 'lon']).orderBy('name').execute();
}

/** The town's landmarks, alphabetical. */
export async function listLandmarks(trx: Trx): Promise<ReportLandmark[]> {
  return trx.selectFrom('report_landmarks').select(['id', 'name', 'description', 'lat', 'lon']).orderBy('name').execute();
}

/** The town's boundary and the notice for places outside it, if configured. */
export async function findArea(trx: Trx): Promise<{ boundary: GeoJsonArea; outsideNotice: Localized | null; blockedWords: string[] } | undefined> {
  const row = await trx.selectFrom('report_areas').select(['boundary', 'outside_notice', 'blocked_words']).executeTakeFirst();
  return row && { boundary: row.boundary, outsideNotice: row.outside_notice, blockedWords: row.blocked_words };
}

/** A new report with its private details and photos, in the caller's transaction. */
export async function insertReport(trx: Trx, report: {
  tenantId: string; id: string; categoryId: string; departmentId: string; lat: number; lon: number; locationLabel: string | null;
  description: string; address: string | null; reporterEmail: string | null; receiptTokenHash: string;
  photos: Array<{ sha256: string; thumbnailSha256: string; width: number; height: number }>;
  attributes?: AttributeAnswers;
  /** Why it waits for a clerk before it is public (none: public at once). */
  heldFor?: readonly string[];
  /** The reporter's language, for the mails about the report. */
  lang?: Lang;
}): Promise<void> {
  const { tenantId, id } = report;
  await trx.insertInto('reports').values({
    tenant_id: tenantId, id, category_id: report.categoryId, department_id: report.departmentId,
    lat: report.lat, lon: report.lon, location_label: report.locationLabel, moderation: report.heldFor?.length ? 'held' : 'public',
  }).execute();
  await trx.insertInto('report_details').values({
    tenant_id: tenantId, report_id: id, description: report.description, address: report.address,
    reporter_email: report.reporterEmail, receipt_token_hash: report.receiptTokenHash, attributes: JSON.stringify(report.attributes ?? {}),
    held_for: [...(report.heldFor ?? [])], lang: report.lang,
  }).execute();
  if (report.photos.length > 0) {
    await trx.insertInto('report_photos').values(report.photos.map((p, i) => ({
      tenant_id: tenantId, report_id: id, position: i + 1, sha256: p.sha256, thumbnail_sha256: p.thumbnailSha256, width: p.width, height: p.height,
    }))).execute();
  }
}

/**
 * What the public may see of `reports as r`: reports moderation let through (ADR 0026,
 * "Moderation"). Every public query (list, page, Open311, duplicate hints, photos, and the map and
 * feeds built on them) applies this one condition; held and spam reports stay in the back office.
 */
export const publiclyVisible = sql<boolean>`r.moderation = 'public'`;

/** Reports as the public lists them: visible, and not merged into another report (that one stands for both). */
const listedPublicly = sql<boolean>`${publiclyVisible} and r.duplicate_of is null`;

function reportQuery(trx: Trx) {
  return trx.selectFrom('reports as r')
    .innerJoin('report_categories as c', (j) => j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.category_id'))
    .select(['r.id', 'c.code', 'c.name', 'r.status', 'r.lat', 'r.lon', 'r.location_label', 'r.public_comment', 'r.public_description', 'r.created_at', 'r.updated_at', 'r.duplicate_of'])
    .select(sql<number>`(select count(*)::int from report_supports s where s.tenant_id = r.tenant_id and s.report_id = r.id)`.as('supports'));
}

function publicReportQuery(trx: Trx) {
  return reportQuery(trx).where(listedPublicly);
}

function toPublicReport(row: Awaited<ReturnType<ReturnType<typeof reportQuery>['executeTakeFirstOrThrow']>>): PublicReport {
  return {
    id: row.id, category: { code: row.code, name: row.name }, status: row.status as ReportStatus, lat: row.lat, lon: row.lon,
    locationLabel: row.location_label, publicComment: row.public_comment, publicDescription: row.public_description,
    supports: row.supports, createdAt: row.created_at, updatedAt: row.updated_at, duplicateOf: row.duplicate_of,
  };
}

/** One page of the town's reports, newest first (one more than asked, so the caller knows if more follow). */
export async function listPublicReports(trx: Trx, page: { limit: number; offset: number }): Promise<PublicReport[]> {
  const rows = await publicReportQuery(trx).orderBy('r.created_at', 'desc').orderBy('r.id').limit(page.limit).offset(page.offset).execute();
  return rows.map(toPublicReport);
}

/** A bounding box in degrees. */
export interface BoundingBox { minLon: number; minLat: number; maxLon: number; maxLat: number }

/**
 * Reports for the Open311 list: newest first, filtered by ids, category codes, statuses, a period
 * of filing and a bounding box. The box is matched against the rounded coordinates the public
 * sees: against the exact ones, narrowing boxes would find a reporter's doorstep.
 */
export async function searchPublicReports(trx: Trx, filter: { ids?: string[]; codes?: string[]; statuses?: ReportStatus[]; from: Date; to: Date; box?: BoundingBox; limit: number }): Promise<PublicReport[]> {
  let query = publicReportQuery(trx).where('r.created_at', '>=', filter.from).where('r.created_at', '<=', filter.to);
  if (filter.ids) query = query.where('r.id', 'in', filter.ids);
  if (filter.codes) query = query.where('c.code', 'in', filter.codes);
  if (filter.statuses) query = query.where('r.status', 'in', filter.statuses);
  if (filter.box) {
    const { minLon, minLat, maxLon, maxLat } = filter.box;
    query = query.where(sql<boolean>`round(r.lat::numeric, 3) between ${minLat} and ${maxLat} and round(r.lon::numeric, 3) between ${minLon} and ${maxLon}`);
  }
  const rows = await query.orderBy('r.created_at', 'desc').orderBy('r.id').limit(filter.limit).execute();
  return rows.map(toPublicReport);
}

/** One report's public part, if the public may see it (a merged one too: its page points to the other). */
export async function findPublicReport(trx: Trx, id: string): Promise<PublicReport | undefined> {
  const row = await reportQuery(trx).where(publiclyVisible).where('r.id', '=', id).executeTakeFirst();
  return row && toPublicReport(row);
}

/** One report's public part whether or not moderation let it through: for its reporter's receipt, its mails and the back office. */
export async function findReport(trx: Trx, id: string): Promise<(PublicReport & { moderation: Moderation }) | undefined> {
  const row = await reportQuery(trx).select('r.moderation').where('r.id', '=', id).executeTakeFirst();
  return row && { ...toPublicReport(row), moderation: row.moderation as Moderation };
}

/** What the citizen typed, as the receipt shows it; row-level security admits only the receipt's holder and the department. */
export async function findReportDetails(trx: Trx, id: string): Promise<{ description: string; address: string | null; reporterEmail: string | null; photos: number } | undefined> {
  const row = await trx.selectFrom('report_details as d').select(['d.description', 'd.address', 'd.reporter_email'])
    .select(sql<number>`(select count(*)::int from report_photos p where p.tenant_id = d.tenant_id and p.report_id = d.report_id)`.as('photos'))
    .where('d.report_id', '=', id).executeTakeFirst();
  return row && { description: row.description, address: row.address, reporterEmail: row.reporter_email, photos: row.photos };
}

/** The town's report set-up, written by the owner (seed, CLI): area, streets, landmarks, categories by department key. */
export async function insertReportSetup(trx: Trx, tenantId: string, setup: {
  boundary: GeoJsonArea; outsideNotice?: Localized; blockedWords?: string[];
  streets: Array<{ name: string; lat: number; lon: number }>;
  landmarks?: Array<{ name: string; description?: string; lat: number; lon: number }>;
  categories: Array<{ code: string; name: Localized; description: Localized; department: string; attributes?: ReportAttribute[] }>;
}): Promise<void> {
  await trx.insertInto('report_areas').values({
    tenant_id: tenantId, boundary: JSON.stringify(setup.boundary), outside_notice: setup.outsideNotice ? JSON.stringify(setup.outsideNotice) : null,
    blocked_words: setup.blockedWords ?? [],
  }).execute();
  if (setup.streets.length > 0) await trx.insertInto('report_streets').values(setup.streets.map((s) => ({ tenant_id: tenantId, ...s }))).execute();
  if (setup.landmarks?.length) await trx.insertInto('report_landmarks').values(setup.landmarks.map((l) => ({ tenant_id: tenantId, ...l }))).execute();
  for (const [position, c] of setup.categories.entries()) {
    const department = await trx.selectFrom('departments').select('id').where('tenant_id', '=', tenantId).where('key', '=', c.department).executeTakeFirstOrThrow();
    await trx.insertInto('report_categories').values({
      tenant_id: tenantId, code: c.code, name: JSON.stringify(c.name), description: JSON.stringify(c.description), department_id: department.id, position,
      attributes: JSON.stringify(c.attributes ?? []),
    }).execute();
  }
}

/** A row of the department's report inbox. */
export interface InboxReport { id: string; categoryName: Localized; status: ReportStatus; departmentId: string; locationLabel: string | null; address: string | null; createdAt: Date }

/**
 * The reports routed to the clerk's departments, newest first (one more than asked). The inner
 * join with report_details is what limits it: row-level security shows those rows to the routed
 * department only, while `reports` itself is public.
 */
export async function listDepartmentReports(trx: Trx, page: { statuses: readonly ReportStatus[]; moderation: readonly Moderation[]; limit: number; offset: number }): Promise<InboxReport[]> {
  const rows = await trx.selectFrom('reports as r')
    .innerJoin('report_details as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.report_id', '=', 'r.id'))
    .innerJoin('report_categories as c', (j) => j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.category_id'))
    .select(['r.id', 'c.name', 'r.status', 'r.department_id', 'r.location_label', 'd.address', 'r.created_at'])
    .where('r.status', 'in', [...page.statuses]).where('r.moderation', 'in', [...page.moderation])
    // A merged duplicate leaves the inbox: the report it was merged into stands for both.
    .where('r.duplicate_of', 'is', null)
    .orderBy('r.created_at', 'desc').orderBy('r.id').limit(page.limit).offset(page.offset).execute();
  return rows.map((r) => ({ id: r.id, categoryName: r.name, status: r.status as ReportStatus, departmentId: r.department_id, locationLabel: r.location_label, address: r.address, createdAt: r.created_at }));
}

/** A report as the routed department works on it: public part, what was typed, photos; undefined when RLS hides the details. */
export async function findStaffReport(trx: Trx, id: string, options: { lock?: boolean } = {}) {
  let query = trx.selectFrom('reports as r')
    .innerJoin('report_details as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.report_id', '=', 'r.id'))
    .innerJoin('report_categories as c', (j) => j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.category_id'))
    .select(['r.department_id', 'r.updated_at', 'r.category_id', 'd.description', 'd.address', 'd.reporter_email', 'd.attributes', 'd.held_for', 'd.lang', 'd.redacted_at', 'c.attributes as questions'])
    .where('r.id', '=', id);
  // FOR UPDATE of the public row only: the details are never changed.
  if (options.lock) query = query.forUpdate('r');
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const report = (await findReport(trx, id))!;
  const photos = await trx.selectFrom('report_photos').select(['position', 'sha256', 'thumbnail_sha256', 'width', 'height', 'released'])
    .where('report_id', '=', id).orderBy('position').execute();
  return {
    report, departmentId: row.department_id, updatedAt: row.updated_at, categoryId: row.category_id,
    description: row.description, address: row.address, reporterEmail: row.reporter_email, lang: row.lang as Lang, redactedAt: row.redacted_at,
    answers: answersOf(row.questions as ReportAttribute[], row.attributes), heldFor: row.held_for,
    photos: photos.map((p) => ({ position: p.position, sha256: p.sha256, thumbnailSha256: p.thumbnail_sha256, width: p.width, height: p.height, released: p.released })),
  };
}

/** Answers to the category's extra questions with their question texts, in the questions' order. */
function answersOf(questions: ReportAttribute[], answers: AttributeAnswers): Array<{ question: Localized; answer: Array<string | Localized> }> {
  return questions.filter((q) => answers[q.code] !== undefined).map((q) => {
    const given = answers[q.code]!;
    // A list answer shows the choice's name; a free answer as given.
    const named = (value: string) => q.values?.find((v) => v.key === value)?.name ?? value;
    return { question: q.description, answer: (Array.isArray(given) ? given : [given]).map(named) };
  });
}

/** Changes what a clerk may change of a report (the column grants allow nothing else). */
export async function updateReport(trx: Trx, id: string, change: { status?: ReportStatus; publicComment?: string | null; publicDescription?: string | null; departmentId?: string }): Promise<void> {
  await trx.updateTable('reports').set({
    ...(change.status !== undefined ? { status: change.status } : {}),
    ...(change.publicComment !== undefined ? { public_comment: change.publicComment } : {}),
    ...(change.publicDescription !== undefined ? { public_description: change.publicDescription } : {}),
    ...(change.departmentId !== undefined ? { department_id: change.departmentId } : {}),
    updated_at: sql<Date>`now()`,
  }).where('id', '=', id).execute();
}

/** Sets which of a report's photos are public. */
export async function setReleasedPhotos(trx: Trx, id: string, positions: readonly number[]): Promise<void> {
  await trx.updateTable('report_photos').set({ released: sql<boolean>`position = any (${sql.val([...positions])}::smallint[])` }).where('report_id', '=', id).execute();
}

/** Back office history kinds, as in the CHECK of report_events. */
export type ReportEventKind = 'status' | 'note' | 'released' | 'reassigned' | 'moderated' | 'merged' | 'reopened';

/** Adds to a report's back office history. */
export async function insertReportEvent(trx: Trx, event: { tenantId: string; reportId: string; staffId: string | null; kind: ReportEventKind; details: Record<string, unknown> }): Promise<void> {
  await trx.insertInto('report_events').values({ tenant_id: event.tenantId, report_id: event.reportId, staff_id: event.staffId, kind: event.kind, details: JSON.stringify(event.details) }).execute();
}

/** A report's back office history, oldest first, with the clerks' names. */
export async function listReportEvents(trx: Trx, reportId: string) {
  const rows = await trx.selectFrom('report_events as e')
    .leftJoin('staff as s', (j) => j.onRef('s.tenant_id', '=', 'e.tenant_id').onRef('s.id', '=', 'e.staff_id'))
    .select(['e.id', 'e.occurred_at', 'e.kind', 'e.details', 's.name as staff_name'])
    .where('e.report_id', '=', reportId).orderBy('e.id').execute();
  return rows.map((r) => ({ id: String(r.id), occurredAt: r.occurred_at, kind: r.kind as ReportEventKind, details: r.details, staffName: r.staff_name }));
}

/** A photo's file store addresses, if row-level security shows it (released, or to the department or the receipt holder). */
export async function findReportPhoto(trx: Trx, reportId: string, position: number): Promise<{ sha256: string; thumbnailSha256: string; released: boolean } | undefined> {
  const row = await trx.selectFrom('report_photos').select(['sha256', 'thumbnail_sha256', 'released']).where('report_id', '=', reportId).where('position', '=', position).executeTakeFirst();
  return row && { sha256: row.sha256, thumbnailSha256: row.thumbnail_sha256, released: row.released };
}

/** The positions of a report's released photos (what the public page shows). */
export async function listReleasedPhotos(trx: Trx, reportId: string): Promise<number[]> {
  const rows = await trx.selectFrom('report_photos').select('position').where('report_id', '=', reportId).where('released', '=', true).orderBy('position').execute();
  return rows.map((r) => r.position);
}

/** The first released photo of each of the reports (by id), for Open311's media_url. */
export async function listFirstReleasedPhotos(trx: Trx, reportIds: readonly string[]): Promise<Map<string, number>> {
  if (reportIds.length === 0) return new Map();
  const rows = await trx.selectFrom('report_photos').select(['report_id', sql<number>`min(position)::int`.as('position')])
    .where('report_id', 'in', [...reportIds]).where('released', '=', true).groupBy('report_id').execute();
  return new Map(rows.map((r) => [r.report_id, r.position]));
}

/** Stores the hash of a status mail's unsubscribe token. */
export async function insertMailToken(trx: Trx, tenantId: string, reportId: string, tokenHash: string): Promise<void> {
  await trx.insertInto('report_mail_tokens').values({ tenant_id: tenantId, report_id: reportId, token_hash: tokenHash }).execute();
}

/** The report an unsubscribe token belongs to. */
export async function findMailToken(trx: Trx, tokenHash: string): Promise<string | undefined> {
  return (await trx.selectFrom('report_mail_tokens').select('report_id').where('token_hash', '=', tokenHash).executeTakeFirst())?.report_id;
}

/** Stops status mails for a report (idempotent). */
export async function insertMailStop(trx: Trx, tenantId: string, reportId: string): Promise<void> {
  await trx.insertInto('report_mail_stops').values({ tenant_id: tenantId, report_id: reportId }).onConflict((oc) => oc.doNothing()).execute();
}

/** Whether the reporter asked for no further mails about a report. */
export async function isMailStopped(trx: Trx, reportId: string): Promise<boolean> {
  return (await trx.selectFrom('report_mail_stops').select('report_id').where('report_id', '=', reportId).executeTakeFirst()) !== undefined;
}

/** An API client by the hash of its key; revoked clients are not found. */
export async function findOpen311Client(trx: Trx, keyHash: string): Promise<{ id: string; name: string; requestsPerHour: number; moderated: boolean } | undefined> {
  const row = await trx.selectFrom('open311_clients').select(['id', 'name', 'requests_per_hour', 'moderated']).where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
  return row && { id: row.id, name: row.name, requestsPerHour: row.requests_per_hour, moderated: row.moderated };
}

/** How many requests a client posted since a moment. */
export async function countOpen311Requests(trx: Trx, clientId: string, since: Date): Promise<number> {
  const row = await trx.selectFrom('open311_requests').select(sql<number>`count(*)::int`.as('n')).where('client_id', '=', clientId).where('created_at', '>=', since).executeTakeFirstOrThrow();
  return row.n;
}

/** Records that a report came from an API client; returns its spec token. */
export async function insertOpen311Request(trx: Trx, tenantId: string, reportId: string, clientId: string): Promise<string> {
  return (await trx.insertInto('open311_requests').values({ tenant_id: tenantId, report_id: reportId, client_id: clientId }).returning('token').executeTakeFirstOrThrow()).token;
}

/** The report a spec token stands for. */
export async function findOpen311Token(trx: Trx, token: string): Promise<string | undefined> {
  return (await trx.selectFrom('open311_requests').select('report_id').where('token', '=', token).executeTakeFirst())?.report_id;
}

/** Registers an API client (owner only: CLI, town administration); the caller made the key and keeps only its hash here. */
export async function insertOpen311Client(trx: Trx, tenantId: string, client: { name: string; keyHash: string; requestsPerHour?: number; moderated?: boolean }): Promise<string> {
  return (await trx.insertInto('open311_clients').values({ tenant_id: tenantId, name: client.name, key_hash: client.keyHash, requests_per_hour: client.requestsPerHour, moderated: client.moderated }).returning('id').executeTakeFirstOrThrow()).id;
}

/** Open reports of a category whose point lies in a box (the caller then measures the distance). */
export async function listOpenReportsInBox(trx: Trx, categoryId: string, box: BoundingBox): Promise<PublicReport[]> {
  const rows = await publicReportQuery(trx).where('r.category_id', '=', categoryId).where('r.status', 'in', ['received', 'in_progress'])
    .where('r.lat', '>=', box.minLat).where('r.lat', '<=', box.maxLat).where('r.lon', '>=', box.minLon).where('r.lon', '<=', box.maxLon)
    .orderBy('r.created_at', 'desc').limit(20).execute();
  return rows.map(toPublicReport);
}

/** Adds a supporter to a report; false when this supporter already supports it. */
export async function insertSupport(trx: Trx, tenantId: string, reportId: string, supporterHash: string): Promise<boolean> {
  const inserted = await trx.insertInto('report_supports').values({ tenant_id: tenantId, report_id: reportId, supporter_hash: supporterHash })
    .onConflict((oc) => oc.doNothing()).returning('report_id').executeTakeFirst();
  return inserted !== undefined;
}

/** The town's API clients, newest first (never their keys). */
export async function listOpen311Clients(trx: Trx): Promise<Array<{ id: string; name: string; requestsPerHour: number; createdAt: Date; revokedAt: Date | null }>> {
  const rows = await trx.selectFrom('open311_clients').select(['id', 'name', 'requests_per_hour', 'created_at', 'revoked_at']).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, requestsPerHour: r.requests_per_hour, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Revokes a client's key; false when there is no such client or it is revoked already. */
export async function revokeOpen311Client(trx: Trx, id: string): Promise<boolean> {
  const row = await trx.updateTable('open311_clients').set({ revoked_at: sql<Date>`now()` }).where('id', '=', id).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
  return row !== undefined;
}

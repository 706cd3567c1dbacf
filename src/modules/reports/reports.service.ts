import { randomUUID } from 'node:crypto';
import { hashToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import type { GeoJsonArea } from '../../platform/db/schema.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { localize, type Lang, type Localized } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { normalizeEmail } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import { distanceMetres, maxDescriptionLength, maxPhotos, nearbyMetres, type AttributeAnswers, type PublicReport, type ReportCategory, type ReportLandmark, type ReportStreet } from './report.js';
import { isInsideArea, resolveLocation, type LocationProblem, type ReportLocation } from './report-location.js';
import { enqueueAlerts } from './report-alerts.js';
import type { HoldReason } from './report-moderation.js';
import { checkFormAnswers } from './report-questions.js';
import { maxInputPixels, processPhoto, type ProcessedPhoto } from './report-photos.js';
import { findArea, findPublicReport, findReport, findReportDetails, findOpen311Token, findReportPhoto, insertOpen311Request, insertReport, insertSupport, listOpenReportsInBox, listCategories, listFirstReleasedPhotos, listLandmarks, listPublicReports, listReleasedPhotos, listStreets, searchPublicReports } from './reports.repository.js';
import { t } from './reports.i18n.js';

/** What a town needs to take reports: categories, the street and landmark lists and its area. */
export interface ReportSetup { categories: ReportCategory[]; streets: ReportStreet[]; landmarks: ReportLandmark[]; area: { boundary: GeoJsonArea; outsideNotice: Localized | null; blockedWords: string[] } }

/** The report form as typed (everything kept for a re-render). */
export interface ReportFormValues {
  kategorie: string; strasse: string; hausnummer: string; naehe: string; breite: string; laenge: string; beschreibung: string; email: string;
  /** Answers to extra questions by form field (report-questions.ts), every category's as sent. */
  fragen: Record<string, string[]>;
}

/** An uploaded file before it is checked: its name as sent, its bytes, whether the upload limit cut it off. */
export interface UploadedPhoto { filename: string; bytes: Buffer; truncated: boolean }

/** A report that passed every check, ready to be stored. */
export interface CheckedReport { category: ReportCategory; location: ReportLocation; description: string; email: string | null; photos: ProcessedPhoto[]; attributes?: AttributeAnswers; heldFor?: readonly HoldReason[]; lang?: Lang }

/** The town's report set-up, or undefined when it takes no reports (no area or no categories configured). */
export async function loadReportSetup(db: Db, tenantId: string): Promise<ReportSetup | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const [categories, streets, landmarks, area] = await Promise.all([listCategories(trx), listStreets(trx), listLandmarks(trx), findArea(trx)]);
    return area && categories.length > 0 ? { categories, streets, landmarks, area } : undefined;
  });
}

const locationErrors: Record<LocationProblem, { field: keyof ReportFormValues; message: Parameters<typeof t>[1] }> = {
  missing: { field: 'strasse', message: 'errorLocationMissing' }, unknownStreet: { field: 'strasse', message: 'errorUnknownStreet' },
  invalidCoordinates: { field: 'breite', message: 'errorInvalidCoordinates' }, invalidHouseNumber: { field: 'hausnummer', message: 'errorInvalidHouseNumber' },
  unknownLandmark: { field: 'naehe', message: 'errorUnknownLandmark' }, streetAndLandmark: { field: 'naehe', message: 'errorStreetAndLandmark' },
};

/**
 * Checks a report as posted: every field, the place inside the town's area, and each photo
 * re-encoded (photos are processed only when everything else is right, so a mistyped form costs no
 * image work). Errors are keyed by the form's field names.
 */
export async function checkReport(setup: ReportSetup, values: ReportFormValues, uploads: UploadedPhoto[], context: { lang: Lang; townName: string }): Promise<{ ok: true; report: CheckedReport } | { ok: false; errors: FieldErrors }> {
  const { lang } = context;
  const errors: FieldErrors = {};
  const category = setup.categories.find((c) => c.code === values.kategorie);
  if (!category) errors.kategorie = t(lang, 'errorCategory');
  const location = resolveLocation({ streetId: values.strasse, houseNumber: values.hausnummer, lat: values.breite, lon: values.laenge, landmarkId: values.naehe },
    { streets: setup.streets, landmarks: setup.landmarks, near: (name) => t(lang, 'nearLandmark', { landmark: name }) });
  if (typeof location === 'string') {
    errors[locationErrors[location].field] = t(lang, locationErrors[location].message);
  } else if (!isInsideArea(setup.area.boundary, location)) {
    const notice = setup.area.outsideNotice ? ` ${localize(setup.area.outsideNotice, lang)}` : '';
    errors[values.breite ? 'breite' : values.naehe ? 'naehe' : 'strasse'] = t(lang, 'errorOutside', { town: context.townName }) + notice;
  }
  const description = values.beschreibung.trim();
  if (!description) errors.beschreibung = t(lang, 'errorDescriptionMissing');
  else if (description.length > maxDescriptionLength) errors.beschreibung = t(lang, 'errorDescriptionTooLong', { max: maxDescriptionLength, length: description.length });
  const email = values.email.trim() ? normalizeEmail(values.email) : null;
  if (values.email.trim() && !email) errors.email = t(lang, 'errorEmail');
  const answers = category ? checkFormAnswers(category, values.fragen, lang) : undefined;
  if (answers && !answers.ok) Object.assign(errors, answers.errors);
  const photoError = uploads.length > maxPhotos ? t(lang, 'errorTooManyPhotos', { max: maxPhotos }) : uploads.find((u) => u.truncated) && t(lang, 'errorPhotoTooLarge', { file: uploads.find((u) => u.truncated)!.filename });
  if (photoError) errors.fotos = photoError;
  if (Object.keys(errors).length > 0) {
    if (uploads.length > 0) errors.fotos ??= t(lang, 'errorPhotosAgain');
    return { ok: false, errors };
  }
  const photos: ProcessedPhoto[] = [];
  for (const upload of uploads) {
    const processed = await processPhoto(upload.bytes);
    if (processed === 'notAnImage') return { ok: false, errors: { fotos: t(lang, 'errorPhotoNotImage', { file: upload.filename }) } };
    if (processed === 'tooManyPixels') return { ok: false, errors: { fotos: t(lang, 'errorPhotoTooManyPixels', { file: upload.filename, max: maxInputPixels / 1_000_000 }) } };
    photos.push(processed);
  }
  return { ok: true, report: { category: category!, location: location as ReportLocation, description, email, photos, attributes: answers?.ok ? answers.answers : {} } };
}

/**
 * Files a checked report: the photos into the file store (content-addressed, so a failed
 * transaction leaves only unreferenced bytes), then the report, its private details, its photos
 * and an audit entry (no personal data) in one transaction. A report posted by an Open311 client
 * is recorded with the client, which gives it the spec's token. Returns the new report's id (and
 * that token); the web route keeps the receipt token's hash in the browser's session.
 */
export async function fileDefectReport(
  deps: { db: Db; files: FileStore }, tenantId: string, report: CheckedReport, receiptTokenHash: string, origin?: { open311ClientId: string },
): Promise<{ id: string; token: string | null }> {
  const stored = await Promise.all(report.photos.map(async (p) => ({
    sha256: await deps.files.put(p.photo), thumbnailSha256: await deps.files.put(p.thumbnail), width: p.width, height: p.height,
  })));
  const id = randomUUID();
  const token = await inTransaction(deps.db, { tenantId }, async (trx) => {
    await insertReport(trx, {
      tenantId, id, categoryId: report.category.id, departmentId: report.category.departmentId,
      lat: report.location.lat, lon: report.location.lon, locationLabel: report.location.label,
      description: report.description, address: report.location.address, reporterEmail: report.email, receiptTokenHash, photos: stored, attributes: report.attributes, heldFor: report.heldFor, lang: report.lang,
    });
    if (!report.heldFor?.length) await enqueueAlerts(trx, tenantId, id);
    const actor = origin ? `open311:${origin.open311ClientId}` : 'citizen';
    await recordAudit(trx, { tenantId, actor, action: 'report.filed', subject: `report:${id}`, details: { category: report.category.code, photos: stored.length, held: (report.heldFor ?? []).join(',') } });
    return origin ? insertOpen311Request(trx, tenantId, id, origin.open311ClientId) : null;
  });
  return { id, token };
}

/** The receipt of a report: its public part and what the citizen typed, for the browser holding the receipt only. */
export async function loadReceipt(db: Db, tenantId: string, receiptTokenHashes: readonly string[], id: string) {
  return inTransaction(db, { tenantId, receiptTokenHashes }, async (trx) => {
    const details = await findReportDetails(trx, id);
    const report = details && (await findReport(trx, id));
    return report && details ? { report, details } : undefined;
  });
}

/** Reports per page of the public list. */
export const reportsPerPage = 25;

/** A page of the public list and whether an older page follows. */
export async function loadPublicReports(db: Db, tenantId: string, page: number): Promise<{ reports: PublicReport[]; hasOlder: boolean }> {
  const rows = await inTransaction(db, { tenantId }, (trx) => listPublicReports(trx, { limit: reportsPerPage + 1, offset: (page - 1) * reportsPerPage }));
  return { reports: rows.slice(0, reportsPerPage), hasOlder: rows.length > reportsPerPage };
}

/** One report's public page, with the positions of its released photos. */
export function loadPublicReport(db: Db, tenantId: string, id: string): Promise<(PublicReport & { photos: number[] }) | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const report = await findPublicReport(trx, id);
    return report && { ...report, photos: await listReleasedPhotos(trx, id) };
  });
}

/** A released photo's file store addresses, for the public page; undefined unless a clerk released it. */
export async function loadReleasedPhoto(db: Db, tenantId: string, id: string, position: number): Promise<{ sha256: string; thumbnailSha256: string } | undefined> {
  const photo = await inTransaction(db, { tenantId }, async (trx) => (await findPublicReport(trx, id)) && findReportPhoto(trx, id, position));
  return photo?.released ? photo : undefined;
}

/** The first released photo of each report, by report id (Open311's media_url). */
export function loadFirstReleasedPhotos(db: Db, tenantId: string, reportIds: readonly string[]): Promise<Map<string, number>> {
  return inTransaction(db, { tenantId }, (trx) => listFirstReleasedPhotos(trx, reportIds));
}

/** The town's categories, for the Open311 service list (empty when it takes no reports). */
export function loadCategories(db: Db, tenantId: string): Promise<ReportCategory[]> {
  return inTransaction(db, { tenantId }, (trx) => listCategories(trx));
}

/** Reports for the Open311 list (public part only). */
export function searchReports(db: Db, tenantId: string, filter: Parameters<typeof searchPublicReports>[1]): Promise<PublicReport[]> {
  return inTransaction(db, { tenantId }, (trx) => searchPublicReports(trx, filter));
}

/** The report an Open311 token stands for (the spec's tokens/{token}). */
export function findReportOfToken(db: Db, tenantId: string, token: string): Promise<string | undefined> {
  return inTransaction(db, { tenantId }, (trx) => findOpen311Token(trx, token));
}

/**
 * Open reports of the same category within 50 m of a place, nearest first: offered to the citizen
 * to support instead of filing a duplicate. Measured on the exact points (the citizen is standing
 * there), but shown with the public, rounded place only.
 */
export async function findNearbyReports(db: Db, tenantId: string, categoryId: string, point: { lat: number; lon: number }): Promise<PublicReport[]> {
  // A box a little larger than the circle, so the index narrows it down; the distance decides.
  const dLat = (nearbyMetres * 1.2) / 111_320;
  const dLon = dLat / Math.cos((point.lat * Math.PI) / 180);
  const candidates = await inTransaction(db, { tenantId }, (trx) =>
    listOpenReportsInBox(trx, categoryId, { minLat: point.lat - dLat, maxLat: point.lat + dLat, minLon: point.lon - dLon, maxLon: point.lon + dLon }));
  return candidates
    .map((r) => ({ r, d: distanceMetres(point, r) }))
    .filter((x) => x.d <= nearbyMetres)
    .sort((a, b) => a.d - b.d)
    .map((x) => x.r);
}

/**
 * Records that a browser supports a report ("me too"), once per browser session: the supporter
 * is a hash of the session's id hash and the report, so the row says nothing about the session.
 * Returns false for an unknown report.
 */
export async function supportReport(db: Db, tenantId: string, id: string, sessionIdHash: string): Promise<boolean> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const found = await findPublicReport(trx, id);
    if (!found) return false;
    // Supporting a merged report supports the one it was merged into.
    const reportId = found.duplicateOf ?? id;
    const added = await insertSupport(trx, tenantId, reportId, hashToken(`${sessionIdHash}:${reportId}`));
    if (added) await recordAudit(trx, { tenantId, actor: 'citizen', action: 'report.supported', subject: `report:${reportId}` });
    return true;
  });
}

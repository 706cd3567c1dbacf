import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import type { GeoJsonArea } from '../../platform/db/schema.js';
import type { Localized } from '../../platform/i18n/i18n.js';
import { recordAudit } from '../audit/index.js';
import type { ReportLandmark, ReportStreet } from './report.js';
import { isInsideArea, parsePoint } from './report-location.js';
import { findArea, listLandmarks, listStreets } from './reports.repository.js';
import { countStreetAlerts, deleteLandmark, deleteStreet, insertCategory, insertLandmark, insertStreets, listCategorySettings, updateBlockedWords, updateCategory, type CategorySetting } from './report-settings.repository.js';
import { listDepartments } from '../tenants/tenants.repository.js';

/** What a town admin keeps on the report settings page: landmarks, streets, blocked words (and the area they must lie in). */
export interface ReportSettings { landmarks: ReportLandmark[]; streets: ReportStreet[]; blockedWords: string[]; boundary: GeoJsonArea }

/** Why a name, place or word is refused; the page words it per language. */
export interface SettingsProblem {
  kind: 'nameMissing' | 'nameLength' | 'nameTaken' | 'descriptionLength' | 'coordinates' | 'outside' | 'linesMissing' | 'tooManyLines' | 'lineFormat' | 'wordLength' | 'tooManyWords' | 'streetHasAlerts';
  /** The pasted line it is about, the name or word concerned, the alerts that keep a street. */
  line?: number; text?: string; count?: number;
}

/** Most streets one paste adds, and most blocked words a town keeps: enough for a town, bounded work per request. */
export const maxStreetLines = 500;
export const maxBlockedWords = 200;
// Shorter words would hold every report that contains them as part of another word.
const wordLength = { min: 3, max: 60 };

/** The town's report settings, or undefined when it takes no reports (no area configured by the operator). */
export async function loadReportSettings(db: Db, tenantId: string): Promise<ReportSettings | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const area = await findArea(trx);
    return area && { landmarks: await listLandmarks(trx), streets: await listStreets(trx), blockedWords: area.blockedWords, boundary: area.boundary };
  });
}

const sameName = (a: string, b: string) => a.toLocaleLowerCase('de') === b.toLocaleLowerCase('de');

/** Checks a name of the list and the point it stands for: 2–120 characters, not taken (in any case), inside the town's area. */
function checkPlace(name: string, lat: string, lon: string, taken: readonly string[], boundary: GeoJsonArea): { ok: true; lat: number; lon: number } | { ok: false; problem: SettingsProblem } {
  if (!name) return { ok: false, problem: { kind: 'nameMissing' } };
  if (name.length < 2 || name.length > 120) return { ok: false, problem: { kind: 'nameLength', text: name } };
  if (taken.some((t) => sameName(t, name))) return { ok: false, problem: { kind: 'nameTaken', text: name } };
  const point = parsePoint(lat, lon);
  if (!point) return { ok: false, problem: { kind: 'coordinates', text: name } };
  if (!isInsideArea(boundary, point)) return { ok: false, problem: { kind: 'outside', text: name } };
  return { ok: true, ...point };
}

/** Runs a settings change in one transaction as the town, with its audit entry; undefined when the town takes no reports. */
async function changeSettings<T>(db: Db, tenantId: string, change: (trx: Trx, settings: ReportSettings) => Promise<T>): Promise<T | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const area = await findArea(trx);
    if (!area) return undefined;
    return change(trx, { landmarks: await listLandmarks(trx), streets: await listStreets(trx), blockedWords: area.blockedWords, boundary: area.boundary });
  });
}

/** Adds a landmark as the admin typed it, or says by form field what is wrong. */
export async function addLandmark(db: Db, tenantId: string, actor: string, input: { name: string; description: string; lat: string; lon: string }): Promise<{ ok: true } | { ok: false; problems: Partial<Record<'name' | 'description' | 'lat', SettingsProblem>> } | undefined> {
  return changeSettings(db, tenantId, async (trx, settings) => {
    const name = input.name.trim().replace(/\s+/g, ' ');
    const description = input.description.trim().replace(/\s+/g, ' ');
    const problems: Partial<Record<'name' | 'description' | 'lat', SettingsProblem>> = {};
    const place = checkPlace(name, input.lat, input.lon, settings.landmarks.map((l) => l.name), settings.boundary);
    if (!place.ok) problems[['coordinates', 'outside'].includes(place.problem.kind) ? 'lat' : 'name'] = place.problem;
    if (description.length > 200) problems.description = { kind: 'descriptionLength' };
    if (!place.ok || problems.description) return { ok: false, problems };
    const id = await insertLandmark(trx, tenantId, { name, description: description || null, lat: place.lat, lon: place.lon });
    if (!id) return { ok: false, problems: { name: { kind: 'nameTaken', text: name } } };
    await recordAudit(trx, { tenantId, actor, action: 'reports.landmark-added', subject: `landmark:${id}`, details: { name } });
    return { ok: true };
  });
}

/** Removes a landmark; false when there is no such landmark. */
export async function removeLandmark(db: Db, tenantId: string, actor: string, id: string): Promise<boolean> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const name = await deleteLandmark(trx, id);
    if (name) await recordAudit(trx, { tenantId, actor, action: 'reports.landmark-removed', subject: `landmark:${id}`, details: { name } });
    return name !== undefined;
  });
}

/**
 * Adds the streets of a pasted list, one per line as "Name; latitude; longitude" (a tab instead of
 * the semicolon, as a spreadsheet copies it). All or none: the first problems are named by line.
 */
export async function addStreets(db: Db, tenantId: string, actor: string, text: string): Promise<{ ok: true; added: number } | { ok: false; problems: SettingsProblem[] } | undefined> {
  return changeSettings(db, tenantId, async (trx, settings) => {
    const lines = text.split(/\r?\n/).map((line, i) => ({ line: i + 1, text: line.trim() })).filter((l) => l.text);
    if (lines.length === 0) return { ok: false, problems: [{ kind: 'linesMissing' }] };
    if (lines.length > maxStreetLines) return { ok: false, problems: [{ kind: 'tooManyLines' }] };
    const taken = settings.streets.map((s) => s.name);
    const streets: Array<{ name: string; lat: number; lon: number }> = [];
    const problems: SettingsProblem[] = [];
    for (const { line, text: typed } of lines) {
      const parts = typed.split(/\s*[;\t]\s*/);
      if (parts.length !== 3) { problems.push({ kind: 'lineFormat', line, text: typed.slice(0, 60) }); continue; }
      const name = parts[0]!.replace(/\s+/g, ' ');
      const place = checkPlace(name, parts[1]!, parts[2]!, taken, settings.boundary);
      if (!place.ok) { problems.push({ ...place.problem, line }); continue; }
      taken.push(name);
      streets.push({ name, lat: place.lat, lon: place.lon });
    }
    if (problems.length > 0) return { ok: false, problems };
    await insertStreets(trx, tenantId, streets);
    await recordAudit(trx, { tenantId, actor, action: 'reports.streets-added', subject: `tenant:${tenantId}`, details: { count: streets.length } });
    return { ok: true, added: streets.length };
  });
}

/** Removes a street unless alerts refer to it; undefined when there is no such street. */
export async function removeStreet(db: Db, tenantId: string, actor: string, id: string): Promise<{ ok: true } | { ok: false; problem: SettingsProblem } | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const alerts = await countStreetAlerts(trx, id);
    if (alerts > 0) {
      const street = (await listStreets(trx)).find((s) => s.id === id);
      return street && { ok: false, problem: { kind: 'streetHasAlerts', text: street.name, count: alerts } };
    }
    const name = await deleteStreet(trx, id);
    if (!name) return undefined;
    await recordAudit(trx, { tenantId, actor, action: 'reports.street-removed', subject: `tenant:${tenantId}`, details: { name } });
    return { ok: true };
  });
}

/**
 * Replaces the blocked words of the moderation by a list typed one per line: trimmed, lower case
 * (the match ignores case anyway), duplicates and empty lines dropped, each 3–60 characters.
 */
export async function saveBlockedWords(db: Db, tenantId: string, actor: string, text: string): Promise<{ ok: true } | { ok: false; problems: SettingsProblem[] } | undefined> {
  const words = [...new Set(text.split(/\r?\n/).map((w) => w.trim().replace(/\s+/g, ' ').toLocaleLowerCase('de')).filter(Boolean))];
  const problems: SettingsProblem[] = words.length > maxBlockedWords ? [{ kind: 'tooManyWords' }]
    : words.filter((w) => w.length < wordLength.min || w.length > wordLength.max).map((w) => ({ kind: 'wordLength', text: w.slice(0, 60) }));
  if (problems.length > 0) return { ok: false, problems };
  return changeSettings(db, tenantId, async (trx) => {
    await updateBlockedWords(trx, words);
    await recordAudit(trx, { tenantId, actor, action: 'reports.blocked-words-changed', subject: `tenant:${tenantId}`, details: { count: words.length } });
    return { ok: true as const };
  });
}

/** A category as the admin typed it; `code` only when adding (clients and feeds keep it). */
export interface CategoryInput { code?: string; nameDe: string; nameEn: string; descriptionDe: string; descriptionEn: string; departmentId: string; active: boolean }
/** Why a category is refused, by form field. */
export type CategoryProblems = Partial<Record<'code' | 'nameDe' | 'nameEn' | 'descriptionDe' | 'descriptionEn' | 'departmentId', 'codeFormat' | 'codeTaken' | 'textMissing' | 'nameTooLong' | 'descriptionTooLong' | 'departmentUnknown'>>;

/** The town's categories (active or not) and departments, for the settings pages. */
export async function loadCategorySettings(db: Db, tenantId: string): Promise<{ categories: CategorySetting[]; departments: Array<{ id: string; name: Localized }> }> {
  return inTransaction(db, { tenantId }, async (trx) => ({
    categories: await listCategorySettings(trx),
    departments: (await listDepartments(trx)).map((d) => ({ id: d.id, name: d.name })),
  }));
}

function checkCategory(input: CategoryInput, departmentIds: readonly string[], takenCodes: readonly string[]): { ok: true; category: Omit<CategorySetting, 'id'> } | { ok: false; problems: CategoryProblems } {
  const problems: CategoryProblems = {};
  const clean = (text: string) => text.trim().replace(/\s+/g, ' ');
  const code = input.code?.trim() ?? '';
  if (input.code !== undefined) {
    if (!/^[a-z0-9-]{2,40}$/.test(code)) problems.code = 'codeFormat';
    else if (takenCodes.includes(code)) problems.code = 'codeTaken';
  }
  for (const [field, max] of [['nameDe', 120], ['nameEn', 120], ['descriptionDe', 300], ['descriptionEn', 300]] as const) {
    const text = clean(input[field]);
    if (!text) problems[field] = 'textMissing';
    else if (text.length > max) problems[field] = max === 120 ? 'nameTooLong' : 'descriptionTooLong';
  }
  if (!departmentIds.includes(input.departmentId)) problems.departmentId = 'departmentUnknown';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, category: {
    code, name: { de: clean(input.nameDe), en: clean(input.nameEn) }, description: { de: clean(input.descriptionDe), en: clean(input.descriptionEn) },
    departmentId: input.departmentId, active: input.active,
  } };
}

/**
 * Adds a category (`input.code` given) or changes one (`id` given): names and descriptions in German
 * and English, the department its reports go to (new reports only; filed ones keep theirs) and
 * whether citizens and Open311 clients are offered it. Undefined when there is no such category.
 */
export async function saveCategory(db: Db, tenantId: string, actor: string, input: CategoryInput, id?: string): Promise<{ ok: true } | { ok: false; problems: CategoryProblems } | undefined> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const [categories, departments] = await Promise.all([listCategorySettings(trx), listDepartments(trx)]);
    const existing = id === undefined ? undefined : categories.find((c) => c.id === id);
    if (id !== undefined && !existing) return undefined;
    const checked = checkCategory(input, departments.map((d) => d.id), categories.map((c) => c.code));
    if (!checked.ok) return checked;
    let savedId = existing?.id;
    if (existing) await updateCategory(trx, existing.id, checked.category);
    else savedId = await insertCategory(trx, tenantId, checked.category);
    // Taken meanwhile by another admin's insert (the check above read before it committed).
    if (!savedId) return { ok: false, problems: { code: 'codeTaken' } };
    const { departmentId, active } = checked.category;
    await recordAudit(trx, { tenantId, actor, action: existing ? 'reports.category-changed' : 'reports.category-added', subject: `report-category:${savedId}`, details: { code: existing?.code ?? checked.category.code, departmentId, active } });
    return { ok: true };
  });
}

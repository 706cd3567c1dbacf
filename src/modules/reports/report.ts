import { languages, type Lang, type Localized } from '../../platform/i18n/i18n.js';

/** Where a report stands, as the public sees it; the same closed set as the CHECK in SQL. */
export const reportStatuses = ['received', 'in_progress', 'done', 'rejected'] as const;
/** Where a report stands. */
export type ReportStatus = (typeof reportStatuses)[number];

/** Longest description a citizen may type: enough for "where exactly, what exactly", short enough to review. */
export const maxDescriptionLength = 2000;
/** Photos per report (the "up to 3"). */
export const maxPhotos = 3;

/** Public paths of the defect reports. */
export const reportsPath = '/maengel';
export const newReportPath = '/maengel/melden';

/** Kinds of answer an extra question takes: the Open311 GeoReport v2 attribute datatypes. */
export const attributeDatatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;

/** An extra question of a category (an Open311 service attribute). */
export interface ReportAttribute {
  code: string;
  datatype: (typeof attributeDatatypes)[number];
  required: boolean;
  description: Localized;
  /** The choices of a (single or multi) value list. */
  values?: Array<{ key: string; name: Localized }>;
}

/** Answers to a category's extra questions, by attribute code (a list for multivaluelist). */
export type AttributeAnswers = Record<string, string | string[]>;

/** A category citizens can report, routed to one department. */
export interface ReportCategory { id: string; code: string; name: Localized; description: Localized; departmentId: string; attributes: ReportAttribute[] }

/** Longest answer to an extra question of type string or text. */
export const maxAnswerLength = { string: 200, text: 2000 } as const;

/** Why an answer to an extra question was refused. */
export type AttributeProblem = { kind: 'unknown' | 'required' | 'oneValue' | 'notListed' | 'number' | 'date' } | { kind: 'tooLong'; max: number };

const problemTexts = { unknown: 'unknown attribute', required: 'required', oneValue: 'takes one value', notListed: 'not one of the listed values', number: 'must be a number', date: 'must be an ISO 8601 date' } as const;

/** An answer's problem in English, as the Open311 API reports it. */
export function describeAttributeProblem(problem: AttributeProblem): string {
  return problem.kind === 'tooLong' ? `at most ${problem.max} characters` : problemTexts[problem.kind];
}

/**
 * Checks answers to a category's extra questions: required ones present, numbers numeric, dates
 * ISO 8601, list answers among the choices, unknown codes refused. Returns the answers to store,
 * or the problem per attribute code.
 */
export function checkAttributeAnswers(attributes: readonly ReportAttribute[], given: Record<string, string | string[]>): { ok: true; answers: AttributeAnswers } | { ok: false; problems: Record<string, AttributeProblem> } {
  const problems: Record<string, AttributeProblem> = {};
  const answers: AttributeAnswers = {};
  for (const code of Object.keys(given)) if (!attributes.some((a) => a.code === code)) problems[code] = { kind: 'unknown' };
  for (const a of attributes) {
    const raw = given[a.code];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter((v) => v !== '');
    if (list.length === 0) {
      if (a.required) problems[a.code] = { kind: 'required' };
      continue;
    }
    if (a.datatype !== 'multivaluelist' && list.length > 1) { problems[a.code] = { kind: 'oneValue' }; continue; }
    const value = list[0]!;
    if (a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist') {
      if (!list.every((v) => a.values?.some((choice) => choice.key === v))) { problems[a.code] = { kind: 'notListed' }; continue; }
      answers[a.code] = a.datatype === 'multivaluelist' ? [...new Set(list)] : value;
    } else if (a.datatype === 'number') {
      if (!/^-?\d{1,12}(\.\d{1,6})?$/.test(value)) { problems[a.code] = { kind: 'number' }; continue; }
      answers[a.code] = value;
    } else if (a.datatype === 'datetime') {
      if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value))) { problems[a.code] = { kind: 'date' }; continue; }
      answers[a.code] = value;
    } else {
      if (value.length > maxAnswerLength[a.datatype]) { problems[a.code] = { kind: 'tooLong', max: maxAnswerLength[a.datatype] }; continue; }
      answers[a.code] = value;
    }
  }
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, answers };
}

/** A street of the town's list: the no-map way to say where. */
export interface ReportStreet { id: string; name: string; lat: number; lon: number }
/** A place everyone in town knows (Marktplatz, a playground): a report "in der Nähe von" it gets its point. */
export interface ReportLandmark { id: string; name: string; description: string | null; lat: number; lon: number }

/** What anyone may see of a report: never what the citizen typed unless a clerk released it. */
export interface PublicReport {
  id: string;
  category: { code: string; name: Localized };
  status: ReportStatus;
  lat: number;
  lon: number;
  locationLabel: string | null;
  publicComment: string | null;
  publicDescription: string | null;
  supports: number;
  createdAt: Date;
  updatedAt: Date;
  /** The report this one was merged into (its public page points there). */
  duplicateOf: string | null;
}

/** Whether the public sees a report; the same closed set as the CHECK in SQL (ADR 0026, "Moderation"). */
export const moderations = ['public', 'held', 'spam'] as const;
/** Whether the public sees a report: yes, not until a clerk approves it, never. */
export type Moderation = (typeof moderations)[number];

/** Coordinates rounded to about 100 m: the public sees roughly where, not whose doorstep. */
export function approximate(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** How near an open report of the same category must be to be offered for support instead of a new report. */
export const nearbyMetres = 50;

/** Distance in metres between two points (haversine; exact enough over a town). */
export function distanceMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** The language a mail job names, German when it names none (jobs queued before languages were recorded). */
export function languageOf(value: unknown): Lang {
  return languages.includes(value as Lang) ? (value as Lang) : 'de';
}

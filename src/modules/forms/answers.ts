import { berlinDay, formatIsoDate, localize, parseDay, type Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import type { Condition, FieldDefinition, FormDefinition, SimpleFieldDefinition, StepDefinition } from './form-definition.js';
import { t } from './forms.i18n.js';

/** A postal address as entered. */
export interface AddressValue { street: string; houseNumber: string; postcode: string; city: string }
/** An uploaded file attached to an answer (the bytes live in the file store). */
export interface FileRef { id: string; filename: string; size: number; mediaType: string }
/** A normalised, validated answer. */
export type SimpleValue = string | number | boolean | string[] | AddressValue;
export type FieldValue = SimpleValue | Array<Record<string, SimpleValue>> | FileRef[];
/** The answers of one step, by field id. */
export type StepAnswers = Record<string, FieldValue>;
/** All answers of an application, by step id. */
export type Answers = Record<string, StepAnswers>;
/** Form input as posted: a flat map of names to strings (repeated names give arrays). */
export type RawInput = Record<string, string | string[] | undefined>;

const addressParts = ['street', 'houseNumber', 'postcode', 'city'] as const;

/** Whether a step or field is shown, given the answers so far. */
export function isShown(when: Condition | undefined, answers: Answers): boolean {
  if (!when) return true;
  const [stepId, fieldId] = when.field.split('.') as [string, string];
  const value = answers[stepId]?.[fieldId];
  if (when.equals !== undefined) return value === when.equals;
  return typeof value === 'string' && when.in!.includes(value);
}

/** The steps shown for these answers, in order. */
export function visibleSteps(form: FormDefinition, answers: Answers): StepDefinition[] {
  return form.steps.filter((s) => isShown(s.when, answers));
}

/** The input name under which a file field posts the documents picked from the document safe. */
export function safePickName(fieldId: string): string {
  return `${fieldId}.dokumente`;
}

/** Every input name a field may post; anything else in a request is refused as tampering. */
export function isKnownInputName(step: StepDefinition, name: string): boolean {
  if (name === '_csrf' || name === '_action') return true;
  const [id, a, b, c] = name.split('.');
  const field = step.fields.find((f) => f.id === id);
  if (!field) return false;
  if (field.type === 'address') return a !== undefined && (addressParts as readonly string[]).includes(a) && b === undefined;
  if (field.type === 'file') return a === undefined || name === safePickName(id!);
  if (field.type === 'group') {
    if (a === undefined || !/^\d{1,2}$/.test(a)) return false;
    const sub = field.fields.find((f) => f.id === b);
    if (!sub) return false;
    return sub.type === 'address' ? c !== undefined && (addressParts as readonly string[]).includes(c) : c === undefined;
  }
  return a === undefined;
}

function first(raw: RawInput, name: string): string {
  const v = raw[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

function all(raw: RawInput, name: string): string[] {
  const v = raw[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((s) => s.trim()).filter(Boolean);
}

/** Number of items of a repeatable group present in the input (highest index + 1). */
export function groupItemCount(raw: RawInput, groupId: string): number {
  let count = 0;
  for (const name of Object.keys(raw)) {
    const m = name.match(/^([a-zA-Z0-9]+)\.(\d{1,2})\./);
    if (m && m[1] === groupId) count = Math.max(count, Number(m[2]) + 1);
  }
  return count;
}

/**
 * Resolves "today", "today-18y", "today+3m", an ISO date or "step.field+1y" (another date answer)
 * to an ISO date (Europe/Berlin); undefined when the field it names has no valid answer, so only
 * that field's own error is shown.
 */
export function resolveDateBound(bound: string, today: string, answers: Answers = {}): string | undefined {
  const m = bound.match(/^(today|([a-z][a-zA-Z0-9]*)\.([a-z][a-zA-Z0-9]*))(?:([+-]\d+)([dmy]))?$/);
  if (!m) return bound;
  const start = m[1] === 'today' ? today : answers[m[2]!]?.[m[3]!];
  if (typeof start !== 'string') return undefined;
  const date = new Date(`${start}T12:00:00Z`);
  const n = Number(m[4] ?? 0);
  if (m[5] === 'd') date.setUTCDate(date.getUTCDate() + n);
  if (m[5] === 'm') date.setUTCMonth(date.getUTCMonth() + n);
  if (m[5] === 'y') date.setUTCFullYear(date.getUTCFullYear() + n);
  return date.toISOString().slice(0, 10);
}

/** Today's date in Europe/Berlin as YYYY-MM-DD. */
export function berlinToday(): string {
  return berlinDay(new Date());
}


/** ISO 13616 check: country length table for SEPA countries, then mod 97. */
const ibanLengths: Record<string, number> = {
  DE: 22, AT: 20, BE: 16, CH: 21, DK: 18, ES: 24, FI: 18, FR: 27, GB: 22, IE: 22, IT: 27, LU: 20, NL: 18, NO: 15, PL: 28, PT: 25, SE: 24, CZ: 24, HU: 28, SK: 24, SI: 19, HR: 21, GR: 27, LI: 21, LT: 20, LV: 21, EE: 20, MT: 31, CY: 28, BG: 22, RO: 24, IS: 26,
};
export function normalizeIban(input: string): string | null {
  const iban = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return null;
  const expected = ibanLengths[iban.slice(0, 2)];
  if (expected === undefined || iban.length !== expected) return null;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of digits) rest = (rest * 10 + Number(ch)) % 97;
  return rest === 1 ? iban : null;
}

/** A number as typed in the language, without grouping: "7,5" in German, where "7.5" would read as seventy-five. */
function formatNumber(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { useGrouping: false, maximumFractionDigits: 20 });
}

const emailPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/;

interface Problem { name: string; message: string }

/** What validating a field needs besides its input: language, submission day, the answers so far (for date bounds naming a field). */
interface ParseContext { lang: Lang; today: string; answers: Answers }

/** Validates one simple field from raw input under `name`; returns its normalised value (undefined when empty). */
function parseSimple(field: SimpleFieldDefinition, raw: RawInput, name: string, { lang, today, answers }: ParseContext, problems: Problem[]): SimpleValue | undefined {
  const label = localize(field.label, lang);
  const fail = (key: Parameters<typeof t>[1], params: Record<string, string | number> = {}, at = name) => {
    problems.push({ name: at, message: t(lang, key, { label, ...params }) });
    return undefined;
  };
  if (field.type === 'file') return undefined;
  if (field.type === 'address') {
    const parts = Object.fromEntries(addressParts.map((p) => [p, first(raw, `${name}.${p}`)])) as unknown as AddressValue;
    const filled = addressParts.some((p) => parts[p] !== '');
    if (!filled && !field.required) return undefined;
    const before = problems.length;
    for (const p of addressParts) {
      if (!parts[p]) problems.push({ name: `${name}.${p}`, message: t(lang, 'required', { label: t(lang, p) }) });
      else if (parts[p].length > 100) problems.push({ name: `${name}.${p}`, message: t(lang, 'tooLong', { label: t(lang, p), max: 100 }) });
    }
    if (parts.postcode && !/^\d{5}$/.test(parts.postcode)) problems.push({ name: `${name}.postcode`, message: t(lang, 'invalidPostcode', { label: t(lang, 'postcode') }) });
    if (parts.houseNumber && !/^\d{1,4}\s?[a-zA-Z]?(\s?[-/]\s?\d{1,4}\s?[a-zA-Z]?)?$/.test(parts.houseNumber)) {
      problems.push({ name: `${name}.houseNumber`, message: t(lang, 'invalidHouseNumber', { label: t(lang, 'houseNumber') }) });
    }
    return problems.length === before ? parts : undefined;
  }
  if (field.type === 'checkboxes') {
    const values = all(raw, name);
    if (values.length === 0) return field.required ? fail('requiredChoice') : undefined;
    if (!values.every((v) => field.options.some((o) => o.value === v))) return fail('invalidOption');
    return [...new Set(values)];
  }
  const value = first(raw, name);
  if (value === '') {
    return field.required ? fail(['select', 'radio', 'yesno'].includes(field.type) ? 'requiredChoice' : 'required') : undefined;
  }
  switch (field.type) {
    case 'text':
    case 'textarea':
      if (value.length > field.maxLength) return fail('tooLong', { max: field.maxLength });
      if (field.type === 'text' && field.digitsOnly && !/^\d+$/.test(value)) return fail('digitsOnly');
      if (field.type === 'text' && field.minLength && value.length < field.minLength) return fail('tooShort', { min: field.minLength });
      return value;
    case 'number': {
      const n = Number(value.replace(/\s/g, '').replace(',', '.'));
      if (!/^-?[\d\s]+([.,]\d+)?$/.test(value) || !Number.isFinite(n)) return fail('notANumber');
      if (field.integer && !Number.isInteger(n)) return fail('notAnInteger');
      if (field.min !== undefined && n < field.min) return fail('numberTooSmall', { min: formatNumber(field.min, lang) });
      if (field.max !== undefined && n > field.max) return fail('numberTooLarge', { max: formatNumber(field.max, lang) });
      return n;
    }
    case 'date': {
      const iso = parseDay(value);
      if (!iso) return fail('invalidDate');
      const earliest = field.notBefore && resolveDateBound(field.notBefore, today, answers);
      const latest = field.notAfter && resolveDateBound(field.notAfter, today, answers);
      if (earliest && iso < earliest) return fail('dateTooEarly', { date: formatIsoDate(earliest) });
      if (latest && iso > latest) return fail('dateTooLate', { date: formatIsoDate(latest) });
      return iso;
    }
    case 'email':
      return value.length <= 254 && emailPattern.test(value) ? value : fail('invalidEmail');
    case 'phone':
      return /^\+?[\d\s()/-]{6,25}$/.test(value) && (value.match(/\d/g) ?? []).length >= 6 ? value : fail('invalidPhone');
    case 'iban':
      return normalizeIban(value) ?? fail('invalidIban');
    case 'postcode':
      return /^\d{5}$/.test(value) ? value : fail('invalidPostcode');
    case 'select':
    case 'radio':
      return field.options.some((o) => o.value === value) ? value : fail('invalidOption');
    case 'yesno':
      return value === 'yes' ? true : value === 'no' ? false : fail('invalidOption');
  }
}

/** The result of reading one step: normalised answers and errors keyed by input name. */
export interface ParsedStep { answers: StepAnswers; errors: FieldErrors }

/**
 * Reads and validates a step's input. Fields hidden by a condition are dropped; files are
 * validated separately on upload and passed in as already stored references.
 */
export function parseStep(step: StepDefinition, raw: RawInput, context: { answers: Answers; files: Record<string, FileRef[]>; lang: Lang; today: string }): ParsedStep {
  const problems: Problem[] = [];
  const answers: StepAnswers = {};
  // Conditions inside a step may refer to fields of this very step: evaluate against what is posted.
  const withThisStep: Answers = { ...context.answers, [step.id]: {} };
  for (const field of step.fields) {
    if (!isShown(field.when, withThisStep)) continue;
    const value = parseField(field, raw, { ...context, answers: withThisStep }, problems);
    if (value !== undefined) {
      answers[field.id] = value;
      withThisStep[step.id]![field.id] = value;
    }
  }
  for (const field of step.fields) if (!isShown(field.when, withThisStep)) delete answers[field.id];
  const errors: FieldErrors = {};
  for (const p of problems) if (!(p.name in errors) && isShown(step.fields.find((f) => f.id === p.name.split('.')[0])?.when, withThisStep)) errors[p.name] = p.message;
  return { answers, errors };
}

function parseField(field: FieldDefinition, raw: RawInput, context: ParseContext & { files: Record<string, FileRef[]> }, problems: Problem[]): FieldValue | undefined {
  const label = localize(field.label, context.lang);
  if (field.type === 'file') {
    const files = context.files[field.id] ?? [];
    if (files.length === 0) {
      if (field.required) problems.push({ name: field.id, message: t(context.lang, 'requiredFile', { label }) });
      return undefined;
    }
    if (files.length > field.maxFiles) problems.push({ name: field.id, message: t(context.lang, 'tooManyFiles', { label, max: field.maxFiles }) });
    return files;
  }
  if (field.type === 'group') {
    const count = groupItemCount(raw, field.id);
    const items: Array<Record<string, SimpleValue>> = [];
    for (let i = 0; i < count; i++) {
      const item: Record<string, SimpleValue> = {};
      for (const sub of field.fields) {
        const v = parseSimple(sub, raw, `${field.id}.${i}.${sub.id}`, context, problems);
        if (v !== undefined) item[sub.id] = v;
      }
      items.push(item);
    }
    if (items.length < field.min) problems.push({ name: `${field.id}.${items.length}.${field.fields[0]!.id}`, message: t(context.lang, 'tooFewItems', { label, min: field.min }) });
    if (items.length > field.max) problems.push({ name: field.id, message: t(context.lang, 'tooManyItems', { label, max: field.max }) });
    return items.length > 0 ? items : undefined;
  }
  return parseSimple(field, raw, field.id, context, problems);
}

/** Turns stored answers back into form input, so a step can be shown (or re-validated) as typed. */
export function toRawInput(step: StepDefinition, answers: StepAnswers | undefined): RawInput {
  const raw: RawInput = {};
  const put = (name: string, value: SimpleValue) => {
    if (typeof value === 'boolean') raw[name] = value ? 'yes' : 'no';
    else if (typeof value === 'number') raw[name] = String(value);
    else if (Array.isArray(value)) raw[name] = value;
    else if (typeof value === 'object') for (const p of addressParts) raw[`${name}.${p}`] = value[p];
    else raw[name] = value;
  };
  for (const field of step.fields) {
    const value = answers?.[field.id];
    if (value === undefined || field.type === 'file') continue;
    if (field.type === 'group') {
      (value as Array<Record<string, SimpleValue>>).forEach((item, i) => {
        for (const sub of field.fields) if (item[sub.id] !== undefined) put(`${field.id}.${i}.${sub.id}`, item[sub.id]!);
        // An item with no answers still counts as an item.
        if (field.fields.every((sub) => item[sub.id] === undefined)) raw[`${field.id}.${i}.${field.fields[0]!.id}`] = '';
      });
    } else put(field.id, value as SimpleValue);
  }
  return raw;
}

/** Validates all shown steps of stored answers; returns the ids of incomplete steps. */
export function findIncompleteSteps(form: FormDefinition, answers: Answers, lang: Lang, today: string): string[] {
  return visibleSteps(form, answers)
    .filter((step) => {
      const stored = answers[step.id];
      if (!stored) return true;
      const files = Object.fromEntries(step.fields.filter((f) => f.type === 'file').map((f) => [f.id, (stored[f.id] as FileRef[] | undefined) ?? []]));
      return Object.keys(parseStep(step, toRawInput(step, stored), { answers, files, lang, today }).errors).length > 0;
    })
    .map((s) => s.id);
}

/** Keeps only the answers of shown steps (a changed answer may hide steps answered earlier). */
export function pruneHiddenSteps(form: FormDefinition, answers: Answers): Answers {
  return Object.fromEntries(visibleSteps(form, answers).filter((s) => answers[s.id]).map((s) => [s.id, answers[s.id]!]));
}

/** A human-readable rendering of an answer for summaries, PDFs and the case view. */
export function displayValue(field: FieldDefinition, value: FieldValue | undefined, lang: Lang): string {
  if (value === undefined) return t(lang, 'notAnswered');
  switch (field.type) {
    case 'file':
      return (value as FileRef[]).map((f) => f.filename).join(', ');
    case 'group':
      return (value as Array<Record<string, SimpleValue>>)
        .map((item, i) => `${t(lang, 'itemHeading', { item: localize(field.itemLabel, lang), n: i + 1 })}: ${field.fields.filter((s) => item[s.id] !== undefined).map((s) => `${localize(s.label, lang)} ${displayValue(s, item[s.id], lang)}`).join('; ')}`)
        .join('\n');
    case 'address': {
      const a = value as AddressValue;
      return `${a.street} ${a.houseNumber}, ${a.postcode} ${a.city}`;
    }
    case 'yesno':
      return value ? t(lang, 'yes') : t(lang, 'no');
    case 'date':
      return formatIsoDate(value as string);
    case 'select':
    case 'radio':
      return localize(field.options.find((o) => o.value === value)?.label ?? { de: String(value) }, lang);
    case 'checkboxes':
      return (value as string[]).map((v) => localize(field.options.find((o) => o.value === v)?.label ?? { de: v }, lang)).join(', ');
    case 'iban':
      return (value as string).replace(/(.{4})/g, '$1 ').trim();
    case 'number':
      return formatNumber(value as number, lang);
    default:
      return String(value);
  }
}

// PostgreSQL's text-search parser costs ~0.1 ms per KB; whole 3 KB complaints in the search vector
// had tripled the database work of a submission (docs/performance.md). Names, addresses, subjects
// and the start of each long text are what clerks search for.
const searchTextPerAnswer = 500;

/**
 * Whether a field's answer is sealed (ADR 0025): a field marked sensitive, or a repeatable group
 * with such a field (its items are stored whole, so the group is sealed whole).
 */
export function isSensitive(field: FieldDefinition): boolean {
  return field.sensitive || (field.type === 'group' && field.fields.some((f) => f.sensitive));
}

/**
 * What the clerk's full-text search indexes of an application: the shown answers, as displayed,
 * long ones cut short; no file names, and nothing sensitive (the search vector is not encrypted).
 */
export function searchText(form: FormDefinition, answers: Answers): string {
  return visibleSteps(form, answers)
    .flatMap((step) => step.fields
      .filter((f) => f.type !== 'file' && f.type !== 'yesno' && !isSensitive(f) && answers[step.id]?.[f.id] !== undefined)
      .map((f) => displayValue(f, answers[step.id]![f.id], 'de').slice(0, searchTextPerAnswer)))
    .join('\n');
}

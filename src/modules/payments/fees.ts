import { z } from 'zod';
// The schema file directly: the forms module's front door pulls in its routes.
import { localized, type FieldDefinition, type FormDefinition, type Localized } from '../forms/form-definition.js';
import type { Answers } from '../forms/answers.js';
import { paymentModes } from './payment.js';

const fieldPath = z.string().regex(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/, '"step.field"');
// Integer cents: money is never a float.
const cents = z.number().int().min(0).max(99_999_999);

/** A fee of one amount, whatever the answers (the only kind before fee rules existed: `kind` may be left out). */
const fixedFee = z.strictObject({ kind: z.literal('fixed').default('fixed'), label: localized, amountCents: cents });

/**
 * A fee per item of a repeatable group beyond a number of free items (Sperrmüll: each item from
 * the third on). `quantityField` counts a number field of each item ("Anzahl") instead of the items.
 */
const perItemFee = z.strictObject({
  kind: z.literal('perItem'),
  label: localized,
  amountCents: cents,
  group: fieldPath,
  quantityField: z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/).optional(),
  freeItems: z.number().int().min(0).default(0),
});

/**
 * A fee per unit, the units multiplied from answers (Sondernutzung: per square metre and day).
 * A number field counts in whole units, rounded up (a started square metre counts as one); a
 * pair of date fields counts the days from the first to the last, both included.
 */
const perUnitFee = z.strictObject({
  kind: z.literal('perUnit'),
  label: localized,
  amountCents: cents,
  units: z.array(z.union([z.strictObject({ field: fieldPath }), z.strictObject({ daysFrom: fieldPath, daysTo: fieldPath })])).min(1),
});

/** One fee rule of a service definition (service.yaml `fees`). */
export const feeRule = z.union([fixedFee, perItemFee, perUnitFee]);
/** One fee rule as the code sees it. */
export type FeeRule = z.infer<typeof feeRule>;


/**
 * How a service's fees are paid online and booked (service.yaml `payment`): the mode and the
 * account assignment the finance export carries for each payment.
 */
export const paymentSettings = z.strictObject({
  mode: z.enum(paymentModes),
  // A fee paid first that is never paid: after so many days the application is withdrawn, so
  // that retention reaches it (ADR 0027).
  closeUnpaidAfterDays: z.number().int().min(1).max(365).default(14),
  accounting: z.strictObject({
    kostenstelle: z.string().regex(/^[A-Za-z0-9./-]{1,20}$/),
    sachkonto: z.string().regex(/^[A-Za-z0-9./-]{1,20}$/),
    haushaltsstelle: z.string().regex(/^[A-Za-z0-9./-]{1,40}$/),
  }),
});
/** A service's payment settings. */
export type PaymentSettings = z.infer<typeof paymentSettings>;

/**
 * Problems of fee rules against the form they read (a path that names no field, or a field of the
 * wrong type), as [path in the rule, message]; the service definition schema reports them.
 */
export function feeRuleProblems(rules: FeeRule[], form: FormDefinition | undefined, mode?: PaymentSettings['mode']): Array<[(string | number)[], string]> {
  const fields = new Map<string, FieldDefinition>((form?.steps ?? []).flatMap((step) => step.fields.map((f) => [`${step.id}.${f.id}`, f] as const)));
  // Answered on every application: a required field without condition, in a step without one.
  const always = new Set((form?.steps ?? []).filter((step) => !step.when).flatMap((step) => step.fields.filter((f) => f.required && !f.when).map((f) => `${step.id}.${f.id}`)));
  const problems: Array<[(string | number)[], string]> = [];
  const expect = (path: (string | number)[], at: string, type: string) => {
    if (fields.get(at)?.type !== type) problems.push([path, `${at} is no ${type} field of the form`]);
    // A fee collected before handling must be computable from every application: no guessing later.
    else if (mode === 'before' && !always.has(at)) problems.push([path, `${at} is not answered on every application, so a fee paid before handling cannot depend on it`]);
  };
  rules.forEach((rule, i) => {
    if (rule.kind === 'perItem') {
      const group = fields.get(rule.group);
      if (group?.type !== 'group') problems.push([[i, 'group'], `${rule.group} is no group field of the form`]);
      else if (rule.quantityField && group.fields.find((f) => f.id === rule.quantityField)?.type !== 'number') {
        problems.push([[i, 'quantityField'], `${rule.quantityField} is no number field of ${rule.group}`]);
      }
    }
    if (rule.kind === 'perUnit') rule.units.forEach((unit, j) => {
      if ('field' in unit) expect([i, 'units', j, 'field'], unit.field, 'number');
      else {
        expect([i, 'units', j, 'daysFrom'], unit.daysFrom, 'date');
        expect([i, 'units', j, 'daysTo'], unit.daysTo, 'date');
      }
    });
  });
  return problems;
}

/** One line of a fee breakdown: quantity × unit price = amount, all integers (cents). */
export interface FeeLine {
  label: Localized;
  quantity: number;
  unitCents: number;
  amountCents: number;
  /** Set when the quantity comes from the answers (per item, per unit); a fixed fee shows just its amount. */
  variable: boolean;
}

/** The fees of one application: the lines that could be computed, their sum, and the fees that could not. */
export interface FeeAssessment {
  lines: FeeLine[];
  totalCents: number;
  /** Fees whose answers are missing or unusable: set by the office later, never guessed. */
  unresolved: Localized[];
}

function answerAt(answers: Answers, path: string): unknown {
  const [step, field] = path.split('.') as [string, string];
  return answers[step]?.[field];
}

/** A whole, non-negative count; undefined for anything else (a float, text, a negative number). */
function count(value: number): number | undefined {
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

/** The days from one date answer to another, both included; undefined when either is not a date or the end lies before the start. */
function daysBetween(from: unknown, to: unknown): number | undefined {
  if (typeof from !== 'string' || typeof to !== 'string' || !isoDay.test(from) || !isoDay.test(to)) return undefined;
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return undefined;
  return (end - start) / 86_400_000 + 1;
}

/** How many chargeable items a per-item rule finds; undefined when the answers cannot say. */
function itemQuantity(rule: Extract<FeeRule, { kind: 'perItem' }>, answers: Answers): number | undefined {
  const items = answerAt(answers, rule.group);
  // No answer: the step was not shown, so there are no items.
  if (items === undefined) return 0;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))) return undefined;
  let total = 0;
  for (const item of items as Array<Record<string, unknown>>) {
    const n = rule.quantityField === undefined ? 1 : item[rule.quantityField];
    if (typeof n !== 'number' || count(n) === undefined) return undefined;
    total += n;
  }
  return Math.max(0, total - rule.freeItems);
}

/** The product of a per-unit rule's units; undefined when an answer is missing or unusable. */
function unitQuantity(rule: Extract<FeeRule, { kind: 'perUnit' }>, answers: Answers): number | undefined {
  let product = 1;
  for (const unit of rule.units) {
    let n: number | undefined;
    if ('field' in unit) {
      const value = answerAt(answers, unit.field);
      // A started unit counts whole: 7.2 m² are charged as 8.
      n = typeof value === 'number' && Number.isFinite(value) && value > 0 ? count(Math.ceil(value)) : undefined;
    } else {
      n = daysBetween(answerAt(answers, unit.daysFrom), answerAt(answers, unit.daysTo));
    }
    if (n === undefined) return undefined;
    product *= n;
  }
  return count(product);
}

/**
 * Computes the fees of an application from the service's rules and the answers, in integer cents:
 * every line is quantity × unit price, the total their sum. A rule whose answers are missing or
 * unusable is listed as unresolved and not counted, rather than charged at a guess.
 */
export function assessFees(rules: readonly FeeRule[], answers: Answers): FeeAssessment {
  const lines: FeeLine[] = [];
  const unresolved: Localized[] = [];
  for (const rule of rules) {
    const quantity = rule.kind === 'fixed' ? 1 : rule.kind === 'perItem' ? itemQuantity(rule, answers) : unitQuantity(rule, answers);
    const amountCents = quantity === undefined ? undefined : count(quantity * rule.amountCents);
    if (quantity === undefined || amountCents === undefined) unresolved.push(rule.label);
    else lines.push({ label: rule.label, quantity, unitCents: rule.amountCents, amountCents, variable: rule.kind !== 'fixed' });
  }
  const totalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
  return { lines, totalCents, unresolved };
}

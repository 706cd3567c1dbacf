import { z } from 'zod';

/** German text with an optional English translation (German is the authoritative language). */
export const localized = z.strictObject({ de: z.string().min(1), en: z.string().min(1).optional() });
export type Localized = z.infer<typeof localized>;

const identifier = z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/, 'lowerCamelCase identifier, at most 40 characters');

/** Shows a step or field only when another answer has a given value. `field` is "stepId.fieldId". */
const condition = z.strictObject({
  field: z.string().regex(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/),
  equals: z.union([z.string(), z.boolean()]).optional(),
  in: z.array(z.string()).min(1).optional(),
}).refine((c) => (c.equals === undefined) !== (c.in === undefined), 'give exactly one of equals or in');

/**
 * Bounds for date fields, evaluated on submission day: "today", "today-18y", "today+90d", an ISO
 * date, or another date field answered earlier ("zeitraum.von", "zeitraum.von+1y"), so that an end
 * cannot lie before its start.
 */
const dateBound = z.string().regex(/^((today|[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*)([+-]\d{1,3}[dmy])?|\d{4}-\d{2}-\d{2})$/);

/** The "step.field" a date bound refers to, or undefined for "today" and ISO dates. */
export function dateBoundField(bound: string): string | undefined {
  const m = bound.match(/^([a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*)(?:[+-]\d+[dmy])?$/);
  return m?.[1];
}

const option = z.strictObject({ value: z.string().regex(/^[a-z0-9-]{1,60}$/), label: localized });

const base = {
  id: identifier,
  label: localized,
  hint: localized.optional(),
  required: z.boolean().default(true),
  when: condition.optional(),
  // Special categories and financial data (income, benefits, bank account, health, criminal
  // record): stored encrypted, left out of the clerks' full-text search (ADR 0025).
  sensitive: z.boolean().default(false),
};

// `prefill` says what a field asks for, so a signed-in applicant's profile can fill it in (with their
// consent), or the organisation applied for its name. Each kind fits one field type only: names a
// text field, the birth date a date field, …
const simpleFields = [
  z.strictObject({
    ...base, type: z.literal('text'), minLength: z.number().int().min(0).optional(), maxLength: z.number().int().min(1).max(500).default(200), digitsOnly: z.boolean().default(false),
    prefill: z.enum(['person.givenName', 'person.familyName', 'person.fullName', 'organisation.name']).optional(),
  }),
  z.strictObject({ ...base, type: z.literal('textarea'), maxLength: z.number().int().min(1).max(10_000).default(2000) }),
  z.strictObject({ ...base, type: z.literal('number'), min: z.number().optional(), max: z.number().optional(), integer: z.boolean().default(true) }),
  z.strictObject({ ...base, type: z.literal('date'), notBefore: dateBound.optional(), notAfter: dateBound.optional(), prefill: z.literal('person.birthDate').optional() }),
  z.strictObject({ ...base, type: z.literal('email'), prefill: z.literal('contact.email').optional() }),
  z.strictObject({ ...base, type: z.literal('phone'), prefill: z.literal('contact.phone').optional() }),
  z.strictObject({ ...base, type: z.literal('iban') }),
  z.strictObject({ ...base, type: z.literal('postcode') }),
  z.strictObject({ ...base, type: z.literal('address'), prefill: z.literal('address').optional() }),
  z.strictObject({ ...base, type: z.literal('select'), options: z.array(option).min(1) }),
  z.strictObject({ ...base, type: z.literal('radio'), options: z.array(option).min(1) }),
  z.strictObject({ ...base, type: z.literal('checkboxes'), options: z.array(option).min(1) }),
  z.strictObject({ ...base, type: z.literal('yesno') }),
  z.strictObject({
    ...base,
    type: z.literal('file'),
    accept: z.array(z.enum(['application/pdf', 'image/jpeg', 'image/png'])).min(1).default(['application/pdf', 'image/jpeg', 'image/png']),
    maxFiles: z.number().int().min(1).max(10).default(1),
    maxSizeMb: z.number().min(0.1).max(10).default(10),
  }),
] as const;

const simpleField = z.discriminatedUnion('type', [...simpleFields]);

const groupField = z.strictObject({
  ...base,
  type: z.literal('group'),
  itemLabel: localized,
  min: z.number().int().min(0).default(1),
  max: z.number().int().min(1).max(50).default(10),
  // Files and nested groups inside repeatable groups are not supported: one level keeps forms plain.
  fields: z.array(z.discriminatedUnion('type', simpleFields.filter((f) => f.shape.type.value !== 'file') as unknown as [typeof simpleFields[0], ...typeof simpleFields[number][]])).min(1),
});

export const fieldDefinition = z.union([simpleField, groupField]);

// The pages of a draft beside its steps share the path /antrag/<draft>/<name> (a hyphenated name, as
// "fuer-wen", never meets a step's identifier).
const draftPageNames = ['pruefen', 'absenden', 'spaeter'];

export const stepDefinition = z.strictObject({
  id: identifier.refine((id) => !draftPageNames.includes(id), 'names a page of the application, not a step'),
  title: localized,
  intro: localized.optional(),
  when: condition.optional(),
  fields: z.array(fieldDefinition).min(1),
});

/** The online form of a service: steps of fields, a declaration, and where the applicant's e-mail is. */
export const formDefinition = z.strictObject({
  steps: z.array(stepDefinition).min(1),
  declaration: localized,
  applicantEmail: z.string().regex(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/).optional(),
}).superRefine((form, ctx) => {
  const paths = new Map<string, FieldDefinition>();
  const stepIds = new Set<string>();
  form.steps.forEach((step, s) => {
    if (stepIds.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', s, 'id'], message: `duplicate step id ${step.id}` });
    stepIds.add(step.id);
    for (const field of step.fields) {
      const key = `${step.id}.${field.id}`;
      if (paths.has(key)) ctx.addIssue({ code: 'custom', path: ['steps', s], message: `duplicate field ${key}` });
      paths.set(key, field);
    }
  });
  const checkCondition = (when: z.infer<typeof condition> | undefined, path: (string | number)[]) => {
    if (when && !paths.has(when.field)) ctx.addIssue({ code: 'custom', path, message: `condition refers to unknown field ${when.field}` });
  };
  // A bound naming another field needs that field's answer first: a date field of an earlier step, or earlier in this step.
  const order = [...paths.keys()];
  const checkDateBounds = (field: FieldDefinition, at: string, path: (string | number)[]) => {
    if (field.type !== 'date') return;
    for (const key of ['notBefore', 'notAfter'] as const) {
      const ref = field[key] && dateBoundField(field[key]);
      if (ref && (paths.get(ref)?.type !== 'date' || order.indexOf(ref) >= order.indexOf(at))) {
        ctx.addIssue({ code: 'custom', path: [...path, key], message: `${ref} is no date field before this one` });
      }
    }
  };
  form.steps.forEach((step, s) => {
    step.fields.forEach((f, i) => {
      // A profile has one name and one address: which item of a repeatable group would they fill?
      if (f.type === 'group') f.fields.forEach((sub, j) => {
        if ('prefill' in sub && sub.prefill) ctx.addIssue({ code: 'custom', path: ['steps', s, 'fields', i, 'fields', j, 'prefill'], message: 'prefill is not supported inside a group' });
      });
    });
    checkCondition(step.when, ['steps', s, 'when']);
    step.fields.forEach((f, i) => checkCondition(f.when, ['steps', s, 'fields', i, 'when']));
    step.fields.forEach((f, i) => {
      const at = `${step.id}.${f.id}`;
      checkDateBounds(f, at, ['steps', s, 'fields', i]);
      if (f.type === 'group') f.fields.forEach((sub, j) => checkDateBounds(sub, at, ['steps', s, 'fields', i, 'fields', j]));
    });
  });
  if (form.applicantEmail && paths.get(form.applicantEmail)?.type !== 'email') {
    ctx.addIssue({ code: 'custom', path: ['applicantEmail'], message: 'must name a field of type email' });
  }
});

export type FormDefinition = z.infer<typeof formDefinition>;
export type StepDefinition = z.infer<typeof stepDefinition>;
export type FieldDefinition = z.infer<typeof fieldDefinition>;
export type SimpleFieldDefinition = z.infer<typeof simpleField>;
export type GroupFieldDefinition = z.infer<typeof groupField>;
export type Condition = z.infer<typeof condition>;
/** What a field can declare to be prefilled from the profile (person.givenName, address, contact.email …). */
export type PrefillKey = NonNullable<Extract<SimpleFieldDefinition, { prefill?: unknown }>['prefill']>;

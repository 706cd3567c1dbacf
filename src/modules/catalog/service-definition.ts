import { z } from 'zod';
// The schema file directly, not the forms module's front door: that one pulls in the routes, which need the catalog.
import { formDefinition, localized } from '../forms/form-definition.js';
import { trustLevels } from '../../platform/db/schema.js';
// The rule schemas directly, not the payments module's front door (which pulls in its routes).
import { feeRule, feeRuleProblems, paymentSettings } from '../payments/fees.js';

/** Life situations the catalog is browsed by; a closed set so every town's catalog lines up. */
export const lifeSituations = ['umzug', 'kind', 'gewerbe', 'bauen', 'hund', 'abfall', 'ausweise', 'soziales', 'kontakt'] as const;
export type LifeSituation = (typeof lifeSituations)[number];

/** How far a service can be done online. */
export const maturities = ['online', 'appointment', 'in_person'] as const;

/**
 * One service as content: services/<id>/service.yaml (+ form.yaml when it can be applied for
 * online). Towns adopt it and choose the responsible department; the file names a default.
 */
export const serviceDefinition = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{2,60}$/),
  version: z.number().int().min(1),
  leikaKey: z.string().regex(/^\d{14}$/).optional(),
  title: localized,
  summary: localized,
  description: localized,
  whoMayApply: localized.optional(),
  requiredDocuments: z.array(localized).default([]),
  /** Fee rules (payments/fees.ts): fixed, per item of a group, or per unit computed from answers; integer cents. */
  fees: z.array(feeRule).default([]),
  feeNote: localized.optional(),
  /** Whether and when the fees are paid online, and how they are booked (docs/adr/0027). */
  payment: paymentSettings.optional(),
  legalBasis: z.array(localized).default([]),
  processingTime: z.strictObject({ days: z.number().int().min(0).max(365), text: localized.optional() }).optional(),
  department: z.string().regex(/^[a-z0-9-]{2,40}$/),
  lifeSituations: z.array(z.enum(lifeSituations)).min(1),
  keywords: z.array(z.string().min(2)).default([]),
  maturity: z.enum(maturities),
  /**
   * The eIDAS level of assurance an online application needs (docs/adr/0018): only a citizen
   * account signed in at this level or higher (through the town's IdP) may start and send it.
   */
  minimumTrustLevel: z.enum(trustLevels).optional(),
  /**
   * Whether a signed-in member of an organisation account may apply in its name (docs/adr/0023),
   * as businesses do for a Gewerbeanmeldung; the form then first asks for whom.
   */
  organisationsMayApply: z.boolean().default(false),
  relatedServices: z.array(z.string()).default([]),
  /**
   * The service's own steps while a case is in progress (e.g. "Ortstermin geplant"), shown to
   * clerks and applicants under the core status; the core states themselves are fixed in code.
   */
  caseSteps: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]{2,40}$/), label: localized })).default([]),
  /**
   * Departments the responsible clerk may involve (Beteiligung), each receiving only the named
   * fields ("step.field") of the application, with the legal basis for passing them on.
   */
  involvements: z.array(z.strictObject({
    id: z.string().regex(/^[a-z0-9-]{2,40}$/),
    department: z.string().regex(/^[a-z0-9-]{2,40}$/),
    title: localized,
    legalBasis: localized,
    fields: z.array(z.string().regex(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/)).min(1),
  })).default([]),
  /**
   * A tax the responsible case computes from the answers and the town's tariff: "dog-tax" reads
   * whether the dog is dangerous (a step shown only for listed breeds), whether it is a further dog
   * and since when it is kept.
   */
  assessment: z.strictObject({
    kind: z.literal('dog-tax'),
    dangerousWhenStepShown: z.string(),
    furtherDogField: z.string().regex(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/),
    keptSinceField: z.string().regex(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/),
  }).optional(),
  /**
   * How long closed cases of the service are kept, counted from the day the case was closed; then
   * the retention job deletes them (docs/adr/0011-retention.md). `permanent`: the portal never
   * deletes them (files handed to the archive). Optional only so that definition snapshots stored
   * before retention existed still load; every service folder names one (a test checks it).
   */
  retention: z.union([
    z.strictObject({ years: z.number().int().min(1).max(100), legalBasis: localized.optional() }),
    z.strictObject({ permanent: z.literal(true), legalBasis: localized.optional() }),
  ]).optional(),
  /**
   * The result is collected in person (a certificate, a tag): the receipt offers to book an
   * appointment for the named appointment service, with the text; with `when`, only to applicants
   * who gave that answer ("step.field" equals the value) (docs/adr/0024-appointments.md).
   */
  pickup: z.strictObject({
    service: z.string().regex(/^[a-z0-9-]{2,80}$/),
    text: localized,
    when: z.strictObject({ field: z.string().regex(/^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/), equals: z.string() }).optional(),
  }).optional(),
  form: formDefinition.optional(),
}).superRefine((service, ctx) => {
  if (service.minimumTrustLevel && !service.form) ctx.addIssue({ code: 'custom', path: ['minimumTrustLevel'], message: 'only a service with an online form can require a trust level' });
  if (service.organisationsMayApply && !service.form) ctx.addIssue({ code: 'custom', path: ['organisationsMayApply'], message: 'only a service with an online form can be applied for by organisations' });
  if (service.payment?.mode === 'before' && !service.form) ctx.addIssue({ code: 'custom', path: ['payment', 'mode'], message: 'only a service with an online form can be paid before submission' });
  if (service.payment && service.fees.length === 0) ctx.addIssue({ code: 'custom', path: ['payment'], message: 'a service without fees has nothing to pay' });
  for (const [path, message] of feeRuleProblems(service.fees, service.form, service.payment?.mode)) ctx.addIssue({ code: 'custom', path: ['fees', ...path], message });
  const known = new Set((service.form?.steps ?? []).flatMap((step) => step.fields.map((f) => `${step.id}.${f.id}`)));
  const a = service.assessment;
  if (a) {
    if (!service.form?.steps.some((step) => step.id === a.dangerousWhenStepShown)) ctx.addIssue({ code: 'custom', path: ['assessment', 'dangerousWhenStepShown'], message: 'is no step of the form' });
    for (const key of ['furtherDogField', 'keptSinceField'] as const) {
      if (!known.has(a[key])) ctx.addIssue({ code: 'custom', path: ['assessment', key], message: `${a[key]} is no field of the form` });
    }
  }
  const pickupField = service.pickup?.when?.field;
  if (pickupField && !known.has(pickupField)) ctx.addIssue({ code: 'custom', path: ['pickup', 'when', 'field'], message: `${pickupField} is no field of the form` });
  service.involvements.forEach((involvement, i) => {
    for (const path of involvement.fields) {
      if (!known.has(path)) ctx.addIssue({ code: 'custom', path: ['involvements', i, 'fields'], message: `${path} is no field of the form` });
    }
  });
});

export type ServiceDefinition = z.infer<typeof serviceDefinition>;

/** The JSON Schema of a service folder (service.yaml with form.yaml merged in as `form`). */
export const serviceDefinitionJsonSchema = z.toJSONSchema(serviceDefinition, { io: 'input', unrepresentable: 'any' });

import { z } from 'zod';
// The schema file directly, not the forms module's front door: that one pulls in the routes, which need the catalog.
import { formDefinition, localized } from '../forms/form-definition.js';

/** Life situations the catalog is browsed by; a closed set so every town's catalog lines up. */
export const lifeSituations = ['umzug', 'kind', 'gewerbe', 'bauen', 'hund', 'abfall', 'ausweise', 'soziales', 'kontakt'] as const;
export type LifeSituation = (typeof lifeSituations)[number];

/** How far a service can be done online. */
export const maturities = ['online', 'appointment', 'in_person'] as const;

const fee = z.strictObject({
  label: localized,
  // Integer cents: money is never a float.
  amountCents: z.number().int().min(0),
});

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
  fees: z.array(fee).default([]),
  feeNote: localized.optional(),
  legalBasis: z.array(localized).default([]),
  processingTime: z.strictObject({ days: z.number().int().min(0).max(365), text: localized.optional() }).optional(),
  department: z.string().regex(/^[a-z0-9-]{2,40}$/),
  lifeSituations: z.array(z.enum(lifeSituations)).min(1),
  keywords: z.array(z.string().min(2)).default([]),
  maturity: z.enum(maturities),
  relatedServices: z.array(z.string()).default([]),
  /**
   * The service's own steps while a case is in progress (e.g. "Ortstermin geplant"), shown to
   * clerks and applicants under the core status; the core states themselves are fixed in code.
   */
  caseSteps: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]{2,40}$/), label: localized })).default([]),
  form: formDefinition.optional(),
});

export type ServiceDefinition = z.infer<typeof serviceDefinition>;

/** The JSON Schema of a service folder (service.yaml with form.yaml merged in as `form`). */
export const serviceDefinitionJsonSchema = z.toJSONSchema(serviceDefinition, { io: 'input', unrepresentable: 'any' });

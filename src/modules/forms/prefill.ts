import { toRawInput, type AddressValue, type RawInput, type StepAnswers } from './answers.js';
import type { PrefillKey, StepDefinition } from './form-definition.js';

/** What a signed-in applicant agreed to have forms filled in with: texts (the birth date as ISO date) and the whole address. */
export type PrefillSource = { [K in Exclude<PrefillKey, 'address'>]?: string } & { address?: AddressValue };

/**
 * The input to show on a step the applicant has not answered yet: every field that declares a
 * `prefill` the source has a value for. The values are ordinary input (changed by the applicant,
 * validated when posted); `prefilled` names the fields, so the page can say where they came from.
 */
export function prefillStep(step: StepDefinition, source: PrefillSource): { raw: RawInput; prefilled: string[] } {
  const answers: StepAnswers = {};
  for (const field of step.fields) {
    const value = 'prefill' in field && field.prefill ? source[field.prefill] : undefined;
    if (value) answers[field.id] = value;
  }
  return { raw: toRawInput(step, answers), prefilled: Object.keys(answers) };
}

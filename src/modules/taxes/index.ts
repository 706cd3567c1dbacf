import type { Lang } from '../../platform/i18n/i18n.js';
import type { TenantProfile } from '../../platform/db/schema.js';
import type { ServiceDefinition } from '../catalog/index.js';
import { isShown, type Answers } from '../forms/index.js';
import { assessDogTax, dogTaxValues, type DogTaxAssessment } from './dog-tax.js';

export { assessDogTax, dogTaxValues, type DogTaxAssessment, type DogTaxTariff } from './dog-tax.js';

/**
 * The tax a case's answers lead to where its service defines an assessment: the values (formatted
 * for a letter or the case page), or "noTariff" when the town has not set its tariff.
 */
export function assessCase(definition: ServiceDefinition, answers: Answers, town: TenantProfile, lang: Lang): { assessment: DogTaxAssessment; values: Record<string, string> } | 'noTariff' | undefined {
  const rule = definition.assessment;
  if (!rule) return undefined;
  const tariff = town.taxes?.dog;
  if (!tariff) return 'noTariff';
  const field = (path: string) => {
    const [step, id] = path.split('.') as [string, string];
    return answers[step]?.[id];
  };
  const dangerousStep = definition.form?.steps.find((s) => s.id === rule.dangerousWhenStepShown);
  const assessment = assessDogTax(tariff, {
    dangerous: dangerousStep !== undefined && isShown(dangerousStep.when, answers),
    furtherDog: field(rule.furtherDogField) === true,
    keptSince: String(field(rule.keptSinceField)),
  });
  return { assessment, values: dogTaxValues(assessment, lang) };
}

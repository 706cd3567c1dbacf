import type { Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { checkAttributeAnswers, type AttributeAnswers, type ReportCategory } from './report.js';
import { t } from './reports.i18n.js';

/** Prefix of the web form's fields for extra questions: `frage.<category code>.<question code>`. */
export const questionFieldPrefix = 'frage.';

/** The form field of a category's extra question; each category has its own, so the form can carry every category's questions at once. */
export function questionField(category: ReportCategory, code: string): string {
  return `${questionFieldPrefix}${category.code}.${code}`;
}

/**
 * Checks the web form's answers to the chosen category's extra questions (the other categories'
 * fields are ignored): the same rules as Open311's attribute[code], with errors in the reader's
 * language keyed by form field.
 */
export function checkFormAnswers(category: ReportCategory, given: Readonly<Record<string, string[]>>, lang: Lang): { ok: true; answers: AttributeAnswers } | { ok: false; errors: FieldErrors } {
  const answers = checkAttributeAnswers(category.attributes, Object.fromEntries(category.attributes.map((a) => [a.code, given[questionField(category, a.code)] ?? []])));
  if (answers.ok) return answers;
  return {
    ok: false,
    errors: Object.fromEntries(Object.entries(answers.problems).map(([code, p]) => [questionField(category, code), t(lang, `errorAnswer_${p.kind}`, { max: p.kind === 'tooLong' ? p.max : 0 })])),
  };
}

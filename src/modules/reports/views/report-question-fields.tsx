import { localize, type Lang } from '../../../platform/i18n/i18n.js';
import { ChoiceField, SelectField, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { maxAnswerLength, type ReportCategory } from '../report.js';
import { questionField } from '../report-questions.js';
import { t } from '../reports.i18n.js';

/**
 * The categories' extra questions on the report form, one group per category with its name in the
 * legend: without JavaScript the form cannot show only the chosen category's questions, so it shows
 * all of them, and only the chosen category's answers are read.
 */
export function ExtraQuestions(props: { lang: Lang; categories: ReportCategory[]; values: Readonly<Record<string, string[]>>; errors: FieldErrors }) {
  const { lang } = props;
  return (
    <>
      {props.categories.filter((c) => c.attributes.length > 0).map((c) => (
        <fieldset class="kern-fieldset form-field" key={c.code}>
          <legend class="kern-label">{t(lang, 'questionsLegend', { category: localize(c.name, lang) })}</legend>
          <p class="kern-hint">{t(lang, 'questionsHint')}</p>
          <div class="kern-fieldset__body">
            {c.attributes.map((a) => {
              const name = questionField(c, a.code);
              const common = { name, label: localize(a.description, lang), lang, required: a.required, error: props.errors[name] };
              const given = props.values[name] ?? [];
              const options = (a.values ?? []).map((v) => ({ value: v.key, label: localize(v.name, lang) }));
              switch (a.datatype) {
                case 'singlevaluelist': return <SelectField key={name} {...common} value={given[0] ?? ''} options={options} placeholder={t(lang, 'streetPlaceholder')} />;
                case 'multivaluelist': return <ChoiceField key={name} {...common} kind="checkbox" options={options} selected={given} />;
                default: return <TextField key={name} {...common} value={given[0] ?? ''} multiline={a.datatype === 'text'} inputmode={a.datatype === 'number' ? 'decimal' : undefined} maxLength={maxAnswerLength[a.datatype === 'text' ? 'text' : 'string']} />;
              }
            })}
          </div>
        </fieldset>
      ))}
    </>
  );
}

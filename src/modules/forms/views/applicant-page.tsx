import { localize } from '../../../platform/i18n/i18n.js';
import { Button, ChoiceField, CsrfField, ErrorSummary, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { ServiceDefinition } from '../../catalog/index.js';
import { t } from '../forms.i18n.js';

/** The value of the choice "for myself"; every other value is an organisation's id. */
export const forMyself = 'person';

/** Asks a member of organisations for whom the application is made: themselves or one of them. */
export function ApplicantPage(props: {
  ctx: PageContext;
  service: ServiceDefinition;
  organisations: Array<{ id: string; name: string }>;
  action: string;
  selected: string | undefined;
  errors: FieldErrors;
}) {
  const { ctx } = props;
  const lang = ctx.lang;
  const title = t(lang, 'applicantTitle');
  return (
    <Layout ctx={ctx} title={`${Object.keys(props.errors).length ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${title} – ${localize(props.service.title, lang)}`}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <p class="kern-preline">{localize(props.service.title, lang)}</p>
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{t(lang, 'applicantIntro')}</p>
      <form method="post" action={props.action} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <ChoiceField
          name="applicant"
          label={t(lang, 'applicantLegend')}
          kind="radio"
          lang={lang}
          options={[
            { value: forMyself, label: t(lang, 'applicantPerson') },
            ...props.organisations.map((o) => ({ value: o.id, label: t(lang, 'applicantOrganisation', { name: o.name }) })),
          ]}
          selected={props.selected ? [props.selected] : []}
          error={props.errors.applicant}
        />
        <div class="kern-btn-wrapper form-actions">
          <Button>{t(lang, 'continue')}</Button>
        </div>
      </form>
    </Layout>
  );
}

import { berlinDay, formatDate, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, ErrorSummary, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { FormField } from '../../forms/index.js';
import { isOverdue, replyUploadStep, type ApplicantRequest } from '../applicant-requests.js';
import { t } from '../applicant-requests.i18n.js';
import { formatDueOn } from './applicant-requests-section.js';

/** The answer form after a refusal: the text as typed, and why (files must be chosen again). */
export interface AnswerFormState { requestId: string; reply: string; errors: FieldErrors; alert?: string }

/**
 * The applicant's view of the administration's questions: an open one with its deadline (a late
 * answer is still welcome), the documents wanted and the answer form with one upload per
 * document; answered and withdrawn ones as a short note. Shared by every way the applicant
 * reaches their application (status link, receipt, later the postbox).
 */
export function ApplicantQuestions(props: { lang: Lang; requests: ApplicantRequest[]; answerBase: string; csrfToken?: string; form?: AnswerFormState }) {
  const { lang } = props;
  const today = berlinDay(new Date());
  if (props.requests.length === 0) return null;
  const open = props.requests.filter((r) => r.state === 'open');
  const closed = props.requests.filter((r) => r.state !== 'open').reverse();
  return (
    <section aria-labelledby="fragen">
      <h2 class="kern-heading-large" id="fragen">{t(lang, open.length > 0 ? 'openQuestion' : 'questionsTitle')}</h2>
      {props.form?.alert && <Alert kind="danger" title={t(lang, 'notSent')}><p class="kern-body">{props.form.alert}</p></Alert>}
      {open.map((r) => {
        const errors = props.form?.requestId === r.id ? props.form.errors : {};
        const step = replyUploadStep(r.documents);
        return (
          <form method="post" action={`${props.answerBase}/${r.id}`} enctype="multipart/form-data" novalidate class="applicant-answer" key={r.id}>
            <ErrorSummary errors={errors} lang={lang} />
            <CsrfField token={props.csrfToken} />
            <p class="kern-body preserve-lines" lang="de">{r.question}</p>
            <p class="kern-body">{isOverdue(r, today) ? <strong>{t(lang, 'lateAnswer', { date: formatDueOn(r.dueOn, lang) })}</strong> : t(lang, 'answerBy', { date: formatDueOn(r.dueOn, lang) })}</p>
            {r.documents.length > 0 && (
              <>
                <p class="kern-body">{t(lang, 'wantedDocuments')}</p>
                <ul class="kern-list" lang="de">{r.documents.map((d, i) => <li key={i}>{d}</li>)}</ul>
              </>
            )}
            <TextField name="antwort" label={t(lang, 'yourAnswer')} hint={t(lang, 'yourAnswerHint')} value={props.form?.requestId === r.id ? props.form.reply : ''} error={errors.antwort} lang={lang} required={false} multiline maxLength={5000} />
            <h3 class="kern-heading-medium">{t(lang, 'uploadsHeading')}</h3>
            {Object.keys(errors).length > 0 && <p class="kern-body">{t(lang, 'filesAgain')}</p>}
            {step.fields.map((field) => <FormField key={field.id} field={field} raw={{}} files={{}} errors={errors} lang={lang} />)}
            <p class="kern-body">{t(lang, 'answerOnce')}</p>
            <Button>{t(lang, 'sendAnswer')}</Button>
          </form>
        );
      })}
      {closed.map((r) => (
        <div class="applicant-answer" key={r.id}>
          <h3 class="kern-heading-medium">{t(lang, 'earlierQuestion', { date: formatDate(r.requestedAt, lang) })}</h3>
          <p class="kern-body preserve-lines" lang="de">{r.question}</p>
          <p class="kern-body">{r.state === 'answered' ? t(lang, 'answeredThanks', { date: formatDate(r.answeredAt!, lang, true) }) : t(lang, 'withdrawnForApplicant')}</p>
        </div>
      ))}
    </section>
  );
}

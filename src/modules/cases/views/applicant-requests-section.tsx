import { berlinDay, berlinMidnight, formatDate, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, ErrorSummary, SummaryList, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { isOverdue, type AnswerChannel, type ApplicantRequest, type RequestFormValues } from '../applicant-requests.js';
import { t } from '../applicant-requests.i18n.js';

const channelNames = { 'status-link': 'viaStatusLink', receipt: 'viaReceipt', postbox: 'viaPostbox' } as const;

/** "Beantwortet am …", "Zurückgezogen am …" or "Antwort ausstehend". */
export function requestStateText(lang: Lang, r: ApplicantRequest): string {
  if (r.state === 'answered') return t(lang, 'stateAnswered', { date: formatDate(r.answeredAt!, lang, true), via: t(lang, channelNames[r.answeredVia as AnswerChannel]) }).trim();
  if (r.state === 'withdrawn') return t(lang, 'stateWithdrawn', { date: formatDate(r.withdrawnAt!, lang, true) });
  return t(lang, 'stateOpen');
}

/** The day of a deadline for people (27.03.2026). */
export const formatDueOn = (day: string, lang: Lang) => formatDate(berlinMidnight(day), lang);

/** The clerk's form state after a refused request: what was typed, and why. */
export interface RequestFormState { values: RequestFormValues; errors: FieldErrors }

/**
 * The case page's section on questions to the applicant: each request with its deadline (overdue
 * ones marked, answering late is still possible), the answer and its files, withdrawing an open
 * one, and the form for a new one when the clerk may ask now.
 */
export function ApplicantRequestsSection(props: {
  lang: Lang;
  csrfToken: string | undefined;
  caseId: string;
  version: number;
  requests: ApplicantRequest[];
  /** Whether the clerk may ask now (case in progress, theirs or a team lead's, no open request). */
  mayAsk: boolean;
  mayWithdraw: boolean;
  reachableByMail: boolean;
  defaultDueOn: string;
  form?: RequestFormState;
}) {
  const { lang } = props;
  const base = `/verwaltung/vorgaenge/${props.caseId}/nachforderungen`;
  const today = berlinDay(new Date());
  const errors = props.form?.errors ?? {};
  return (
    <section aria-labelledby="nachforderungen">
      <h2 class="kern-heading-large" id="nachforderungen">{t(lang, 'requestsTitle')}</h2>
      {props.requests.length === 0 && <p class="kern-body">{t(lang, 'noRequests')}</p>}
      {props.requests.map((r, n) => (
        <article class="applicant-request" key={r.id} aria-labelledby={`nachforderung-${r.id}`}>
          <h3 class="kern-heading-medium" id={`nachforderung-${r.id}`}>{`${n + 1}. ${t(lang, 'askedOn', { date: formatDate(r.requestedAt, lang) })}`}</h3>
          <p class="kern-body preserve-lines">{r.question}</p>
          <SummaryList
            lang={lang}
            rows={[
              { key: t(lang, 'dueOn'), value: <>{formatDueOn(r.dueOn, lang)}{isOverdue(r, today) && <strong>{` (${t(lang, 'overdueStaff')})`}</strong>}</> },
              { key: t(lang, 'stateLabel'), value: r.state === 'open' ? <strong>{requestStateText(lang, r)}</strong> : requestStateText(lang, r) },
              ...(r.documents.length > 0 ? [{ key: t(lang, 'wanted'), value: <ul class="kern-list">{r.documents.map((d, i) => <li key={i}>{d}</li>)}</ul> }] : []),
              ...(r.state === 'answered' ? [
                { key: t(lang, 'reply'), value: <span class="preserve-lines">{r.reply || t(lang, 'noReplyText')}</span> },
                {
                  key: t(lang, 'replyFiles'),
                  value: r.files.length === 0 ? t(lang, 'noReplyFiles') : (
                    <ul class="kern-list">
                      {r.files.map((f) => (
                        <li key={f.id}>
                          <a class="kern-link" href={`/verwaltung/vorgaenge/${props.caseId}/dateien/${f.id}`}>{`${f.filename} (${Math.ceil(f.size / 1024)} KB)`}</a>
                          {` – ${f.item === null ? t(lang, 'furtherDocument') : (r.documents[f.item] ?? '')}`}
                        </li>
                      ))}
                    </ul>
                  ),
                },
              ] : []),
            ]}
          />
          {r.state === 'open' && props.mayWithdraw && (
            <form method="post" action={`${base}/${r.id}/zurueckziehen`}>
              <CsrfField token={props.csrfToken} />
              <input type="hidden" name="version" value={String(props.version)} />
              <Button variant="secondary">{t(lang, 'withdraw')}</Button>
            </form>
          )}
        </article>
      ))}
      {props.mayAsk && (
        <form method="post" action={base} class="applicant-request-form">
          <h3 class="kern-heading-medium">{t(lang, 'askTitle')}</h3>
          <ErrorSummary errors={errors} lang={lang} />
          {!props.reachableByMail && <Alert kind="warning" title={t(lang, 'noEmailTitle')}><p class="kern-body">{t(lang, 'noEmail')}</p></Alert>}
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="version" value={String(props.version)} />
          <TextField name="rueckfrage" label={t(lang, 'questionLabel')} hint={t(lang, 'questionHint')} value={props.form?.values.question ?? ''} error={errors.rueckfrage} lang={lang} multiline maxLength={5000} />
          <TextField name="frist" label={t(lang, 'dueLabel')} hint={t(lang, 'dueHint')} value={props.form?.values.dueOn ?? formatDueOn(props.defaultDueOn, 'de')} error={errors.frist} lang={lang} width="short" />
          <TextField name="unterlagen" label={t(lang, 'documentsLabel')} hint={t(lang, 'documentsHint')} value={props.form?.values.documents ?? ''} error={errors.unterlagen} lang={lang} required={false} multiline />
          <p class="kern-body">{t(lang, 'askEffect')}</p>
          <Button variant="secondary">{t(lang, 'askSubmit')}</Button>
        </form>
      )}
    </section>
  );
}

import type { ComponentChildren } from 'preact';
import { formatDate, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, ChoiceField, CsrfField, ErrorSummary, SummaryList } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { ApplicantQuestions, type AnswerFormState, type ApplicantRequest } from '../../cases/index.js';
import type { CaseDocument } from '../../letters/index.js';
import { t } from '../status.i18n.js';

/** Everything the applicant sees about their application (no notes, no names of staff). */
export interface ApplicantStatus {
  caseId: string;
  reference: string;
  serviceTitle: string;
  receivedAt: Date;
  /** Core status in words, with the service's step when one is set. */
  current: string;
  history: Array<{ date: Date; status: string }>;
  documents: CaseDocument[];
  /** The administration's questions (Nachforderungen), answered here. */
  requests: ApplicantRequest[];
  /** Whether the application is still open: the applicant may withdraw it and answer questions. */
  withdrawable: boolean;
}

/** A refused withdrawal: the confirmation missing, or the application no longer open. */
export interface WithdrawState {
  error?: string;
  alert?: string;
}

/** The applicant's status page: reference, current status, open questions, its history and the documents to download. */
export function StatusPage(props: { ctx: PageContext; status: ApplicantStatus; page: string; answerForm?: AnswerFormState; withdraw?: WithdrawState; payment?: ComponentChildren }) {
  const { lang } = props.ctx;
  const s = props.status;
  const documentBase = `${props.page}/dokumente`;
  const notSent = (props.answerForm && (props.answerForm.alert || Object.keys(props.answerForm.errors).length > 0)) || props.withdraw;
  return (
    <Layout ctx={props.ctx} title={`${notSent ? `${t(lang, 'notSent')}: ` : ''}${t(lang, 'title', { reference: s.reference })}`}>
      <h1 class="kern-heading-x-large">{t(lang, 'heading')}</h1>
      <SummaryList
        lang={lang}
        rows={[
          { key: t(lang, 'reference'), value: <span class="reference-number">{s.reference}</span> },
          { key: t(lang, 'service'), value: s.serviceTitle },
          { key: t(lang, 'received'), value: formatDate(s.receivedAt, lang) },
          { key: t(lang, 'current'), value: <strong>{s.current}</strong> },
        ]}
      />
      {/* The fee's state (payments module), for an application paid before handling. */}
      {props.payment}
      {/* A question left open when the application was withdrawn or decided can no longer be answered (a refused answer still shows why). */}
      <ApplicantQuestions lang={lang} requests={s.withdrawable || props.answerForm ? s.requests : s.requests.filter((r) => r.state !== 'open')} answerBase={`${props.page}/fragen`} csrfToken={props.ctx.csrfToken} form={props.answerForm} />
      <StatusHistory lang={lang} status={s} />
      <h2 class="kern-heading-large">{t(lang, 'documents')}</h2>
      {s.documents.length === 0 ? <p class="kern-body">{t(lang, 'noDocuments')}</p> : (
        <>
          {s.documents.map((d) => <DocumentEntry key={d.id} lang={lang} document={d} base={`${documentBase}/${d.id}`} />)}
          <p class="kern-body kern-body--small">{t(lang, 'checkTextHint')}</p>
        </>
      )}
      <Withdrawal lang={lang} action={`${props.page}/zurueckziehen`} csrfToken={props.ctx.csrfToken} withdrawable={s.withdrawable} state={props.withdraw} />
      <p class="kern-body">{t(lang, 'personalLink')}</p>
    </Layout>
  );
}

/** The application's history as the applicant sees it: received, then each change of status (id "verlauf"). */
export function StatusHistory(props: { lang: Lang; status: Pick<ApplicantStatus, 'receivedAt' | 'history'> }) {
  const { lang, status: s } = props;
  return (
    <>
      <h2 class="kern-heading-large" id="verlauf">{t(lang, 'history')}</h2>
      <ol class="kern-list case-timeline">
        <li><span class="kern-body kern-body--small">{formatDate(s.receivedAt, lang)}</span> {t(lang, 'eventReceived')}</li>
        {s.history.map((h, i) => <li key={i}><span class="kern-body kern-body--small">{formatDate(h.date, lang)}</span> {h.status}</li>)}
      </ol>
    </>
  );
}

/** A letter for the applicant: title, number, date, what it supersedes, fingerprint, and the downloads under `base` (also the postbox's letter page). */
export function DocumentEntry(props: { lang: Lang; document: CaseDocument; base: string; headingLevel?: 'h2' | 'h3' }) {
  const { lang, document: d } = props;
  const Heading = props.headingLevel ?? 'h3';
  return (
    <section class="case-document" aria-labelledby={`dokument-${d.id}`}>
      <Heading class="kern-heading-medium" id={`dokument-${d.id}`} lang="de">{d.title}</Heading>
      <SummaryList
        lang={lang}
        rows={[
          { key: t(lang, 'documentNumber'), value: d.number },
          { key: t(lang, 'date'), value: formatDate(d.deliveredAt, lang) },
          ...(d.supersedes ? [{ key: t(lang, 'supersedes'), value: d.supersedes.number }] : []),
          ...(d.supersededBy ? [{ key: t(lang, 'supersededBy'), value: d.supersededBy.number }] : []),
          { key: t(lang, 'fingerprint'), value: <code class="fingerprint">{d.fingerprint}</code> },
        ]}
      />
      <p class="kern-body">
        <a class="kern-link" href={`${props.base}/bescheid.pdf`}>{t(lang, 'downloadPdf')}<span class="sr-only">{` ${d.number}`}</span></a>
        {' · '}
        <a class="kern-link" href={`${props.base}/prueftext.txt`}>{t(lang, 'downloadCheckText')}<span class="sr-only">{` ${d.number}`}</span></a>
      </p>
    </section>
  );
}

/** Withdrawing an open application: the confirmation and the button, or why it was refused. */
export function Withdrawal(props: { lang: Lang; action: string; csrfToken?: string; withdrawable: boolean; state?: WithdrawState }) {
  const { lang, state } = props;
  if (!props.withdrawable && !state?.alert) return null;
  return (
    <section aria-labelledby="zurueckziehen">
      <h2 class="kern-heading-large" id="zurueckziehen">{t(lang, 'withdrawHeading')}</h2>
      {state?.alert && <Alert kind="danger" title={t(lang, 'notSent')}><p class="kern-body">{state.alert}</p></Alert>}
      {props.withdrawable && (
        <form method="post" action={props.action} novalidate>
          <ErrorSummary errors={state?.error ? { bestaetigung: state.error } : {}} lang={lang} />
          <CsrfField token={props.csrfToken} />
          <p class="kern-body">{t(lang, 'withdrawText')}</p>
          <ChoiceField name="bestaetigung" kind="checkbox" label={t(lang, 'withdrawConfirmLegend')} lang={lang} selected={[]} options={[{ value: 'ja', label: t(lang, 'withdrawConfirm') }]} error={state?.error} />
          <Button variant="secondary">{t(lang, 'withdrawSubmit')}</Button>
        </form>
      )}
    </section>
  );
}

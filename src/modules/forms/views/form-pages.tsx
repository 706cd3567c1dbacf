import type { ComponentChildren } from 'preact';
import { formatDate, localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, ChoiceField, CsrfField, ErrorSummary, SummaryList, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { ServiceDefinition } from '../../catalog/index.js';
import { displayValue, type Answers, type FileRef, type RawInput } from '../answers.js';
import type { FieldDefinition, StepDefinition } from '../form-definition.js';
import { t } from '../forms.i18n.js';
import type { ReceiptSection } from '../receipt.js';
import { t as savedDraftTexts } from '../saved-drafts.i18n.js';
import { FormField, type SafeDocumentChoice } from './form-fields.js';
import { assessFees, FeeBreakdown } from '../../payments/index.js';

/** "Only needed if you chose … for …" for a field that depends on another answer of the same step. */
function conditionNote(step: StepDefinition, field: FieldDefinition, lang: Lang): string | undefined {
  const when = field.when;
  if (!when?.field.startsWith(`${step.id}.`)) return undefined;
  const source = step.fields.find((f) => f.id === when.field.slice(step.id.length + 1));
  if (!source) return undefined;
  const values = when.in ?? [when.equals];
  const labelOf = (v: string | boolean | undefined) => {
    if (typeof v === 'boolean') return t(lang, v ? 'yes' : 'no');
    const option = 'options' in source ? source.options.find((o) => o.value === v) : undefined;
    return option ? localize(option.label, lang) : String(v);
  };
  return t(lang, 'onlyIf', { question: localize(source.label, lang), answers: values.map((v) => `„${labelOf(v)}“`).join(lang === 'de' ? ' oder ' : ' or ') });
}

/** One step of an application form. */
export function StepPage(props: {
  ctx: PageContext;
  service: ServiceDefinition;
  step: StepDefinition;
  stepNumber: number;
  stepCount: number;
  action: string;
  backHref: string;
  raw: RawInput;
  files: Record<string, FileRef[]>;
  errors: FieldErrors;
  /** Ids of the fields filled in from the applicant's profile. */
  prefilled?: string[];
  /** The signed-in applicant's document safe, offered in file fields. */
  safeDocuments?: SafeDocumentChoice[];
}) {
  const { ctx, step } = props;
  const lang = ctx.lang;
  const title = localize(step.title, lang);
  const hasFiles = step.fields.some((f) => f.type === 'file');
  return (
    <Layout ctx={ctx} title={`${Object.keys(props.errors).length ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${title} – ${localize(props.service.title, lang)}`} scripts={['/static/form-conditions.js']}>
      <p class="kern-body"><a class="kern-link" href={props.backHref}>{t(lang, 'back')}</a></p>
      <ErrorSummary errors={props.errors} lang={lang} />
      <p class="kern-preline">{localize(props.service.title, lang)} · {t(lang, 'stepOf', { n: props.stepNumber, total: props.stepCount })}</p>
      <h1 class="kern-heading-x-large">{title}</h1>
      {step.intro && <p class="kern-body">{localize(step.intro, lang)}</p>}
      {props.prefilled && props.prefilled.length > 0 && (
        <div class="prefill-notice">
          <Alert kind="info" title={t(lang, 'prefilledTitle')}>
            <p class="kern-body">{t(lang, 'prefilledText', { fields: step.fields.filter((f) => props.prefilled!.includes(f.id)).map((f) => localize(f.label, lang)).join(', ') })}</p>
          </Alert>
        </div>
      )}
      <form method="post" action={props.action} enctype={hasFiles ? 'multipart/form-data' : undefined} novalidate class="application-form">
        <CsrfField token={ctx.csrfToken} />
        <div class="kern-stack">
          {step.fields.map((field) => (
            <div
              key={field.id}
              class="form-field"
              data-when-field={field.when?.field.startsWith(`${step.id}.`) ? field.when.field.slice(step.id.length + 1) : undefined}
              data-when-values={field.when?.field.startsWith(`${step.id}.`) ? JSON.stringify(field.when.in ?? [field.when.equals === true ? 'yes' : field.when.equals === false ? 'no' : field.when.equals]) : undefined}
            >
              <FormField field={field} raw={props.raw} files={props.files} errors={props.errors} lang={lang} conditionNote={conditionNote(step, field, lang)} safeDocuments={props.safeDocuments} />
            </div>
          ))}
        </div>
        <div class="kern-btn-wrapper form-actions">
          <Button name="_action" value="continue">{t(lang, 'continue')}</Button>
          <Button variant="secondary" name="_action" value="later">{savedDraftTexts(lang, 'later')}</Button>
        </div>
      </form>
    </Layout>
  );
}

/** Check your answers: every shown step with change links, the declaration, and the send button. */
export function CheckAnswersPage(props: {
  ctx: PageContext;
  service: ServiceDefinition;
  steps: StepDefinition[];
  answers: Answers;
  draftId: string;
  errors: FieldErrors;
  incomplete: string[];
  /** For whom the application is made, when the applicant could choose (ADR 0023). */
  applicant?: string;
}) {
  const { ctx, service } = props;
  const lang = ctx.lang;
  const form = service.form!;
  return (
    <Layout ctx={ctx} title={`${Object.keys(props.errors).length ? (lang === 'de' ? 'Fehler: ' : 'Error: ') : ''}${t(lang, 'checkTitle')} – ${localize(service.title, lang)}`}>
      <ErrorSummary errors={props.errors} lang={lang} />
      <p class="kern-preline">{localize(service.title, lang)}</p>
      <h1 class="kern-heading-x-large">{t(lang, 'checkTitle')}</h1>
      <p class="kern-body">{t(lang, 'checkIntro')}</p>
      {props.applicant !== undefined && (
        <section aria-labelledby="f-applicant" class="check-section">
          <h2 class="kern-heading-medium" id="f-applicant" tabindex={-1}>{t(lang, 'applicantRow')}</h2>
          <SummaryList lang={lang} rows={[{ key: t(lang, 'applicantRow'), value: props.applicant, changeHref: `/antrag/${props.draftId}/fuer-wen`, changeLabel: t(lang, 'applicantChange') }]} />
        </section>
      )}
      {props.steps.map((step) => (
        <section key={step.id} aria-labelledby={`step-${step.id}`} class="check-section">
          <h2 class="kern-heading-medium" id={`step-${step.id}`}>{localize(step.title, lang)}</h2>
          {props.incomplete.includes(step.id) && (
            <Alert kind="warning" title={t(lang, 'incompleteStep', { step: localize(step.title, lang) })}>
              <a class="kern-link" href={`/antrag/${props.draftId}/${step.id}?pruefen=1`}>{t(lang, 'continue')}</a>
            </Alert>
          )}
          <SummaryList
            lang={lang}
            rows={step.fields
              .filter((f) => props.answers[step.id]?.[f.id] !== undefined || f.required)
              .filter((f) => !f.when || props.answers[step.id]?.[f.id] !== undefined)
              .map((f) => ({
                key: localize(f.label, lang),
                value: <span class="preserve-lines">{displayValue(f, props.answers[step.id]?.[f.id], lang)}</span>,
                changeHref: `/antrag/${props.draftId}/${step.id}?pruefen=1#f-${f.id}`,
              }))}
          />
        </section>
      ))}
      {service.fees.length > 0 && <FeeBreakdown lang={lang} fees={assessFees(service.fees, props.answers)} payment={service.payment} />}
      <form method="post" action={`/antrag/${props.draftId}/absenden`} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <h2 class="kern-heading-medium">{t(lang, 'declarationTitle')}</h2>
        <p class="kern-body">{localize(form.declaration, lang)}</p>
        <ChoiceField
          name="declaration"
          label={t(lang, 'declarationConfirm')}
          kind="checkbox"
          lang={lang}
          options={[{ value: 'yes', label: t(lang, 'declarationAccept') }]}
          selected={[]}
          error={props.errors.declaration}
        />
        <div class="kern-btn-wrapper form-actions">
          <Button>{t(lang, 'submit')}</Button>
        </div>
      </form>
    </Layout>
  );
}

/** The receipt: shown only after the submission committed. */
export function ReceiptPage(props: {
  ctx: PageContext;
  serviceTitle: string;
  departmentName: string;
  reference: string;
  submittedAt: Date;
  submissionId: string;
  mailQueued: boolean;
  /** The fee's state, for a service paid before handling (from the payments module). */
  payment?: ComponentChildren;
  /** The fee is not paid yet: the office does not process the application until it is. */
  awaitingPayment?: boolean;
  /** The offer to book an appointment to collect the result (from the appointments module). */
  pickup?: ComponentChildren;
}) {
  const lang: Lang = props.ctx.lang;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'receiptTitle')}>
      <div class="kern-alert kern-alert--success receipt-panel" role="status">
        <div class="kern-alert__header">
          <span class="kern-icon kern-icon--success" aria-hidden="true"></span>
          <h1 class="kern-title">{t(lang, 'receiptTitle')}</h1>
        </div>
        <div class="kern-alert__body">
          <p class="kern-body">{t(lang, 'receiptReference')}</p>
          <p class="kern-heading-large reference-number" data-testid="reference">{props.reference}</p>
        </div>
      </div>
      <p class="kern-body">{t(lang, 'receiptText', { service: props.serviceTitle, date: formatDate(props.submittedAt, lang, true) })}</p>
      {props.mailQueued && <p class="kern-body">{t(lang, 'receiptMailSent')}</p>}
      {props.payment}
      {!props.awaitingPayment && <p class="kern-body">{t(lang, 'receiptNext', { department: props.departmentName })}</p>}
      {props.pickup}
      <p class="kern-body"><a class="kern-link" href={`/eingang/${props.submissionId}/quittung.pdf`} download>{t(lang, 'receiptPdf')}</a></p>
      <p class="kern-body"><a class="kern-link" href={`/eingang/${props.submissionId}/status`}>{t(lang, 'statusLink')}</a></p>
    </Layout>
  );
}

/** The answers of a sent application as its receipt lists them, one section per step (headings at the given level). */
export function SubmittedAnswers(props: { sections: ReceiptSection[]; lang: Lang; headingLevel: 2 | 3 }) {
  const Heading = props.headingLevel === 2 ? 'h2' : 'h3';
  return (
    <>
      {props.sections.map((section, i) => (
        <section key={i} aria-labelledby={`antworten-${i}`} class="check-section">
          <Heading class="kern-heading-medium" id={`antworten-${i}`}>{section.heading}</Heading>
          <SummaryList lang={props.lang} rows={section.rows.map((r) => ({ key: r.label, value: <span class="preserve-lines">{r.value}</span> }))} />
        </section>
      ))}
    </>
  );
}

/** Shown for a draft that was already sent, has expired, or belongs to another browser. */
export function DraftGonePage(props: { ctx: PageContext }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'draftGone')}>
      <h1 class="kern-heading-x-large">{t(lang, 'draftGone')}</h1>
      <p class="kern-body"><a class="kern-link" href="/leistungen">{t(lang, 'startAgain')}</a></p>
    </Layout>
  );
}

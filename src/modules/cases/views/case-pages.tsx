import type { ComponentChildren } from 'preact';
import { formatDate, localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, ChoiceField, CsrfField, ErrorSummary, SelectField, SummaryList, TextField } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { CaseDocumentsSection, describeDocumentEvent, type CaseDocument } from '../../letters/index.js';
import { displayValue, visibleSteps, type Answers } from '../../forms/index.js';
import { CaseHandoffSection, describeHandoffEvent, type HandoffDelivery } from '../../handoff/index.js';
import type { ServiceDefinition } from '../../catalog/index.js';
import type { RefundFormState } from '../../payments/index.js';
import { caseStatuses, caseStatusNames, type CaseStatus } from '../case.js';
import { inboxCountLimit, inboxViews, type InboxRow } from '../cases.repository.js';
import type { ParsedInboxQuery } from '../inbox-query.js';
import { t } from '../cases.i18n.js';
import { t as requestTexts } from '../applicant-requests.i18n.js';
import type { ApplicantRequest } from '../applicant-requests.js';
import { ApplicantRequestsSection, formatDueOn, type RequestFormState } from './applicant-requests-section.js';

/** Who is signed in, with the sign-out button; at the top of every staff page. */
export function StaffBar(props: { ctx: PageContext; staffName: string }) {
  const { lang } = props.ctx;
  return (
    <form method="post" action="/verwaltung/abmelden" class="staff-bar">
      <CsrfField token={props.ctx.csrfToken} />
      <span class="kern-body kern-body--small">{t(lang, 'signedInAs', { name: props.staffName })}</span>
      <Button variant="tertiary">{t(lang, 'logout')}</Button>
    </form>
  );
}

const viewNames = { neu: 'viewNew', meine: 'viewMine', team: 'viewTeam', ueberfaellig: 'viewOverdue' } as const;

/** The department inbox: one of four views, newest first (overdue: most overdue first), paginated. */
export function InboxPage(props: {
  ctx: PageContext;
  staffName: string;
  rows: InboxRow[];
  total: number;
  page: number;
  pageSize: number;
  filter: ParsedInboxQuery;
  team: Array<{ id: string; name: string }>;
  services: Array<{ id: string; title: string }>;
  staffNames: Map<string, string>;
  serviceTitle: (id: string) => string;
  departmentName: (id: string) => string;
  /** Team leads get links to the statistics and the retention report. */
  reports?: boolean;
}) {
  const { lang } = props.ctx;
  const view = props.filter.filter.view;
  const v = props.filter.values;
  const errors = props.filter.errors;
  const capped = props.total > inboxCountLimit;
  const pages = capped ? undefined : Math.max(1, Math.ceil(props.total / props.pageSize));
  const hasNext = pages === undefined ? props.rows.length === props.pageSize : props.page < pages;
  const pageUrl = (page: number) => `/verwaltung?${new URLSearchParams({ ...Object.fromEntries(Object.entries(v).filter(([, x]) => x !== '')), seite: String(page) })}`;
  return (
    <Layout ctx={props.ctx} title={`${Object.keys(errors).length > 0 ? `${t(lang, 'notSaved')}: ` : ''}${t(lang, 'inboxTitle')}: ${t(lang, viewNames[view])}`}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <h1 class="kern-heading-x-large">{t(lang, 'inboxTitle')}</h1>
      <p class="kern-body"><a class="kern-link" href="/verwaltung/termine">{t(lang, 'appointmentsToday')}</a></p>
      <p class="kern-body"><a class="kern-link" href="/verwaltung/maengel">{t(lang, 'defectReports')}</a></p>
      {props.reports && (
        <nav aria-label={t(lang, 'reports')} class="inbox-views">
          <ul class="kern-list">
            <li><a class="kern-link" href="/verwaltung/statistik">{t(lang, 'statistics')}</a></li>
            <li><a class="kern-link" href="/verwaltung/aufbewahrung">{t(lang, 'retention')}</a></li>
          </ul>
        </nav>
      )}
      <nav aria-label={t(lang, 'views')} class="inbox-views">
        <ul class="kern-list">
          {inboxViews.map((name) => (
            <li key={name}>
              <a class="kern-link" href={`/verwaltung?ansicht=${name}`} aria-current={name === view ? 'page' : undefined}>{t(lang, viewNames[name])}</a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action="/verwaltung" class="inbox-filter" aria-label={t(lang, 'filter')}>
        <ErrorSummary errors={errors} lang={lang} />
        <input type="hidden" name="ansicht" value={view} />
        <TextField name="suche" type="search" label={t(lang, 'search')} hint={t(lang, 'searchHint')} value={v.suche} lang={lang} required={false} maxLength={200} />
        <details class="inbox-filter__more" open={Object.entries(v).some(([k, x]) => x !== '' && k !== 'ansicht' && k !== 'suche') || undefined}>
        <summary class="kern-body">{t(lang, 'moreFilters')}</summary>
        <div class="inbox-filter__row">
          <SelectField name="leistung" label={t(lang, 'service')} value={v.leistung} error={errors.leistung} lang={lang} required={false} placeholder={t(lang, 'anyService')} options={props.services.map((s) => ({ value: s.id, label: s.title }))} />
          <SelectField name="status" label={t(lang, 'status')} value={v.status} error={errors.status} lang={lang} required={false} placeholder={t(lang, 'anyStatus')} options={caseStatuses.map((s) => ({ value: s, label: localize(caseStatusNames[s], lang) }))} />
          <SelectField name="bearbeitung" label={t(lang, 'assignee')} value={v.bearbeitung} error={errors.bearbeitung} lang={lang} required={false} placeholder={t(lang, 'anyone')} options={[{ value: 'ich', label: t(lang, 'me') }, { value: 'niemand', label: t(lang, 'nobody') }, ...props.team.map((s) => ({ value: s.id, label: s.name }))]} />
        </div>
        <div class="inbox-filter__row">
          <TextField name="von" label={t(lang, 'receivedFrom')} hint={t(lang, 'dateHint')} value={v.von} error={errors.von} lang={lang} required={false} />
          <TextField name="bis" label={t(lang, 'receivedTo')} hint={t(lang, 'dateHint')} value={v.bis} error={errors.bis} lang={lang} required={false} />
          <SelectField name="sortierung" label={t(lang, 'sort')} value={v.sortierung} lang={lang} required={false} placeholder={t(lang, 'sortNewest')} options={[{ value: 'aelteste', label: t(lang, 'sortOldest') }, { value: 'frist', label: t(lang, 'sortDeadline') }]} />
        </div>
        </details>
        <Button variant="secondary">{t(lang, 'applyFilter')}</Button>
        <p class="kern-body"><a class="kern-link" href={`/verwaltung?ansicht=${view}`}>{t(lang, 'resetFilter')}</a></p>
      </form>
      <p class="kern-body" role="status">{capped ? t(lang, 'caseCountMore', { total: inboxCountLimit.toLocaleString(lang) }) : t(lang, 'caseCount', { total: props.total })}</p>
      {props.rows.length === 0 ? <p class="kern-body">{t(lang, 'inboxEmpty')}</p> : (
        <div class="kern-table-responsive" tabindex={0} role="region" aria-label={t(lang, viewNames[view])}>
          <table class="kern-table kern-table--striped">
            <thead class="kern-table__header">
              <tr class="kern-table__row">
                <th scope="col" class="kern-table__header">{t(lang, 'reference')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'service')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'department')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'status')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'assignee')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'received')}</th>
                <th scope="col" class="kern-table__header">{t(lang, 'dueAt')}</th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {props.rows.map((r) => {
                const overdue = r.dueAt !== null && r.dueAt.getTime() < Date.now() && ['received', 'in_progress', 'waiting_for_applicant'].includes(r.status);
                return (
                  <tr class="kern-table__row" key={r.id}>
                    <td class="kern-table__cell"><a class="kern-link" href={`/verwaltung/vorgaenge/${r.id}`}>{r.reference}</a></td>
                    <td class="kern-table__cell">{props.serviceTitle(r.serviceId)}</td>
                    <td class="kern-table__cell">{props.departmentName(r.departmentId)}</td>
                    <td class="kern-table__cell">{localize(caseStatusNames[r.status as CaseStatus], lang)}{r.replyReceived && <strong class="reply-flag">{` – ${requestTexts(lang, 'replyReceived')}`}</strong>}</td>
                    <td class="kern-table__cell">{r.assigneeId ? (props.staffNames.get(r.assigneeId) ?? '') : t(lang, 'unassigned')}</td>
                    <td class="kern-table__cell">{formatDate(r.createdAt, lang, true)}</td>
                    <td class="kern-table__cell">{r.dueAt ? formatDate(r.dueAt, lang) : ''}{overdue && <strong>{` (${t(lang, 'overdue')})`}</strong>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {(props.page > 1 || hasNext) && (
        <nav aria-label={t(lang, 'pagination')} class="pagination">
          {props.page > 1 && <a class="kern-link" href={pageUrl(props.page - 1)}>{t(lang, 'previous')}</a>}
          <span class="kern-body">{pages === undefined ? String(props.page) : `${props.page} / ${pages}`}</span>
          {hasNext && <a class="kern-link" href={pageUrl(props.page + 1)}>{t(lang, 'next')}</a>}
        </nav>
      )}
    </Layout>
  );
}

/** One entry of a case's history as the case page shows it. */
export interface TimelineEntry {
  id: string;
  occurredAt: Date;
  kind: string;
  details: Record<string, unknown>;
  staffName: string | null;
}

/** Forms on the case page that came back with an error keep what was typed. */
export interface CaseFormState {
  alert?: string;
  note?: { text: string; error?: string };
  involve?: { involvementId: string; question: string; error?: string };
  answer?: { text: string; error?: string };
  request?: RequestFormState;
  refund?: RefundFormState;
}

/** Involvements: the request a linked case answers, or those an asking case made. */
export interface CaseInvolvementView {
  asked?: { title: string; legalBasis: string; askingDepartment: string; question: string; requestedAt: Date; answer: string | null; answeredAt: Date | null; mayAnswer: boolean };
  requests: Array<{ id: string; title: string; department: string; question: string; requestedAt: Date; answer: string | null; answeredAt: Date | null }>;
  /** Involvements the clerk may request now. */
  options: Array<{ id: string; label: string }>;
}

/** What the signed-in clerk may do on the case now. */
export interface CaseActions {
  transitions: CaseStatus[];
  /** Team leads assign to anyone in the department; clerks can only take the case. */
  assignees: Array<{ id: string; name: string }> | 'self' | null;
  steps: Array<{ id: string; label: string }> | null;
}

/** One case: status, deadline and assignee, the actions the clerk may take, the submitted data, attachments, notes and history. */
export function CasePage(props: {
  ctx: PageContext;
  staffName: string;
  caseId: string;
  reference: string;
  status: string;
  version: number;
  submittedAt: Date;
  dueAt: Date | null;
  assigneeName: string | null;
  stepLabel: string | null;
  decision: string | null;
  /** The application was made while signed in: questions and letters go to the account's postbox. */
  applicantHasAccount: boolean;
  /** The organisation the application was made for (ADR 0023), if any. */
  applicantOrganisation: string | null;
  departmentName: string;
  service: ServiceDefinition;
  answers: Answers;
  files: Array<{ id: string; filename: string; size: number }>;
  documents: CaseDocument[];
  /** Hand-offs of the case to a specialist system (none when its service forwards nothing). */
  handoffs: HandoffDelivery[];
  timeline: TimelineEntry[];
  actions: CaseActions;
  staffNames: Map<string, string>;
  stepLabels: Map<string, string>;
  involvement: CaseInvolvementView;
  /** Questions to the applicant, and what the clerk may do about them. */
  applicantRequests: { requests: ApplicantRequest[]; mayAsk: boolean; mayWithdraw: boolean; reachableByMail: boolean; defaultDueOn: string };
  /** The tax the answers lead to (formatted values), or that the town has no tariff. */
  assessment?: { values: Record<string, string> } | 'noTariff';
  /** The case's payments (payments module), if it has any. */
  payments?: ComponentChildren;
} & CaseFormState) {
  const lang: Lang = props.ctx.lang;
  const form = props.service.form!;
  const asked = props.involvement.asked;
  const statusName = (s: string) => localize(caseStatusNames[s as CaseStatus], lang);
  const open = !['decided', 'closed', 'withdrawn'].includes(props.status);
  const overdue = open && props.dueAt !== null && props.dueAt.getTime() < Date.now();
  const actionUrl = `/verwaltung/vorgaenge/${props.caseId}/aenderung`;
  const versionField = <input type="hidden" name="version" value={String(props.version)} />;
  const transitionLabel: Partial<Record<CaseStatus, string>> = {
    in_progress: t(lang, props.status === 'received' ? 'toInProgress' : props.status === 'decided' ? 'reopen' : 'resume'),
    waiting_for_applicant: t(lang, 'toWaiting'),
    closed: t(lang, 'toClosed'),
  };
  return (
    <Layout ctx={props.ctx} title={t(lang, 'caseTitle', { reference: props.reference })}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <p class="kern-body"><a class="kern-link" href="/verwaltung">{t(lang, 'backToInbox')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'caseTitle', { reference: props.reference })}</h1>
      {props.alert && <Alert kind="danger" title={t(lang, 'notSaved')}><p class="kern-body">{props.alert}</p></Alert>}
      <SummaryList
        lang={lang}
        rows={[
          { key: t(lang, 'service'), value: localize(props.service.title, lang) },
          { key: t(lang, 'department'), value: props.departmentName },
          { key: t(lang, 'status'), value: statusName(props.status) + (props.stepLabel ? ` – ${props.stepLabel}` : '') },
          ...(props.decision ? [{ key: t(lang, 'decision'), value: decisionName(lang, props.decision) }] : []),
          { key: t(lang, 'assignee'), value: props.assigneeName ?? t(lang, 'unassigned') },
          { key: t(lang, 'dueAt'), value: props.dueAt ? <>{formatDate(props.dueAt, lang)}{overdue && <strong>{` (${t(lang, 'overdue')})`}</strong>}</> : t(lang, 'noDeadline') },
          { key: t(lang, 'received'), value: formatDate(props.submittedAt, lang, true) },
          ...(props.applicantOrganisation ? [{ key: t(lang, 'applicantOrganisation'), value: props.applicantOrganisation }] : []),
          ...(props.applicantHasAccount ? [{ key: t(lang, 'applicantAccount'), value: t(lang, 'applicantAccountPostbox') }] : []),
        ]}
      />

      {props.assessment && (
        <section aria-labelledby="festsetzung">
          <h2 class="kern-heading-large" id="festsetzung">{t(lang, 'assessment')}</h2>
          {props.assessment === 'noTariff' ? <p class="kern-body">{t(lang, 'noTariff')}</p> : (
            <SummaryList
              lang={lang}
              rows={[
                { key: t(lang, 'taxRate'), value: props.assessment.values.steuersatz! },
                { key: t(lang, 'taxYearly'), value: props.assessment.values.jahresbetrag! },
                { key: t(lang, 'taxFrom'), value: props.assessment.values.beginn! },
                { key: t(lang, 'taxFirstYear', { period: props.assessment.values.zeitraum! }), value: props.assessment.values.betragErstesJahr! },
              ]}
            />
          )}
        </section>
      )}
      {props.payments}
      <h2 class="kern-heading-large">{t(lang, 'actions')}</h2>
      <div class="case-actions">
        {props.actions.transitions.filter((s) => s !== 'decided').map((to) => (
          <form method="post" action={actionUrl} key={to}>
            <CsrfField token={props.ctx.csrfToken} />
            {versionField}
            <input type="hidden" name="aktion" value="status" />
            <Button variant="secondary" name="status" value={to}>{transitionLabel[to]!}</Button>
          </form>
        ))}
        {props.actions.transitions.includes('decided') && (
          <form method="post" action={actionUrl}>
            <CsrfField token={props.ctx.csrfToken} />
            {versionField}
            <input type="hidden" name="aktion" value="status" />
            <input type="hidden" name="status" value="decided" />
            <ChoiceField
              name="entscheidung"
              kind="radio"
              label={t(lang, 'decision')}
              lang={lang}
              selected={[]}
              inline
              options={(['approved', 'partly', 'rejected'] as const).map((d) => ({ value: d, label: decisionName(lang, d) }))}
            />
            <Button>{t(lang, 'decide')}</Button>
          </form>
        )}
        {props.actions.assignees === 'self' && (
          <form method="post" action={actionUrl}>
            <CsrfField token={props.ctx.csrfToken} />
            {versionField}
            <input type="hidden" name="aktion" value="zuweisen" />
            <input type="hidden" name="bearbeiter" value="ich" />
            <Button variant="secondary">{t(lang, 'assignToMe')}</Button>
          </form>
        )}
        {Array.isArray(props.actions.assignees) && (
          <form method="post" action={actionUrl}>
            <CsrfField token={props.ctx.csrfToken} />
            {versionField}
            <input type="hidden" name="aktion" value="zuweisen" />
            <SelectField name="bearbeiter" label={t(lang, 'assignTo')} value="" lang={lang} placeholder={t(lang, 'chooseStaff')} options={props.actions.assignees.map((s) => ({ value: s.id, label: s.name }))} />
            <Button variant="secondary">{t(lang, 'assign')}</Button>
          </form>
        )}
        {props.actions.steps && (
          <form method="post" action={actionUrl}>
            <CsrfField token={props.ctx.csrfToken} />
            {versionField}
            <input type="hidden" name="aktion" value="schritt" />
            <SelectField name="schritt" label={t(lang, 'step')} value="" lang={lang} required={false} placeholder={t(lang, 'noStep')} options={props.actions.steps.map((s) => ({ value: s.id, label: s.label }))} />
            <Button variant="secondary">{t(lang, 'setStep')}</Button>
          </form>
        )}
      </div>

      {asked && (
        <section aria-labelledby="beteiligung">
          <h2 class="kern-heading-large" id="beteiligung">{`${t(lang, 'involvementKind')}: ${asked.title}`}</h2>
          <SummaryList
            lang={lang}
            rows={[
              { key: t(lang, 'askedBy', { department: asked.askingDepartment, date: formatDate(asked.requestedAt, lang) }), value: <span class="preserve-lines">{asked.question}</span> },
              { key: t(lang, 'legalBasis'), value: asked.legalBasis },
              ...(asked.answer !== null ? [{ key: t(lang, 'answered', { date: formatDate(asked.answeredAt!, lang) }), value: <span class="preserve-lines">{asked.answer}</span> }] : []),
            ]}
          />
          {asked.mayAnswer && (
            <form method="post" action={`/verwaltung/vorgaenge/${props.caseId}/stellungnahme`}>
              <CsrfField token={props.ctx.csrfToken} />
              {versionField}
              <TextField name="stellungnahme" label={t(lang, 'yourAnswer')} value={props.answer?.text ?? ''} error={props.answer?.error} lang={lang} multiline maxLength={5000} />
              <Button>{t(lang, 'answerSubmit')}</Button>
            </form>
          )}
        </section>
      )}
      <h2 class="kern-heading-large">{t(lang, asked ? 'sharedData' : 'submittedData')}</h2>
      {asked && <p class="kern-body">{t(lang, 'sharedDataHint')}</p>}
      {visibleSteps(form, props.answers).filter((step) => props.answers[step.id] !== undefined).map((step) => (
        <section key={step.id} aria-labelledby={`s-${step.id}`}>
          <h3 class="kern-heading-medium" id={`s-${step.id}`}>{localize(step.title, lang)}</h3>
          <SummaryList
            lang={lang}
            rows={step.fields
              .filter((f) => props.answers[step.id]?.[f.id] !== undefined)
              .map((f) => ({ key: localize(f.label, lang), value: <span class="preserve-lines">{displayValue(f, props.answers[step.id]?.[f.id], lang)}</span> }))}
          />
        </section>
      ))}
      {!asked && <>
      <CaseDocumentsSection lang={lang} caseId={props.caseId} files={props.files} documents={props.documents} />
      <CaseHandoffSection lang={lang} caseId={props.caseId} csrfToken={props.ctx.csrfToken} deliveries={props.handoffs} />

      <h2 class="kern-heading-large" id="beteiligungen">{t(lang, 'involvements')}</h2>
      {props.involvement.requests.length === 0 ? <p class="kern-body">{t(lang, 'noInvolvements')}</p> : (
        <ul class="kern-list">
          {props.involvement.requests.map((r) => (
            <li key={r.id}>
              <p class="kern-body"><strong>{`${r.title} – ${r.department}`}</strong>{` (${formatDate(r.requestedAt, lang)})`}</p>
              <p class="kern-body preserve-lines">{r.question}</p>
              {r.answer === null
                ? <p class="kern-body"><em>{t(lang, 'pending')}</em></p>
                : <><p class="kern-body">{t(lang, 'answered', { date: formatDate(r.answeredAt!, lang) })}</p><p class="kern-body preserve-lines">{r.answer}</p></>}
            </li>
          ))}
        </ul>
      )}
      {props.involvement.options.length > 0 && (
        <form method="post" action={`/verwaltung/vorgaenge/${props.caseId}/beteiligungen`}>
          <CsrfField token={props.ctx.csrfToken} />
          {versionField}
          <ChoiceField name="beteiligung" kind="radio" label={t(lang, 'involve')} lang={lang} selected={[props.involve?.involvementId ?? props.involvement.options[0]!.id]} options={props.involvement.options.map((o) => ({ value: o.id, label: o.label }))} />
          <TextField name="frage" label={t(lang, 'question')} hint={t(lang, 'questionHint')} value={props.involve?.question ?? ''} error={props.involve?.error} lang={lang} multiline maxLength={5000} />
          <Button variant="secondary">{t(lang, 'involveSubmit')}</Button>
        </form>
      )}
      <ApplicantRequestsSection lang={lang} csrfToken={props.ctx.csrfToken} caseId={props.caseId} version={props.version} {...props.applicantRequests} form={props.request} />
      </>}

      <h2 class="kern-heading-large" id="verlauf">{t(lang, 'history')}</h2>
      <ol class="kern-list case-timeline">
        <li><span class="kern-body kern-body--small">{formatDate(props.submittedAt, lang, true)}</span> {t(lang, 'eventReceived')}</li>
        {props.timeline.map((e) => (
          <li key={e.id}>
            <span class="kern-body kern-body--small">{formatDate(e.occurredAt, lang, true)}</span> {describeEvent(lang, e, statusName, props.staffNames, props.stepLabels)}
            {e.staffName && <span class="kern-body kern-body--small">{` (${t(lang, 'by', { name: e.staffName })})`}</span>}
            {e.kind === 'note' && <p class="kern-body preserve-lines">{String(e.details.text)}</p>}
          </li>
        ))}
      </ol>
      <form method="post" action={`/verwaltung/vorgaenge/${props.caseId}/notizen`}>
        <CsrfField token={props.ctx.csrfToken} />
        <TextField name="notiz" label={t(lang, 'notes')} hint={t(lang, 'noteHint')} value={props.note?.text ?? ''} error={props.note?.error} lang={lang} multiline maxLength={5000} />
        <Button variant="secondary">{t(lang, 'addNote')}</Button>
      </form>
    </Layout>
  );
}

function decisionName(lang: Lang, decision: string): string {
  return t(lang, decision === 'approved' ? 'decisionApproved' : decision === 'partly' ? 'decisionPartly' : 'decisionRejected');
}

function describeEvent(lang: Lang, e: TimelineEntry, statusName: (s: string) => string, staffNames: Map<string, string>, stepLabels: Map<string, string>): string {
  const d = e.details;
  switch (e.kind) {
    case 'status':
      return t(lang, 'eventStatus', { from: statusName(String(d.from)), to: statusName(String(d.to)) }) + (d.decision ? ` (${decisionName(lang, String(d.decision))})` : '');
    case 'assigned':
      return t(lang, 'eventAssigned', { name: staffNames.get(String(d.staffId)) ?? '?' });
    case 'step':
      return t(lang, 'eventStep', { step: d.step ? (stepLabels.get(String(d.step)) ?? String(d.step)) : t(lang, 'noStep') });
    case 'document':
      return describeDocumentEvent(lang, d);
    case 'involvement':
      return t(lang, 'eventInvolvement', { title: String(d.title), department: String(d.department) });
    case 'request':
      return d.action === 'withdrawn' ? requestTexts(lang, 'eventWithdrawn') : requestTexts(lang, 'eventRequest', { date: formatDueOn(String(d.dueOn), lang) });
    case 'reply':
      return requestTexts(lang, 'eventReply', { files: Number(d.files ?? 0) });
    case 'handoff':
      return describeHandoffEvent(lang, d);
    default:
      return t(lang, 'eventNote');
  }
}

import type { ComponentChildren } from 'preact';
import { formatDate } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, SummaryList, Table } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { SubmittedAnswers } from '../../forms/index.js';
import { statusTexts, StatusHistory, Withdrawal, type WithdrawState } from '../../status/index.js';
import type { ApplicationDetail, ApplicationSummary } from '../applications.service.js';
import { t } from '../applications.i18n.js';
import { applicationPaths } from '../application-paths.js';

/** A saved draft as listed, with its service's name. */
export interface DraftEntry {
  id: string;
  serviceTitle: string;
  updatedAt: Date;
  keepUntil: Date;
}

/** "Meine Anträge": the account's saved drafts, then its applications (newest first, a page at a time). */
export function ApplicationsPage(props: {
  ctx: PageContext;
  drafts: DraftEntry[];
  /** Set when more drafts exist than are listed: how many are. */
  draftsListed?: number;
  applications: ApplicationSummary[];
  page: number;
  hasNext: boolean;
  notice?: string;
}) {
  const { lang } = props.ctx;
  const pageHref = (page: number) => (page === 1 ? applicationPaths.list : `${applicationPaths.list}?seite=${page}`);
  return (
    <Layout ctx={props.ctx} title={props.page > 1 ? `${t(lang, 'title')} – ${t(lang, 'page', { page: props.page })}` : t(lang, 'title')}>
      <p class="kern-body"><a class="kern-link" href="/konto">{t(lang, 'account')}</a></p>
      {props.notice && <Alert kind="success" title={props.notice} />}
      <h1 class="kern-heading-x-large">{t(lang, 'title')}</h1>
      {props.drafts.length > 0 && (
        <section aria-labelledby="entwuerfe">
          <h2 class="kern-heading-large" id="entwuerfe">{t(lang, 'draftsHeading')}</h2>
          <p class="kern-body">{t(lang, 'draftsIntro')}</p>
          <Table label={t(lang, 'draftsHeading')} head={[t(lang, 'draftService'), t(lang, 'draftSaved'), t(lang, 'draftKeptUntil'), t(lang, 'draftActions')]}>
            {props.drafts.map((d) => (
              <tr class="kern-table__row" key={d.id}>
                <td class="kern-table__cell">{d.serviceTitle}</td>
                <td class="kern-table__cell">{formatDate(d.updatedAt, lang, true)}</td>
                <td class="kern-table__cell">{formatDate(d.keepUntil, lang)}</td>
                <td class="kern-table__cell">
                  <a class="kern-link" href={`/antrag/${d.id}`}>{t(lang, 'resume')}<span class="sr-only">{` ${d.serviceTitle}`}</span></a>
                  {' '}
                  <a class="kern-link" href={applicationPaths.discardDraft(d.id)}>{t(lang, 'discard')}<span class="sr-only">{` ${d.serviceTitle}`}</span></a>
                </td>
              </tr>
            ))}
          </Table>
          {props.draftsListed !== undefined && <p class="kern-body kern-body--small">{t(lang, 'draftsMore', { count: props.draftsListed })}</p>}
        </section>
      )}
      <section aria-labelledby="antraege">
        <h2 class="kern-heading-large" id="antraege">{t(lang, 'applicationsHeading')}</h2>
        {props.applications.length === 0 && props.page === 1 ? (
          <>
            <p class="kern-body">{t(lang, 'noApplications')}</p>
            <p class="kern-body"><a class="kern-link" href="/leistungen">{t(lang, 'toServices')}</a></p>
          </>
        ) : (
          <Table label={t(lang, 'applicationsHeading')} head={[t(lang, 'reference'), t(lang, 'service'), t(lang, 'submitted'), t(lang, 'status')]}>
            {props.applications.map((a) => (
              <tr class="kern-table__row" key={a.caseId}>
                <td class="kern-table__cell"><a class="kern-link reference-number" href={applicationPaths.detail(a.caseId)}>{a.reference}</a></td>
                <td class="kern-table__cell">
                  {a.serviceTitle}
                  {a.organisationName && <><br /><span class="kern-body--small">{t(lang, 'forOrganisation', { name: a.organisationName })}</span></>}
                </td>
                <td class="kern-table__cell">{formatDate(a.submittedAt, lang)}</td>
                <td class="kern-table__cell">{a.status}</td>
              </tr>
            ))}
          </Table>
        )}
        {(props.page > 1 || props.hasNext) && (
          <nav aria-label={t(lang, 'pagination')} class="pagination">
            {props.page > 1 && <a class="kern-link" href={pageHref(props.page - 1)}>{t(lang, 'previous')}</a>}
            <span class="kern-body" aria-current="page">{t(lang, 'page', { page: props.page })}</span>
            {props.hasNext && <a class="kern-link" href={pageHref(props.page + 1)}>{t(lang, 'next')}</a>}
          </nav>
        )}
      </section>
    </Layout>
  );
}

/** One application: where it stands, its history, the answers as sent, and withdrawing it while it is open. */
export function ApplicationPage(props: { ctx: PageContext; caseId: string; detail: ApplicationDetail; withdraw?: WithdrawState; payment?: ComponentChildren }) {
  const { lang } = props.ctx;
  const s = props.detail.status;
  const organisation = props.detail.receipt.submission.organisation_name;
  return (
    <Layout ctx={props.ctx} title={`${props.withdraw ? `${statusTexts(lang, 'notSent')}: ` : ''}${t(lang, 'detailTitle', { reference: s.reference })}`}>
      <p class="kern-body"><a class="kern-link" href={applicationPaths.list}>{t(lang, 'title')}</a></p>
      <p class="kern-preline">{s.serviceTitle}</p>
      <h1 class="kern-heading-x-large">{t(lang, 'detailTitle', { reference: s.reference })}</h1>
      <SummaryList
        lang={lang}
        rows={[
          { key: statusTexts(lang, 'reference'), value: <span class="reference-number">{s.reference}</span> },
          { key: statusTexts(lang, 'service'), value: s.serviceTitle },
          ...(organisation ? [{ key: t(lang, 'appliedFor'), value: organisation }] : []),
          { key: statusTexts(lang, 'received'), value: formatDate(s.receivedAt, lang) },
          { key: statusTexts(lang, 'current'), value: <strong>{s.current}</strong> },
        ]}
      />
      {/* The fee's state (payments module), for an application paid before handling. */}
      {props.payment}
      <p class="kern-body">{t(lang, 'postbox')} <a class="kern-link" href="/konto/postfach">{t(lang, 'postboxLink')}</a>.</p>
      <StatusHistory lang={lang} status={s} />
      <h2 class="kern-heading-large" id="angaben">{t(lang, 'answersHeading')}</h2>
      <SubmittedAnswers sections={props.detail.answers} lang={lang} headingLevel={3} />
      <p class="kern-body"><a class="kern-link" href={applicationPaths.receiptPdf(props.caseId)} download>{t(lang, 'receiptPdf')}</a></p>
      <Withdrawal lang={lang} action={applicationPaths.withdraw(props.caseId)} csrfToken={props.ctx.csrfToken} withdrawable={s.withdrawable} state={props.withdraw} />
    </Layout>
  );
}

/** Asks before a draft is discarded (a link in the list leads here; the deletion is this page's form). */
export function DiscardDraftPage(props: { ctx: PageContext; draft: DraftEntry }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'discardTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'discardTitle')}</h1>
      <p class="kern-body">{t(lang, 'discardText', { service: props.draft.serviceTitle, date: formatDate(props.draft.updatedAt, lang, true) })}</p>
      <form method="post" action={applicationPaths.discardDraft(props.draft.id)}>
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-btn-wrapper form-actions"><Button variant="secondary">{t(lang, 'discardSubmit')}</Button></div>
      </form>
      <p class="kern-body"><a class="kern-link" href={applicationPaths.list}>{t(lang, 'cancel')}</a></p>
    </Layout>
  );
}

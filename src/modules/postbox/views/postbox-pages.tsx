import { berlinMidnight, formatDate, formatEuro, type Lang } from '../../../platform/i18n/i18n.js';
import { SummaryList } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { answerRefusalText, ApplicantQuestions, type AnswerFormState } from '../../cases/index.js';
import { ReceiptPaymentStatus } from '../../payments/index.js';
import { DocumentEntry } from '../../status/index.js';
import { messagePath, postboxPath, type PostboxMessage } from '../postbox.js';
import type { LetterMessage, QuestionMessage, ReceiptMessage } from '../postbox.service.js';
import { t } from '../postbox.i18n.js';

/** "3 ungelesene Nachrichten", "1 ungelesene Nachricht" or "Keine ungelesenen Nachrichten". */
export function unreadText(lang: Lang, count: number): string {
  if (count === 0) return t(lang, 'unreadNone');
  return count === 1 ? t(lang, 'unreadOne') : t(lang, 'unreadMany', { count });
}

/** The link text of a message in the list: what it is and which application it concerns, never its content. */
function messageTitle(lang: Lang, m: PostboxMessage) {
  if (m.kind === 'question') return t(lang, 'questionTitle', { reference: m.reference });
  if (m.kind === 'receipt') return t(lang, 'receiptTitle', { reference: m.reference });
  return <><span lang="de">{m.title}</span>{` – ${m.documentNumber}`}</>;
}

/** The short line under a message: service, date and, for a question, its deadline or state. */
function messageDetails(lang: Lang, m: PostboxMessage, serviceTitle: string): string {
  const parts = [serviceTitle, t(lang, 'sentOn', { date: formatDate(m.sentAt, lang) })];
  if (m.kind !== 'question') parts.push(`${t(lang, 'reference')} ${m.reference}`);
  else if (m.state === 'open') parts.push(t(lang, 'answerBy', { date: formatDate(berlinMidnight(m.dueOn), lang) }));
  else parts.push(t(lang, m.state === 'answered' ? 'answered' : 'withdrawn'));
  return parts.join(' · ');
}

/** The postbox: the account's messages, newest first, the unread ones marked, in pages. */
export function PostboxPage(props: { ctx: PageContext; messages: PostboxMessage[]; unread: number; page: number; hasOlder: boolean; serviceTitle: (serviceId: string) => string }) {
  const { lang } = props.ctx;
  const pageHref = (page: number) => (page === 1 ? postboxPath : `${postboxPath}?seite=${page}`);
  return (
    <Layout ctx={props.ctx} title={props.unread > 0 ? `${t(lang, 'title')} (${unreadText(lang, props.unread)})` : t(lang, 'title')}>
      <p class="kern-body"><a class="kern-link" href="/konto">{t(lang, 'backToAccount')}</a></p>
      <h1 class="kern-heading-x-large">{t(lang, 'title')}</h1>
      <p class="kern-body">{t(lang, 'intro')}</p>
      <p class="kern-body"><strong>{unreadText(lang, props.unread)}</strong></p>
      {props.messages.length === 0 ? <p class="kern-body">{t(lang, 'empty')}</p> : (
        <ul class="kern-list postbox-messages" aria-label={t(lang, 'messagesLabel')}>
          {props.messages.map((m) => (
            <li class={m.readAt ? 'postbox-message' : 'postbox-message postbox-message--unread'} key={`${m.kind}-${m.id}`}>
              <h2 class="kern-heading-small">
                <a class="kern-link" href={messagePath(m)}>{messageTitle(lang, m)}</a>
                {!m.readAt && <>{' '}<span class="kern-badge kern-badge--info"><span class="kern-label kern-label--small">{t(lang, 'unread')}</span></span></>}
              </h2>
              <p class="kern-body kern-body--small">{messageDetails(lang, m, props.serviceTitle(m.serviceId))}</p>
            </li>
          ))}
        </ul>
      )}
      {(props.page > 1 || props.hasOlder) && (
        <nav aria-label={t(lang, 'pageNav')}>
          <ul class="kern-list kern-list--horizontal">
            {props.page > 1 && <li><a class="kern-link" href={pageHref(props.page - 1)}>{t(lang, 'newer')}</a></li>}
            {props.hasOlder && <li><a class="kern-link" href={pageHref(props.page + 1)}>{t(lang, 'older')}</a></li>}
          </ul>
        </nav>
      )}
    </Layout>
  );
}

/** Which application a message belongs to, at the top of its page. */
function MessageFacts(props: { lang: Lang; message: PostboxMessage; serviceTitle: string; dateKey: 'askedOn' | 'deliveredOn' | 'paidOn' }) {
  const { lang, message } = props;
  return (
    <SummaryList
      lang={lang}
      rows={[
        { key: t(lang, 'reference'), value: <span class="reference-number">{message.reference}</span> },
        { key: t(lang, 'service'), value: props.serviceTitle },
        { key: t(lang, props.dateKey), value: formatDate(message.sentAt, lang, true) },
      ]}
    />
  );
}

/**
 * A clerk's question: its text, deadline and the documents wanted, with the answer form shared by
 * every channel (text and one upload per document); once answered or withdrawn, a short note.
 */
export function QuestionPage(props: { ctx: PageContext; question: QuestionMessage; serviceTitle: string; form?: AnswerFormState }) {
  const { lang } = props.ctx;
  const { message, request } = props.question;
  const title = t(lang, 'questionTitle', { reference: message.reference });
  const notSent = props.form && (props.form.alert || Object.keys(props.form.errors).length > 0);
  // An open question of an application decided or withdrawn in the meantime takes no answer.
  const closedUnanswered = request.state === 'open' && !props.question.answerable && !props.form;
  return (
    <Layout ctx={props.ctx} title={notSent ? `${t(lang, 'notSent')}: ${title}` : title}>
      <p class="kern-body"><a class="kern-link" href={postboxPath}>{t(lang, 'backToPostbox')}</a></p>
      <h1 class="kern-heading-x-large">{title}</h1>
      <MessageFacts lang={lang} message={message} serviceTitle={props.serviceTitle} dateKey="askedOn" />
      {closedUnanswered ? (
        <>
          <p class="kern-body preserve-lines" lang="de">{request.question}</p>
          <p class="kern-body">{answerRefusalText(lang, { kind: 'caseClosed' })}</p>
        </>
      ) : (
        <ApplicantQuestions lang={lang} requests={[request]} answerBase={`${postboxPath}/fragen`} csrfToken={props.ctx.csrfToken} form={props.form} />
      )}
    </Layout>
  );
}

/** A letter delivered to the postbox: its facts, fingerprint and the PDF and check text to download. */
export function LetterPage(props: { ctx: PageContext; letter: LetterMessage; serviceTitle: string }) {
  const { lang } = props.ctx;
  const { message, document } = props.letter;
  const title = `${t(lang, 'letterHeading')} ${document.number}`;
  return (
    <Layout ctx={props.ctx} title={title}>
      <p class="kern-body"><a class="kern-link" href={postboxPath}>{t(lang, 'backToPostbox')}</a></p>
      <h1 class="kern-heading-x-large">{title}</h1>
      <MessageFacts lang={lang} message={message} serviceTitle={props.serviceTitle} dateKey="deliveredOn" />
      <DocumentEntry lang={lang} document={document} base={messagePath(message)} headingLevel="h2" />
      {props.letter.payment && <ReceiptPaymentStatus ctx={props.ctx} payment={props.letter.payment} />}
    </Layout>
  );
}

/** The confirmation of a settled payment: what was paid, and the confirmation PDF (the payment page has it too). */
export function ReceiptPage(props: { ctx: PageContext; receipt: ReceiptMessage; serviceTitle: string }) {
  const { lang } = props.ctx;
  const { message, payment } = props.receipt;
  const title = t(lang, 'receiptTitle', { reference: message.reference });
  return (
    <Layout ctx={props.ctx} title={title}>
      <p class="kern-body"><a class="kern-link" href={postboxPath}>{t(lang, 'backToPostbox')}</a></p>
      <h1 class="kern-heading-x-large">{title}</h1>
      <MessageFacts lang={lang} message={message} serviceTitle={props.serviceTitle} dateKey="paidOn" />
      <p class="kern-body">{t(lang, payment.status === 'refunded' ? 'receiptRefunded' : 'receiptPaid', { amount: formatEuro(payment.amountCents, lang) })}</p>
      <p class="kern-body"><a class="kern-link" href={`/zahlung/${payment.id}/zahlungsbestaetigung.pdf`}>{t(lang, 'receiptDownload')}</a></p>
    </Layout>
  );
}

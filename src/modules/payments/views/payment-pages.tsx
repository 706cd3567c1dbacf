import { formatEuro } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, SummaryList } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import type { Payment } from '../payment.js';
import type { SandboxTransaction } from '../providers/sandbox/sandbox-provider.js';
import { t } from '../payments.i18n.js';

/** The payer's page of one payment: what it is for, how much, its state, and the way on. */
export function PaymentPage(props: { ctx: PageContext; payment: Payment }) {
  const { ctx, payment } = props;
  const lang = ctx.lang;
  const rows = [
    { key: t(lang, 'purpose'), value: payment.description },
    { key: t(lang, 'amount'), value: formatEuro(payment.amountCents, lang) },
    { key: t(lang, 'status'), value: t(lang, `status_${payment.status}`) },
    ...(payment.kassenzeichen ? [{ key: t(lang, 'kassenzeichen'), value: payment.kassenzeichen }] : []),
  ];
  const open = payment.status === 'created' || payment.status === 'pending';
  return (
    <Layout ctx={ctx} title={t(lang, 'paymentTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'paymentTitle')}</h1>
      {payment.status === 'paid' && (
        <Alert kind="success" title={t(lang, 'paidTitle')}>
          <p class="kern-body"><a class="kern-link" href={`/zahlung/${payment.id}/zahlungsbestaetigung.pdf`}>{t(lang, 'receiptLink')}</a></p>
        </Alert>
      )}
      {(payment.status === 'failed' || payment.status === 'cancelled') && (
        <Alert kind="warning" title={t(lang, 'failedTitle')}><p class="kern-body">{t(lang, payment.caseId ? 'retryHint' : 'failedHint')}</p></Alert>
      )}
      {payment.status === 'refunded' && <Alert kind="info" title={t(lang, 'refundedTitle')} />}
      <SummaryList lang={lang} rows={rows} />
      {payment.status === 'pending' && <p class="kern-body">{t(lang, 'pendingHint')}</p>}
      {open && (
        <form method="post" action={`/zahlung/${payment.id}`}>
          <CsrfField token={ctx.csrfToken} />
          <p class="kern-body">{t(lang, 'payNowHint')}</p>
          <Button>{t(lang, 'payNow')}</Button>
        </form>
      )}
      {payment.caseId && (payment.status === 'failed' || payment.status === 'cancelled') && <RetryForm ctx={ctx} payment={payment} />}
      {/* An application's payment can wait: its receipt says what is still open and leads back here. */}
      {(!open || payment.caseId) && <p class="kern-body"><a class="kern-link" href={payment.continuePath}>{t(lang, open ? (payment.feeMode === 'after' ? 'payLaterDecision' : 'payLater') : 'continue')}</a></p>}
    </Layout>
  );
}

/** The sandbox provider's pay page: the payer chooses the outcome (no JavaScript needed). */
export function SandboxPage(props: { ctx: PageContext; transaction: SandboxTransaction }) {
  const { ctx, transaction } = props;
  const lang = ctx.lang;
  return (
    <Layout ctx={ctx} title={t(lang, 'sandboxTitle')}>
      <h1 class="kern-heading-x-large">{t(lang, 'sandboxTitle')}</h1>
      <Alert kind="info" title={t(lang, 'sandboxNotice')} />
      <SummaryList lang={lang} rows={[
        { key: t(lang, 'purpose'), value: transaction.description },
        { key: t(lang, 'amount'), value: formatEuro(transaction.amountCents, lang) },
      ]} />
      {transaction.status === 'INITIAL' ? (
        <form method="post" action={`/zahlung/sandbox/${transaction.id}`}>
          <CsrfField token={ctx.csrfToken} />
          <div class="form-actions">
            <Button name="ergebnis" value="bezahlt">{t(lang, 'sandboxPay')}</Button>
            <Button name="ergebnis" value="gescheitert" variant="secondary">{t(lang, 'sandboxFail')}</Button>
            <Button name="ergebnis" value="abgebrochen" variant="tertiary">{t(lang, 'sandboxCancel')}</Button>
          </div>
        </form>
      ) : (
        <>
          <p class="kern-body">{t(lang, 'sandboxDecided')}</p>
          <p class="kern-body"><a class="kern-link" href={transaction.returnUrl}>{t(lang, 'sandboxBack')}</a></p>
        </>
      )}
    </Layout>
  );
}

/** The button that starts a new attempt for a failed or cancelled payment of a case (a plain form). */
function RetryForm(props: { ctx: PageContext; payment: Payment }) {
  return (
    <form method="post" action={`/zahlung/${props.payment.id}/erneut`}>
      <CsrfField token={props.ctx.csrfToken} />
      <Button>{t(props.ctx.lang, 'retry')}</Button>
    </form>
  );
}

// A fee paid first holds the application back; a fee set by the decision does not.
const receiptFeeText = {
  before: { created: 'receiptFeeOpen', pending: 'receiptFeePending', failed: 'receiptFeeFailed', cancelled: 'receiptFeeFailed', paid: 'receiptFeePaid', refunded: 'receiptFeeRefunded' },
  after: { created: 'decisionFeeOpen', pending: 'decisionFeePending', failed: 'decisionFeeFailed', cancelled: 'decisionFeeFailed', paid: 'receiptFeePaid', refunded: 'receiptFeeRefunded' },
} as const;

/**
 * The fee on an application's receipt, as it stands: open (with the way to the payment), failed
 * (with "pay again"), or paid (with the confirmation). The receipt says the application is being
 * processed only once the fee is paid.
 */
export function ReceiptPaymentStatus(props: { ctx: PageContext; payment: Payment }) {
  const { ctx, payment } = props;
  const lang = ctx.lang;
  const amount = formatEuro(payment.amountCents, lang);
  const settled = payment.status === 'paid' || payment.status === 'refunded';
  return (
    <section aria-labelledby="gebuehr" class="check-section">
      <h2 class="kern-heading-medium" id="gebuehr">{t(lang, 'receiptFeeHeading')}</h2>
      {settled
        ? <p class="kern-body" data-testid="payment-status">{t(lang, receiptFeeText[payment.feeMode ?? 'before'][payment.status], { amount })}</p>
        : <Alert kind="warning" title={t(lang, receiptFeeText[payment.feeMode ?? 'before'][payment.status], { amount })} />}
      {payment.status === 'paid' && <p class="kern-body"><a class="kern-link" href={`/zahlung/${payment.id}/zahlungsbestaetigung.pdf`}>{t(lang, 'receiptLink')}</a></p>}
      {/* Without a session (a status link opened elsewhere) there is no form token: the payment page has its own. */}
      {!settled && (ctx.csrfToken && (payment.status === 'failed' || payment.status === 'cancelled')
        ? <RetryForm ctx={ctx} payment={payment} />
        : <p class="kern-body"><a class="kern-link" href={`/zahlung/${payment.id}`}>{t(lang, 'toPayment')}</a></p>)}
    </section>
  );
}

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
        <Alert kind="warning" title={t(lang, 'failedTitle')}><p class="kern-body">{t(lang, 'failedHint')}</p></Alert>
      )}
      {payment.status === 'refunded' && <Alert kind="info" title={t(lang, 'refundedTitle')} />}
      <SummaryList lang={lang} rows={rows} />
      {payment.status === 'pending' && <p class="kern-body">{t(lang, 'pendingHint')}</p>}
      {open ? (
        <form method="post" action={`/zahlung/${payment.id}`}>
          <CsrfField token={ctx.csrfToken} />
          <p class="kern-body">{t(lang, 'payNowHint')}</p>
          <Button>{t(lang, 'payNow')}</Button>
        </form>
      ) : (
        <p class="kern-body"><a class="kern-link" href={payment.continuePath}>{t(lang, 'continue')}</a></p>
      )}
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

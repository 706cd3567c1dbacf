import { formatDate, formatEuro, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, SummaryList, Table, TextField } from '../../../platform/views/components.js';
import type { CasePayment, CaseRefundOutcome } from '../payments.service.js';
import { t } from '../payments.i18n.js';

/**
 * The payments section of the clerk's case page: per payment its amount, state and Kassenzeichen,
 * and every report the provider made about it (refused ones included, so a clerk can see tampering
 * or a provider's mistake).
 */
export function CasePaymentsSection(props: {
  lang: Lang;
  payments: CasePayment[];
  /** Set for a team lead of the case's department: each paid payment gets a refund form. */
  refund?: { caseId: string; csrfToken: string | undefined; form?: RefundFormState };
}) {
  const { lang, refund } = props;
  return (
    <section aria-labelledby="zahlungen">
      <h2 class="kern-heading-medium" id="zahlungen">{t(lang, 'casePaymentsHeading')}</h2>
      {props.payments.length === 0 && <p class="kern-body">{t(lang, 'casePaymentsNone')}</p>}
      {props.payments.map(({ payment, events }) => (
        <div key={payment.id}>
          <SummaryList lang={lang} rows={[
            { key: t(lang, 'purpose'), value: payment.description },
            { key: t(lang, 'amount'), value: formatEuro(payment.amountCents, lang) },
            { key: t(lang, 'status'), value: t(lang, `status_${payment.status}`) },
            ...(payment.paidAt ? [{ key: t(lang, 'receiptPaidAt'), value: formatDate(payment.paidAt, lang, true) }] : []),
            ...(payment.kassenzeichen ? [{ key: t(lang, 'kassenzeichen'), value: payment.kassenzeichen }] : []),
            ...(payment.providerTransactionId ? [{ key: t(lang, 'transactionId'), value: payment.providerTransactionId }] : []),
            ...(payment.refundedAt ? [{ key: t(lang, 'refundedAt'), value: formatDate(payment.refundedAt, lang, true) }, { key: t(lang, 'refundReasonShown'), value: payment.refundReason ?? '' }] : []),
          ]} />
          {refund && payment.status === 'paid' && <RefundForm lang={lang} paymentId={payment.id} refund={refund} />}
          <Table label={t(lang, 'casePaymentsHistory', { purpose: payment.purpose })} head={[t(lang, 'eventTime'), t(lang, 'eventSource'), t(lang, 'eventProviderStatus'), t(lang, 'eventOutcome')]}>
            {events.map((event, i) => (
              <tr class="kern-table__row" key={i}>
                <td class="kern-table__cell">{formatDate(event.recordedAt, lang, true)}</td>
                <td class="kern-table__cell">{t(lang, `source_${event.source}`)}</td>
                <td class="kern-table__cell">{event.providerStatus ?? '–'}</td>
                <td class="kern-table__cell">{t(lang, `outcome_${event.outcome}`)}{event.detail ? ` (${event.detail})` : ''}</td>
              </tr>
            ))}
          </Table>
        </div>
      ))}
    </section>
  );
}

/** What a refused refund form shows again: the payment it was for, the reason typed, and the problem. */
export interface RefundFormState {
  paymentId: string;
  reason: string;
  /** A problem with the reason, shown at the field. */
  error?: string;
  /** A problem with the refund itself (the payment is not paid any more). */
  alert?: string;
}

/** The field a refund's reason is posted in; one per payment, so several forms on a page keep distinct ids. */
export const refundReasonField = (paymentId: string) => `erstattungsgrund-${paymentId}`;

function RefundForm(props: { lang: Lang; paymentId: string; refund: NonNullable<Parameters<typeof CasePaymentsSection>[0]['refund']> }) {
  const { lang, paymentId, refund } = props;
  const state = refund.form?.paymentId === paymentId ? refund.form : undefined;
  return (
    <form method="post" action={`/verwaltung/vorgaenge/${refund.caseId}/zahlungen/${paymentId}/erstattung`}>
      <CsrfField token={refund.csrfToken} />
      <h3 class="kern-heading-small">{t(lang, 'refundHeading')}</h3>
      {state?.alert && <Alert kind="danger" title={state.alert} />}
      <TextField name={refundReasonField(paymentId)} label={t(lang, 'refundReason')} hint={t(lang, 'refundHint')} value={state?.reason ?? ''} error={state?.error} lang={lang} multiline maxLength={1000} />
      <Button variant="secondary">{t(lang, 'refundButton')}</Button>
    </form>
  );
}

/** The refund form shown again after a refused refund: what was typed, and why it was refused. */
export function refusedRefundForm(lang: Lang, paymentId: string, reason: unknown, outcome: Exclude<CaseRefundOutcome, 'refunded' | 'notFound'>): RefundFormState {
  const typed = typeof reason === 'string' ? reason : '';
  return outcome === 'notPaid' ? { paymentId, reason: typed, alert: t(lang, 'refundNotPaid') } : { paymentId, reason: typed, error: t(lang, outcome.invalid) };
}

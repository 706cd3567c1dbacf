import { formatDate, formatEuro, type Lang } from '../../../platform/i18n/i18n.js';
import { SummaryList, Table } from '../../../platform/views/components.js';
import type { CasePayment } from '../payments.service.js';
import { t } from '../payments.i18n.js';

/**
 * The payments section of the clerk's case page: per payment its amount, state and Kassenzeichen,
 * and every report the provider made about it (refused ones included, so a clerk can see tampering
 * or a provider's mistake).
 */
export function CasePaymentsSection(props: { lang: Lang; payments: CasePayment[] }) {
  const { lang } = props;
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
          ]} />
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

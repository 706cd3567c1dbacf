import { formatEuro, localize, type Lang } from '../../../platform/i18n/i18n.js';
import { SummaryList } from '../../../platform/views/components.js';
import type { FeeAssessment, FeeLine, PaymentSettings } from '../fees.js';
import { t } from '../payments.i18n.js';

/** A fee line's amount, with quantity × unit price where the answers decide it. */
function feeLineAmount(line: FeeLine, lang: Lang): string {
  return line.variable
    ? `${t(lang, 'feesUnit', { quantity: String(line.quantity), unit: formatEuro(line.unitCents, lang) })} = ${formatEuro(line.amountCents, lang)}`
    : formatEuro(line.amountCents, lang);
}

/** The fee lines as a decision letter prints them (German, like the letter), one per line: "label: amount". */
export function feeLinesText(fees: FeeAssessment): string {
  return fees.lines.map((line) => `${localize(line.label, 'de')}: ${feeLineAmount(line, 'de')}`).join('\n');
}

/**
 * The fees of an application as the applicant sees them before sending: each line (with quantity ×
 * unit price where the answers decide it), fees set only after review, the total, and when it is paid.
 */
export function FeeBreakdown(props: { lang: Lang; fees: FeeAssessment; payment?: Pick<PaymentSettings, 'mode'> }) {
  const { lang, fees } = props;
  const rows = [
    ...fees.lines.map((line) => ({ key: localize(line.label, lang), value: feeLineAmount(line, lang) })),
    ...fees.unresolved.map((label) => ({ key: localize(label, lang), value: t(lang, 'feesUnresolved') })),
    ...(fees.lines.length > 1 || fees.unresolved.length > 0 ? [{ key: t(lang, 'feesTotal'), value: formatEuro(fees.totalCents, lang) }] : []),
  ];
  return (
    <section aria-labelledby="gebuehren" class="check-section">
      <h2 class="kern-heading-medium" id="gebuehren">{t(lang, 'feesHeading')}</h2>
      <SummaryList lang={lang} rows={rows} />
      {props.payment && <p class="kern-body">{t(lang, props.payment.mode === 'before' ? 'feesPayBefore' : 'feesPayAfter')}</p>}
    </section>
  );
}

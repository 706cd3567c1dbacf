import { formatDate, formatEuro, type Lang } from '../../platform/i18n/i18n.js';
import { renderDocumentPdf, townLetterhead } from '../../platform/pdf/pdf.js';
import type { Tenant } from '../tenants/tenant.js';
import type { Payment } from './payment.js';
import { t } from './payments.i18n.js';

/** The payment confirmation PDF of a paid payment: the town's letterhead, what was paid, when, and the Kassenzeichen. */
export function renderPaymentReceiptPdf(input: { tenant: Tenant; payment: Payment & { paidAt: Date }; lang: Lang }): Promise<Buffer> {
  const { tenant, payment, lang } = input;
  return renderDocumentPdf({
    language: lang,
    letterhead: townLetterhead(tenant),
    title: t(lang, 'receiptTitle'),
    meta: [
      { label: t(lang, 'purpose'), value: payment.description },
      { label: t(lang, 'amount'), value: formatEuro(payment.amountCents, lang) },
      { label: t(lang, 'receiptPaidAt'), value: formatDate(payment.paidAt, lang, true) },
      ...(payment.kassenzeichen ? [{ label: t(lang, 'kassenzeichen'), value: payment.kassenzeichen }] : []),
      { label: t(lang, 'receiptPaymentNumber'), value: payment.requestId },
      { label: t(lang, 'receiptProvider'), value: t(lang, `receiptProvider_${payment.provider}`) },
    ],
    sections: [],
    footer: t(lang, 'receiptFooter'),
  });
}

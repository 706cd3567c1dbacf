import { formatDate, localize, type Lang } from '../../platform/i18n/i18n.js';
import { renderDocumentPdf } from '../../platform/pdf/pdf.js';
import type { Service } from '../catalog/index.js';
import type { Tenant } from '../tenants/tenant.js';
import { displayValue, visibleSteps, type Answers } from './answers.js';
import { t } from './forms.i18n.js';

/** One section of a receipt: a step's answers as displayed, or the attachments. */
export interface ReceiptSection {
  heading: string;
  rows: Array<{ label: string; value: string }>;
}

/** What a receipt lists: every shown step with its answered fields exactly as entered, then the attached files. */
export function receiptSections(service: Service, answers: Answers, files: Array<{ filename: string; size: number }>, lang: Lang): ReceiptSection[] {
  return [
    ...visibleSteps(service.definition.form!, answers).map((step) => ({
      heading: localize(step.title, lang),
      rows: step.fields
        .filter((f) => answers[step.id]?.[f.id] !== undefined)
        .map((f) => ({ label: localize(f.label, lang), value: displayValue(f, answers[step.id]?.[f.id], lang) })),
    })),
    ...(files.length > 0
      ? [{ heading: t(lang, 'attachments'), rows: files.map((f, i) => ({ label: `${i + 1}.`, value: `${f.filename} (${Math.ceil(f.size / 1024)} KB)` })) }]
      : []),
  ];
}

/** The receipt PDF: the town's letterhead, the reference, and every answer exactly as entered. */
export function renderReceiptPdf(input: {
  tenant: Tenant;
  service: Service;
  submission: { reference: string; submitted_at: Date; answers: Record<string, unknown>; organisation_name: string | null };
  files: Array<{ filename: string; size: number }>;
  departmentName: string;
  lang: Lang;
}): Promise<Buffer> {
  const { tenant, service, submission, lang } = input;
  const p = tenant.profile;
  return renderDocumentPdf({
    language: lang,
    letterhead: { townName: tenant.name, lines: [`${p.address.street}, ${p.address.postcode} ${p.address.city}`, `${p.phone} · ${p.email}`, p.website] },
    title: t(lang, 'receiptTitle'),
    meta: [
      { label: t(lang, 'receiptReference'), value: submission.reference },
      { label: t(lang, 'receiptService'), value: localize(service.definition.title, lang) },
      ...(submission.organisation_name ? [{ label: t(lang, 'receiptOrganisation'), value: submission.organisation_name }] : []),
      { label: t(lang, 'receiptDate'), value: formatDate(submission.submitted_at, lang, true) },
      { label: t(lang, 'receiptDepartment'), value: input.departmentName },
    ],
    sections: receiptSections(service, submission.answers as Answers, input.files, lang),
    footer: t(lang, 'pdfFooter'),
  });
}

import { formatDate, localize, type Lang } from '../../platform/i18n/i18n.js';
import { renderDocumentPdf } from '../../platform/pdf/pdf.js';
import type { Service } from '../catalog/index.js';
import type { Tenant } from '../tenants/tenant.js';
import { displayValue, visibleSteps, type Answers } from './answers.js';
import { t } from './forms.i18n.js';

/** The receipt PDF: the town's letterhead, the reference, and every answer exactly as entered. */
export function renderReceiptPdf(input: {
  tenant: Tenant;
  service: Service;
  submission: { reference: string; submitted_at: Date; answers: Record<string, unknown> };
  files: Array<{ filename: string; size: number }>;
  departmentName: string;
  lang: Lang;
}): Promise<Buffer> {
  const { tenant, service, submission, lang } = input;
  const answers = submission.answers as Answers;
  const form = service.definition.form!;
  const p = tenant.profile;
  return renderDocumentPdf({
    language: lang,
    letterhead: { townName: tenant.name, lines: [`${p.address.street}, ${p.address.postcode} ${p.address.city}`, `${p.phone} · ${p.email}`, p.website] },
    title: t(lang, 'receiptTitle'),
    meta: [
      { label: t(lang, 'receiptReference'), value: submission.reference },
      { label: t(lang, 'receiptService'), value: localize(service.definition.title, lang) },
      { label: t(lang, 'receiptDate'), value: formatDate(submission.submitted_at, lang, true) },
      { label: t(lang, 'receiptDepartment'), value: input.departmentName },
    ],
    sections: [
      ...visibleSteps(form, answers).map((step) => ({
        heading: localize(step.title, lang),
        rows: step.fields
          .filter((f) => answers[step.id]?.[f.id] !== undefined)
          .map((f) => ({ label: localize(f.label, lang), value: displayValue(f, answers[step.id]?.[f.id], lang) })),
      })),
      ...(input.files.length > 0
        ? [{ heading: t(lang, 'attachments'), rows: input.files.map((f, i) => ({ label: `${i + 1}.`, value: `${f.filename} (${Math.ceil(f.size / 1024)} KB)` })) }]
        : []),
    ],
    footer: t(lang, 'pdfFooter'),
  });
}

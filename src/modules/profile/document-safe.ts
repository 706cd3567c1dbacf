import { stepDefinition, type StepDefinition } from '../forms/form-definition.js';

/** A proof in an account's document safe; the bytes are in the file store under sha256. */
export interface SafeDocument {
  id: string;
  name: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: Date;
}

/**
 * What one account may keep: enough for every proof a household needs for years of applications,
 * small enough that a town's disk is not anyone's free cloud storage (ADR 0021).
 */
export const documentSafeLimits = { maxDocuments: 50, maxTotalBytes: 100 * 1024 * 1024 } as const;

/**
 * The upload form as a step of the form engine: its file field has the limits of every upload of
 * an application (PDF, JPEG or PNG by content, at most 10 MB), so any document fits a form's field
 * that accepts its type.
 */
export const documentUploadStep: StepDefinition = stepDefinition.parse({
  id: 'dokument',
  title: { de: 'Dokument hinzufügen', en: 'Add a document' },
  fields: [
    {
      id: 'name', type: 'text', label: { de: 'Bezeichnung', en: 'Name' }, maxLength: 100,
      hint: { de: 'Woran Sie das Dokument erkennen, zum Beispiel „Personalausweis (Kopie)“ oder „Gehaltsnachweis Oktober“.', en: 'How you recognise the document, for example "ID card (copy)" or "Payslip October".' },
    },
    { id: 'datei', type: 'file', label: { de: 'Datei', en: 'File' }, maxFiles: 1, maxSizeMb: 10 },
  ],
});

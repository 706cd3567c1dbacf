import { berlinMidnight, formatDate } from '../../platform/i18n/i18n.js';
import { renderDocumentPdf, type PdfBlock } from '../../platform/pdf/pdf.js';
import type { Tenant } from '../tenants/tenant.js';
import { plain, type ComposedLetter, type Run } from './letter-text.js';

const runs = (list: Run[]) => list.map((r) => ({ text: r.text, bold: r.bold }));

/**
 * A letter as PDF: the town's letterhead, the address field, title, reference data, the text, and
 * on every page a footer with the document number and the fingerprint of the check text.
 */
export function renderLetterPdf(input: { tenant: Tenant; letter: ComposedLetter; number: string; reference: string; date: string; fingerprint: string; supersedes: string | null }): Promise<Buffer> {
  const { tenant, letter } = input;
  const p = tenant.profile;
  const issuer = p.shortName ?? tenant.name;
  const body: PdfBlock[] = letter.blocks.map((b) => (b.kind === 'list' ? { kind: 'list', items: b.items.map(runs) } : { kind: b.kind, runs: runs(b.runs) }));
  return renderDocumentPdf({
    language: 'de',
    letterhead: { townName: tenant.name, lines: [`${p.address.street}, ${p.address.postcode} ${p.address.city}`, `${p.phone} · ${p.email}`, p.website] },
    recipient: { returnAddress: `${issuer} · ${p.address.street} · ${p.address.postcode} ${p.address.city}`, lines: letter.recipient.map(plain) },
    title: letter.title,
    meta: [
      { label: 'Aktenzeichen', value: input.reference },
      { label: 'Dokumentnummer', value: input.number },
      { label: 'Datum', value: formatDate(berlinMidnight(input.date), 'de') },
      ...(input.supersedes ? [{ label: 'Ersetzt', value: input.supersedes }] : []),
    ],
    body,
    sections: [],
    footer: `Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig. Dokumentnummer ${input.number}. Fingerabdruck (SHA-256 des Prüftexts): ${input.fingerprint}`,
  });
}

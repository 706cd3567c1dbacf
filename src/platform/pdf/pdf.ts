import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TenantProfile } from '../db/schema.js';
import { unpackWoff } from './woff.js';

/** A piece of running text, bold or not. */
export interface PdfRun {
  text: string;
  bold?: boolean;
}

/** A block of a letter's text: a heading, a paragraph (line breaks kept) or a bulleted list. */
export type PdfBlock = { kind: 'heading'; runs: PdfRun[] } | { kind: 'paragraph'; runs: PdfRun[] } | { kind: 'list'; items: PdfRun[][] };

/** A letter-like document: letterhead, address field, title, reference data, text, then sections of label/value rows. */
export interface PdfDocument {
  language: 'de' | 'en';
  /** The town's name (bold) and lines such as address, phone, e-mail and web. */
  letterhead: { townName: string; lines: string[] };
  /** The address field of a letter: a one-line return address above the recipient's lines. */
  recipient?: { returnAddress: string; lines: string[] };
  title: string;
  /** Reference data shown under the title, e.g. Aktenzeichen, date, service. */
  meta: Array<{ label: string; value: string }>;
  /** Running text after the reference data (a letter's body). */
  body?: PdfBlock[];
  sections: Array<{ heading: string; rows: Array<{ label: string; value: string }> }>;
  /** A short note printed at the foot of every page, e.g. "Dieses Schreiben wurde maschinell erstellt." */
  footer?: string;
  /** Recorded as the creation date; fixing it makes the output byte-for-byte reproducible. */
  createdAt?: Date;
}

/** A town's letterhead: its name, then address, phone · e-mail, and website. */
export function townLetterhead(town: { name: string; profile: TenantProfile }): PdfDocument['letterhead'] {
  const p = town.profile;
  return { townName: town.name, lines: [`${p.address.street}, ${p.address.postcode} ${p.address.city}`, `${p.phone} · ${p.email}`, p.website] };
}

const require = createRequire(import.meta.url);
// The design system's Noto Sans, so letters match the web pages. Read and unpacked once per
// process; pdfkit embeds only the glyphs a document uses (a subset per document).
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts(): { regular: Buffer; bold: Buffer } {
  const load = (file: string) => unpackWoff(readFileSync(require.resolve(`@kern-ux/native/dist/fonts/noto-sans/${file}`)));
  fonts ??= { regular: load('NotoSans-Regular.woff'), bold: load('NotoSans-Bold.woff') };
  return fonts;
}

const mm = 72 / 25.4;
// Margins after DIN 5008: 25 mm left for filing holes, 20 mm right; the bottom leaves room for the footer.
const margins = { top: 20 * mm, right: 20 * mm, bottom: 28 * mm, left: 25 * mm };
const footerBaseline = 12 * mm;
const labelShare = 0.36;
const columnGap = 12;
const rowPadding = 4;
// A long value starts on the current page only if its label and this many lines fit there.
const minLinesBeforeBreak = 3;

const size = { town: 16, letterhead: 8.5, returnAddress: 7, title: 16, heading: 12, body: 10, footer: 8 };
// DIN 5008 form B: the address field of a window envelope starts 45 mm from the top edge; its
// first 17.7 mm hold the return address line, the recipient follows below.
const addressField = { top: 45 * mm, recipientTop: (45 + 12.7) * mm, width: 85 * mm };
const listIndent = 14;
const paragraphGap = 8;
const colour = { text: '#1a1a1a', muted: '#4d4d4d', rule: '#b3b3b3' };

const texts = {
  de: { lang: 'de-DE', page: (n: number, of: number) => `Seite ${n} von ${of}` },
  en: { lang: 'en-GB', page: (n: number, of: number) => `Page ${n} of ${of}` },
};

/**
 * Renders a document as an A4 PDF with embedded Noto Sans, tagged for screen readers (headings,
 * label/value tables, language), with "Seite X von Y" on every page.
 */
export async function renderDocumentPdf(input: PdfDocument): Promise<Buffer> {
  const t = texts[input.language];
  // Loaded on the first document, not at start-up: pdfkit is the slowest module to load (~0.2 s).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins,
    bufferPages: true,
    pdfVersion: '1.7',
    tagged: true,
    lang: t.lang,
    displayTitle: true,
    info: { Title: input.title, Author: input.letterhead.townName, Creator: 'Rathaus', CreationDate: input.createdAt ?? new Date() },
  });
  const done = collect(doc);
  const { regular, bold } = loadFonts();
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);

  const root = doc.struct('Document');
  doc.addStructure(root);
  const layout = new Layout(doc, root);

  layout.letterhead(input.letterhead);
  if (input.recipient) layout.recipient(input.recipient);
  layout.title(input.title);
  layout.table(input.meta);
  if (input.body) layout.body(input.body);
  for (const section of input.sections) {
    layout.heading(section.heading, section.rows[0]);
    layout.table(section.rows);
  }
  layout.pageFooters(input.footer, t.page);

  root.end();
  doc.end();
  return done;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** Places blocks top to bottom and decides page breaks; every text lands in the structure tree. */
class Layout {
  private readonly left: number;
  private readonly width: number;
  private readonly labelWidth: number;
  private readonly valueX: number;
  private readonly valueWidth: number;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly root: PDFKit.PDFStructureElement,
  ) {
    this.left = margins.left;
    this.width = doc.page.width - margins.left - margins.right;
    this.labelWidth = Math.round(this.width * labelShare);
    this.valueX = this.left + this.labelWidth + columnGap;
    this.valueWidth = this.width - this.labelWidth - columnGap;
  }

  letterhead(letterhead: PdfDocument['letterhead']): void {
    const { doc } = this;
    const top = doc.y;
    const nameWidth = this.width * 0.55;
    const linesWidth = this.width - nameWidth - columnGap;
    const section = doc.struct('Sect');
    this.root.add(section);
    section.add(doc.struct('P', {}, () => this.write(letterhead.townName, this.left, top, { font: 'bold', size: size.town, width: nameWidth })));
    const nameBottom = doc.y;
    let y = top;
    for (const line of letterhead.lines) {
      section.add(doc.struct('P', {}, () => this.write(line, this.left + nameWidth + columnGap, y, { size: size.letterhead, width: linesWidth, align: 'right', colour: colour.muted })));
      y = doc.y;
    }
    section.end();
    const bottom = Math.max(nameBottom, y) + 6;
    this.rule(bottom, 0.75);
    doc.y = bottom + 18;
  }

  /** The address field, where a window envelope shows it; the title follows below it. */
  recipient(recipient: NonNullable<PdfDocument['recipient']>): void {
    const { doc } = this;
    const section = doc.struct('Sect');
    this.root.add(section);
    const top = Math.max(doc.y, addressField.top);
    section.add(doc.struct('P', {}, () => this.write(recipient.returnAddress, this.left, top, { size: size.returnAddress, width: addressField.width, colour: colour.muted })));
    let y = Math.max(doc.y + 4, top + addressField.recipientTop - addressField.top);
    for (const line of recipient.lines) {
      section.add(doc.struct('P', {}, () => this.write(line, this.left, y, { size: size.body, width: addressField.width })));
      y = doc.y;
    }
    section.end();
    doc.y = y + 24;
  }

  /** Running text below the reference data. */
  body(blocks: PdfBlock[]): void {
    this.doc.y += paragraphGap;
    for (const block of blocks) this.block(block);
  }

  /** A block of running text; paragraphs and list items break across pages where they must. */
  private block(block: PdfBlock): void {
    const { doc } = this;
    if (block.kind === 'heading') {
      // Not the last thing on a page: the heading's first lines of text come with it.
      this.ensureRoom(this.lineHeight() * 3 + 10);
      this.heading(block.runs.map((r) => r.text).join(''), undefined);
      doc.y += 2;
      return;
    }
    if (block.kind === 'paragraph') {
      this.ensureRoom(this.lineHeight() * 2);
      this.root.add(doc.struct('P', {}, () => this.writeRuns(block.runs, this.left, doc.y, this.width)));
      doc.y += paragraphGap;
      return;
    }
    const list = doc.struct('L');
    this.root.add(list);
    for (const item of block.items) {
      this.ensureRoom(this.lineHeight());
      const top = doc.y;
      const li = doc.struct('LI');
      list.add(li);
      li.add(doc.struct('Lbl', {}, () => this.write('•', this.left + 2, top, { size: size.body, width: listIndent })));
      li.add(doc.struct('LBody', {}, () => this.writeRuns(item, this.left + listIndent, top, this.width - listIndent)));
      li.end();
      doc.y += 3;
    }
    list.end();
    doc.x = this.left;
    doc.y += paragraphGap - 3;
  }

  title(title: string): void {
    const { doc } = this;
    this.root.add(doc.struct('H1', {}, () => this.write(title, this.left, doc.y, { font: 'bold', size: size.title, width: this.width })));
    doc.y += 10;
  }

  /** A section heading, kept on the same page as the first row below it. */
  heading(text: string, firstRow: { label: string; value: string } | undefined): void {
    const { doc } = this;
    const headingHeight = this.measure(text, { font: 'bold', size: size.heading, width: this.width }) + 4;
    const rowHeight = firstRow ? Math.min(this.rowHeight(firstRow), this.lineHeight() * minLinesBeforeBreak) : 0;
    doc.y += 10;
    this.ensureRoom(headingHeight + rowHeight);
    this.root.add(doc.struct('H2', {}, () => this.write(text, this.left, doc.y, { font: 'bold', size: size.heading, width: this.width })));
    doc.y += 4;
  }

  /** Label/value rows as a two-column table; a row stays on one page unless it is longer than a page. */
  table(rows: Array<{ label: string; value: string }>): void {
    if (rows.length === 0) return;
    const { doc } = this;
    const table = doc.struct('Table');
    this.root.add(table);
    for (const row of rows) {
      const labelHeight = this.measure(row.label, { font: 'bold', size: size.body, width: this.labelWidth });
      const height = this.rowHeight(row);
      const pageHeight = doc.page.height - margins.top - margins.bottom;
      if (height <= pageHeight) this.ensureRoom(height);
      else this.ensureRoom(Math.max(labelHeight, this.lineHeight() * minLinesBeforeBreak) + rowPadding);

      const top = doc.y;
      const page = doc.page;
      let labelBottom = top;
      const tr = doc.struct('TR');
      table.add(tr);
      tr.add(doc.struct('TH', {}, () => {
        this.write(row.label, this.left, top, { font: 'bold', size: size.body, width: this.labelWidth });
        labelBottom = doc.y;
      }));
      // A value longer than the page flows on in its column; pdfkit carries the tag across the break.
      tr.add(doc.struct('TD', {}, () => this.write(row.value, this.valueX, top, { size: size.body, width: this.valueWidth })));
      tr.end();
      const bottom = (doc.page === page ? Math.max(labelBottom, doc.y) : doc.y) + rowPadding;
      this.rule(bottom - rowPadding / 2, 0.25);
      doc.y = bottom + rowPadding;
    }
    table.end();
    doc.x = this.left;
  }

  /** Footer note and page number on every page, drawn last because only then is the page count known. */
  pageFooters(note: string | undefined, pageLabel: (n: number, of: number) => string): void {
    const { doc } = this;
    const { start, count } = doc.bufferedPageRange();
    const numberWidth = 90;
    const noteWidth = this.width - numberWidth - columnGap;
    for (let i = start; i < start + count; i++) {
      doc.switchToPage(i);
      // Writing below the bottom margin would otherwise start a new page.
      doc.page.margins.bottom = 0;
      const baseline = doc.page.height - footerBaseline;
      doc.font('regular').fontSize(size.footer);
      const lineHeight = doc.currentLineHeight(true);
      this.artifact(() => {
        doc.fillColor(colour.muted).text(pageLabel(i - start + 1, count), this.left + this.width - numberWidth, baseline - lineHeight, { width: numberWidth, align: 'right', lineBreak: false });
      }, 'Pagination');
      if (note) {
        const noteTop = baseline - this.measure(note, { size: size.footer, width: noteWidth });
        const drawNote = () => this.write(note, this.left, noteTop, { size: size.footer, width: noteWidth, colour: colour.muted });
        // Read once, where it first appears; on later pages it is repeated page furniture.
        if (i === start) this.root.add(doc.struct('P', {}, drawNote));
        else this.artifact(drawNote, 'Pagination');
      }
      doc.page.margins.bottom = margins.bottom;
    }
  }

  private write(text: string, x: number, y: number, options: { font?: 'regular' | 'bold'; size: number; width: number; align?: 'left' | 'right'; colour?: string }): void {
    this.doc
      .font(options.font ?? 'regular')
      .fontSize(options.size)
      .fillColor(options.colour ?? colour.text)
      .text(text, x, y, { width: options.width, align: options.align ?? 'left', lineGap: 1.5 });
  }

  /** Writes runs as one flowing text, switching between regular and bold. */
  private writeRuns(runs: PdfRun[], x: number, y: number, width: number): void {
    // Neighbours of one style are written as one: pdfkit may break a line where a continued text
    // starts, which would put the comma after a placeholder's value at the start of a line.
    const parts: PdfRun[] = [];
    for (const run of runs.filter((r) => r.text !== '')) {
      const last = parts[parts.length - 1];
      if (last && Boolean(last.bold) === Boolean(run.bold)) last.text += run.text;
      else parts.push({ ...run });
    }
    if (parts.length === 0) return;
    parts.forEach((run, i) => {
      const options = { width, lineGap: 1.5, continued: i < parts.length - 1 };
      this.doc.font(run.bold ? 'bold' : 'regular').fontSize(size.body).fillColor(colour.text);
      if (i === 0) this.doc.text(run.text, x, y, options);
      else this.doc.text(run.text, options);
    });
    this.doc.x = this.left;
  }

  private measure(text: string, options: { font?: 'regular' | 'bold'; size: number; width: number }): number {
    return this.doc.font(options.font ?? 'regular').fontSize(options.size).heightOfString(text, { width: options.width, lineGap: 1.5 });
  }

  private lineHeight(): number {
    return this.doc.font('regular').fontSize(size.body).currentLineHeight(true) + 1.5;
  }

  private rowHeight(row: { label: string; value: string }): number {
    return Math.max(
      this.measure(row.label, { font: 'bold', size: size.body, width: this.labelWidth }),
      this.measure(row.value, { size: size.body, width: this.valueWidth }),
    ) + rowPadding;
  }

  private ensureRoom(height: number): void {
    if (this.doc.y + height > this.doc.page.maxY()) {
      this.doc.addPage();
      this.doc.y = margins.top;
    }
  }

  private rule(y: number, lineWidth: number): void {
    this.artifact(() => {
      this.doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(lineWidth).strokeColor(colour.rule).stroke();
    });
  }

  // Rules and repeated footers are decoration; marking them keeps screen readers from announcing them.
  private artifact(draw: () => void, type: 'Layout' | 'Pagination' = 'Layout'): void {
    this.doc.markContent('Artifact', { type });
    draw();
    this.doc.endMarkedContent();
  }
}

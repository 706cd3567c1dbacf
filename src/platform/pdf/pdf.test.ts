import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { renderDocumentPdf, type PdfDocument } from './pdf.js';

/** The text of each page as pdf.js extracts it, lines joined by newlines. */
async function extractPages(pdf: Buffer): Promise<{ pages: string[]; info: Record<string, unknown> }> {
  const loaded = await getDocument({ data: new Uint8Array(pdf), disableFontFace: true, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= loaded.numPages; n++) {
      const content = await (await loaded.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
    }
    const { info } = await loaded.getMetadata();
    return { pages, info: info as Record<string, unknown> };
  } finally {
    await loaded.destroy();
  }
}

function buildDocument(overrides: Partial<PdfDocument> = {}): PdfDocument {
  return {
    language: 'de',
    letterhead: { townName: 'Stadt Musterhausen', lines: ['Rathausplatz 1, 12345 Musterhausen', 'Telefon 02361 000000', 'info@musterhausen.example', 'www.musterhausen.example'] },
    title: 'Eingangsbestätigung Hundeanmeldung',
    meta: [
      { label: 'Aktenzeichen', value: 'MUS-2026-000123' },
      { label: 'Datum', value: '22.11.2026' },
      { label: 'Leistung', value: 'Hund anmelden' },
    ],
    sections: [{ heading: 'Ihre Angaben', rows: [{ label: 'Größe', value: 'Größe: Äußerst übel' }, { label: 'Name des Hundes', value: 'Bello' }] }],
    footer: 'Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig.',
    createdAt: new Date('2026-11-22T09:30:00Z'),
    ...overrides,
  };
}

describe('renderDocumentPdf', () => {
  it('renders a one-page PDF with an embedded font, the title and German text with umlauts and ß', async () => {
    const pdf = await renderDocumentPdf(buildDocument());

    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const raw = pdf.toString('latin1');
    assert.ok(raw.includes('/FontFile2') || raw.includes('/FontFile3'), 'the font is embedded');
    assert.ok(raw.includes('NotoSans-Regular') && raw.includes('NotoSans-Bold'));
    assert.ok(!/\/BaseFont \/Helvetica/.test(raw), 'no unembedded standard font');

    const { pages } = await extractPages(pdf);
    assert.equal(pages.length, 1);
    const text = pages[0]!;
    for (const expected of ['Stadt Musterhausen', 'Eingangsbestätigung Hundeanmeldung', 'Aktenzeichen', 'MUS-2026-000123', 'Ihre Angaben', 'Größe: Äußerst übel', 'ohne Unterschrift gültig', 'Seite 1 von 1']) {
      assert.ok(text.includes(expected), `page text contains "${expected}"`);
    }
  });

  it('sets title, author, creator, creation date and language', async () => {
    const pdf = await renderDocumentPdf(buildDocument());

    const { info } = await extractPages(pdf);
    assert.equal(info.Title, 'Eingangsbestätigung Hundeanmeldung');
    assert.equal(info.Author, 'Stadt Musterhausen');
    assert.equal(info.Creator, 'Rathaus');
    assert.match(String(info.CreationDate), /^D:20261122093000/);
    assert.equal(info.Language, 'de-DE');
    const raw = pdf.toString('latin1');
    assert.ok(raw.includes('/Lang (de-DE)'));
    assert.ok(raw.includes('/StructTreeRoot'), 'tagged for assistive technology');
  });

  it('shows "Seite 1 von 2" when the content spans two pages', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ label: `Angabe ${i + 1}`, value: `Wert ${i + 1}` }));
    const pdf = await renderDocumentPdf(buildDocument({ sections: [{ heading: 'Ihre Angaben', rows }] }));

    const { pages } = await extractPages(pdf);
    assert.equal(pages.length, 2);
    assert.ok(pages[0]!.includes('Seite 1 von 2'));
    assert.ok(pages[1]!.includes('Seite 2 von 2'));
    assert.ok(pages[1]!.includes('ohne Unterschrift gültig'), 'the footer note is on every page');
  });

  it('breaks a section of 60 rows between rows, never inside one', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ label: `Angabe ${i + 1}`, value: `Wert ${i + 1}` }));
    const pdf = await renderDocumentPdf(buildDocument({ sections: [{ heading: 'Viele Angaben', rows }] }));

    const { pages } = await extractPages(pdf);
    assert.ok(pages.length >= 2);
    pages.forEach((page, i) => assert.ok(page.includes(`Seite ${i + 1} von ${pages.length}`)));
    // pdf.js returns a label and its value as one line when they share a baseline.
    const all = pages.join('\n');
    for (let n = 1; n <= rows.length; n++) {
      assert.equal(all.match(new RegExp(`^Angabe ${n} Wert ${n}$`, 'gm'))?.length, 1, `row ${n} appears once, label and value together`);
    }
  });

  it('wraps a value of 3000 characters and continues it on the next page', async () => {
    const words = Array.from({ length: 500 }, (_, i) => `Wort${i}`).join(' ');
    assert.ok(words.length >= 3000);
    const pdf = await renderDocumentPdf(buildDocument({
      sections: [
        { heading: 'Kurz', rows: Array.from({ length: 12 }, (_, i) => ({ label: `Feld ${i}`, value: `Inhalt ${i}` })) },
        { heading: 'Begründung', rows: [{ label: 'Ausführliche Begründung', value: words }, { label: 'Danach', value: 'Letzte Zeile' }] },
      ],
    }));

    const { pages } = await extractPages(pdf);
    assert.ok(pages.length >= 2);
    assert.ok(pages[0]!.includes('Ausführliche Begründung'), 'the long value starts on the first page');
    assert.ok(pages[0]!.includes('Wort0 '));
    assert.ok(pages.at(-1)!.includes('Wort499'));
    assert.ok(pages.at(-1)!.includes('Letzte Zeile'));
    assert.deepEqual(pages.join(' ').match(/Wort\d+/g), words.split(' '), 'every word of the value is there, in order');
  });

  it('writes English page numbers for an English document', async () => {
    const pdf = await renderDocumentPdf(buildDocument({ language: 'en', title: 'Acknowledgement of receipt', footer: undefined }));

    const { pages, info } = await extractPages(pdf);
    assert.ok(pages[0]!.includes('Page 1 of 1'));
    assert.equal(info.Language, 'en-GB');
  });

  it('renders a letter: the address field, running text with bold words, headings and lists, across pages', async () => {
    const paragraph = Array.from({ length: 60 }, (_, i) => `Satz${i}`).join(' ');
    const pdf = await renderDocumentPdf(buildDocument({
      recipient: { returnAddress: 'Stadt Musterhausen · Rathausplatz 1 · 12345 Musterhausen', lines: ['Erika Mustermann', 'Hauptstraße 12a', '45657 Musterhausen'] },
      body: [
        { kind: 'paragraph', runs: [{ text: 'Ihr Hund ' }, { text: 'Bella', bold: true }, { text: ', Chipnummer 276098106123456.' }] },
        { kind: 'heading', runs: [{ text: 'Festsetzung' }] },
        { kind: 'list', items: [[{ text: 'Jahresbetrag: ' }, { text: '120,00 €', bold: true }], [{ text: 'Beginn: 01.12.2026' }]] },
        ...Array.from({ length: 12 }, () => ({ kind: 'paragraph' as const, runs: [{ text: paragraph }] })),
      ],
      sections: [],
    }));

    const { pages } = await extractPages(pdf);
    assert.ok(pages.length >= 2, 'long text continues on a second page');
    const first = pages[0]!;
    for (const expected of ['Rathausplatz 1 · 12345 Musterhausen', 'Erika Mustermann', '45657 Musterhausen', 'Ihr Hund Bella, Chipnummer 276098106123456.', 'Festsetzung', 'Jahresbetrag: 120,00 €', 'Beginn: 01.12.2026']) {
      assert.ok(first.includes(expected), `page 1 contains "${expected}"`);
    }
    assert.ok(first.indexOf('Erika Mustermann') < first.indexOf('Eingangsbestätigung Hundeanmeldung'), 'the address field comes before the title');
    assert.equal(pages.join(' ').match(/Satz59/g)?.length, 12, 'no text is lost at a page break');
    assert.ok(pdf.toString('latin1').includes('/LBody'), 'list items are tagged');
  });

  it('renders the same bytes for the same input and creation date', async () => {
    const [a, b] = await Promise.all([renderDocumentPdf(buildDocument()), renderDocumentPdf(buildDocument())]);
    assert.ok(a.equals(b));
  });
});

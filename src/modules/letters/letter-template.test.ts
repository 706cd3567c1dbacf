import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { loadServices, type Service } from '../catalog/index.js';
import { loadLetterTemplates, parseLetterTemplate, placeholdersIn, type LetterTemplate } from './letter-template.js';
import { checkText, composeLetter, fingerprint, plain, type LetterFacts } from './letter-text.js';
import { parseEuroCents, readLetterValues } from './letter-values.js';

const dogAnswers = {
  halter: { vorname: 'Erika', nachname: 'Mustermann', geburtsdatum: '1984-08-12', anschrift: { street: 'Hauptstraße', houseNumber: '12a', postcode: '45657', city: 'Musterstadt' }, email: 'erika@example.org' },
  hund: { name: 'Bella', rasse: 'beagle', geburtsdatum: '2021-03-01', chipnummer: '276098106123456', haltungSeit: '2026-11-01', zweitHund: false },
  bankverbindung: { iban: 'DE02120300000000202051', kontoinhaber: 'Erika Mustermann' },
};

function template(body: string, frontMatter = 'title: { de: Test }\nrecipient: ["{{answers.halter.vorname}}"]'): string {
  return `---\n${frontMatter}\n---\n${body}\n`;
}

describe('letter templates', () => {
  let services: Map<string, Service>;
  let templates: Map<string, LetterTemplate[]>;
  let dog: Service;
  before(async () => {
    services = await loadServices();
    templates = await loadLetterTemplates(services);
    dog = services.get('hund-anmelden')!;
  });

  const facts = (overrides: Partial<LetterFacts> = {}): LetterFacts => ({
    form: dog.definition.form,
    answers: dogAnswers,
    reference: 'MST-2026-000042',
    receivedAt: new Date('2026-11-20T09:00:00Z'),
    departmentName: 'Steueramt',
    town: { name: 'Musterstadt', administrativeCourt: 'Verwaltungsgericht Düsseldorf, Bastionstraße 39, 40213 Düsseldorf' },
    service: { title: 'Hund anmelden', feeCents: [] },
    today: '2026-11-23',
    values: {},
    ...overrides,
  });

  it('ships templates for the six services, every one valid against its service\'s form', () => {
    const ids = Object.fromEntries([...templates].filter(([, list]) => list.length > 0).map(([service, list]) => [service, list.map((tpl) => tpl.id)]));
    assert.deepEqual(ids, {
      'gewerbeanmeldung': ['empfangsbestaetigung'],
      'hund-anmelden': ['ablehnung', 'steuerbescheid'],
      'kontakt-beschwerde': ['antwort'],
      'meldebescheinigung': ['meldebescheinigung'],
      'sondernutzung': ['ablehnung', 'erlaubnis'],
      'sperrmuell-anmeldung': ['abholtermin'],
    });
    for (const list of templates.values()) {
      for (const tpl of list) {
        const form = services.get(tpl.serviceId)!.definition.form!;
        for (const name of placeholdersIn([...tpl.recipient, tpl.body].join('\n'))) {
          const [root, step, field] = name.split('.');
          if (root === 'answers') assert.ok(form.steps.find((s) => s.id === step)?.fields.some((f) => f.id === field), `${tpl.serviceId}/${tpl.id}: ${name} is in the form`);
          if (root === 'values') assert.ok(tpl.values.some((v) => v.name === step), `${tpl.serviceId}/${tpl.id}: ${name} is declared`);
        }
      }
    }
  });

  it('puts the legal remedy notice naming the town\'s administrative court where the template says, for decisions that can be challenged', () => {
    const byId = (service: string, id: string) => templates.get(service)!.find((tpl) => tpl.id === id)!;
    for (const tpl of [byId('hund-anmelden', 'steuerbescheid'), byId('hund-anmelden', 'ablehnung'), byId('sondernutzung', 'erlaubnis'), byId('sondernutzung', 'ablehnung')]) {
      assert.match(tpl.body, /## Rechtsbehelfsbelehrung/);
      assert.match(tpl.body, /innerhalb eines Monats nach seiner Bekanntgabe Klage/);
      assert.match(tpl.body, /\{\{town\.verwaltungsgericht\}\}/);
      assert.ok(tpl.body.indexOf('## Rechtsbehelfsbelehrung') < tpl.body.indexOf('Mit freundlichen Grüßen'), 'before the closing');
    }
    assert.match(byId('hund-anmelden', 'steuerbescheid').body, /keine aufschiebende Wirkung/, 'a tax notice says the tax is due despite an action');
    assert.match(byId('sondernutzung', 'erlaubnis').body, /keine aufschiebende Wirkung/, 'a permit that sets fees says they are due despite an action');
    assert.doesNotMatch(byId('sondernutzung', 'ablehnung').body, /keine aufschiebende Wirkung/, 'a rejection sets no fee');
    assert.doesNotMatch(byId('gewerbeanmeldung', 'empfangsbestaetigung').body, /Rechtsbehelfsbelehrung/, 'a confirmation of receipt is no decision');
  });

  it('refuses templates with unknown placeholders, undeclared values, HTML or other Markdown', () => {
    const parse = (source: string) => () => parseLetterTemplate(source, { serviceId: 'hund-anmelden', id: 'test' }, dog);
    assert.throws(parse(template('Hallo {{answers.halter.spitzname}}')), /answers\.halter\.spitzname is no field/);
    assert.throws(parse(template('Betrag {{values.betrag}}')), /values\.betrag is not declared/);
    assert.throws(parse(template('Heute {{morgen}}')), /unknown placeholder morgen/);
    assert.throws(parse(template('Zu zahlen: {{fees.total}}')), /fees\.total needs payment mode "after"/, 'a dog registration is not paid after the decision');
    const sondernutzung = (body: string, outcomes: string) => () => parseLetterTemplate(template(body, `title: { de: Test }\nrecipient: ["x"]\noutcomes: [${outcomes}]`), { serviceId: 'sondernutzung', id: 'test' }, services.get('sondernutzung')!);
    assert.doesNotThrow(sondernutzung('{{fees.breakdown}}\n\nZu zahlen: {{fees.total}}', 'approved'));
    assert.throws(sondernutzung('Erlaubt.', 'approved, partly'), /must print \{\{fees\.total\}\}/, 'a permit that would request a fee without naming it');
    assert.doesNotThrow(sondernutzung('Abgelehnt.', 'rejected'));
    assert.throws(parse(template('Hallo <b>Welt</b>')), /HTML is not allowed/);
    assert.throws(parse(template('Siehe [hier](https://example.org)')), /links/);
    assert.throws(parse(template('# Titel')), /only "## " headings/);
    assert.throws(parse(template('1. erstens')), /only "- " lists/);
    assert.throws(parse(template('ein *kursives* Wort')), /only \*\*bold\*\*/);
    assert.throws(parse(template('**fett\nweiter**')), /must end on the line/);
    assert.throws(parse(template('Hallo {{ answers.halter')), /malformed placeholder/);
    assert.throws(parse(template('Text', 'title: { de: Test }\nrecipient: ["x"]\noutcomes: [vielleicht]')), /outcomes/);
    assert.throws(parse(template('Text', 'title: { de: Test }\nrecipient: ["x"]\nvalues: [{ name: ungenutzt, type: text, label: { de: X } }]')), /values\.ungenutzt is declared but not used/);
    assert.throws(parse('kein front matter'), /front matter/);
    assert.throws(parse(template('Text', 'title: { de: Test }\nrecipient: ["x"]\nlegalRemedy: klage-verwaltungsgericht')), /must hold one paragraph \{\{rechtsbehelfsbelehrung\}\}/);
    assert.throws(parse(template('Text\n\n{{rechtsbehelfsbelehrung}}')), /needs legalRemedy/);
    assert.doesNotThrow(parse(template('## Überschrift\n\nText mit **fett** und {{answers.hund.name}}.\n\n- Punkt eins\n- Punkt zwei')));
  });

  it('fills placeholders as the case page shows answers, an address as two lines of the address field', () => {
    const tpl = templates.get('hund-anmelden')!.find((x) => x.id === 'steuerbescheid')!;
    const letter = composeLetter(tpl, facts({ values: { steuersatz: 'Ersthund', beginn: '01.12.2026', jahresbetrag: '120,00 €', zeitraum: '01.12.2026 – 31.12.2026', betragErstesJahr: '10,00 €', steuermarke: '0815' } }));
    assert.deepEqual(letter.missing, []);
    assert.deepEqual(letter.recipient.map(plain), ['Erika Mustermann', 'Hauptstraße 12a', '45657 Musterstadt']);
    assert.match(letter.body, /Anmeldung vom 20\.11\.2026/);
    assert.match(letter.body, /Hund: \*\*Bella\*\*, Chipnummer 276098106123456/);
    assert.match(letter.body, /bei dem Verwaltungsgericht Düsseldorf, Bastionstraße 39, 40213 Düsseldorf, schriftlich/);
    const list = letter.blocks.find((b) => b.kind === 'list');
    assert.ok(list && list.kind === 'list');
    assert.deepEqual(list.items[3], [{ text: 'Hundesteuer im Jahr: ', bold: false }, { text: '120,00 €', bold: true }]);
  });

  it('lists and marks every placeholder that does not resolve, and never lets a value become markup', () => {
    const tpl = templates.get('hund-anmelden')!.find((x) => x.id === 'steuerbescheid')!;
    const letter = composeLetter(tpl, facts({ town: { name: 'Musterstadt' }, values: { steuersatz: 'Ersthund', beginn: '01.12.2026', zeitraum: '01.12.2026 – 31.12.2026', betragErstesJahr: '10,00 €', jahresbetrag: '**0 €** <script>' } }));
    assert.deepEqual(letter.missing, ['values.steuermarke', 'town.verwaltungsgericht']);
    const runs = letter.blocks.flatMap((b) => (b.kind === 'list' ? b.items.flat() : b.runs));
    assert.ok(runs.some((r) => r.missing === 'values.steuermarke' && r.text === '{{values.steuermarke}}'));
    assert.ok(runs.some((r) => r.text === '**0 €** <script>' && r.bold), 'the value is one literal run');
    const withoutAnswer = composeLetter(tpl, facts({ answers: { ...dogAnswers, hund: { ...dogAnswers.hund, chipnummer: '' } } }));
    assert.ok(withoutAnswer.missing.includes('answers.hund.chipnummer'), 'an empty answer is a gap, not an empty string');
  });

  it('prints the fees a decision sets, line by line, and never a fee the answers cannot compute', () => {
    const permit = parseLetterTemplate(template('{{fees.breakdown}}\n\nZu zahlen: **{{fees.total}}**', 'title: { de: Test }\nrecipient: ["x"]'), { serviceId: 'sondernutzung', id: 'test' }, services.get('sondernutzung')!);
    const label = (de: string) => ({ de, en: de });
    const lines = [
      { label: label('Verwaltungsgebühr'), quantity: 1, unitCents: 3000, amountCents: 3000, variable: false },
      { label: label('je m² und Tag'), quantity: 64, unitCents: 50, amountCents: 3200, variable: true },
    ];
    const composed = composeLetter(permit, facts({ fees: { lines, totalCents: 6200, unresolved: [] } }));
    assert.deepEqual(composed.missing, []);
    assert.equal(composed.body.replace(/\u00a0/g, ' '), 'Verwaltungsgebühr: 30,00 €\nje m² und Tag: 64 × 0,50 € = 32,00 €\n\nZu zahlen: **62,00 €**');
    assert.deepEqual(composeLetter(permit, facts({ fees: { lines: lines.slice(0, 1), totalCents: 3000, unresolved: [label('je m² und Tag')] } })).missing, ['fees.breakdown', 'fees.total']);
    assert.deepEqual(composeLetter(permit, facts()).missing, ['fees.breakdown', 'fees.total'], 'no fees: a rejection, or a service not paid after the decision');
  });

  it('reads typed values by type and refuses what it cannot read', () => {
    const definitions = [
      { name: 'betrag', type: 'money', label: { de: 'Betrag' } },
      { name: 'tag', type: 'date', label: { de: 'Tag' } },
      { name: 'kurz', type: 'text', label: { de: 'Kurz' } },
      { name: 'leer', type: 'text', label: { de: 'Leer' } },
    ] as const;
    const read = readLetterValues([...definitions], { 'wert.betrag': '1.234,5', 'wert.tag': '2026-12-01', 'wert.kurz': 'zwei\nZeilen', 'wert.leer': '  ' }, 'de');
    assert.deepEqual(read.values, { betrag: '1.234,50\u00a0€', tag: '01.12.2026' }, 'formatted as Intl formats euros (no-break space)');
    assert.deepEqual(Object.keys(read.errors), ['wert.kurz']);
    assert.equal(parseEuroCents('120'), 12000);
    assert.equal(parseEuroCents('120,00 €'), 12000);
    for (const bad of ['12,345', '1,2,3', 'abc', '-5', '1.23']) assert.equal(parseEuroCents(bad), null, bad);
    const invalid = readLetterValues([...definitions], { 'wert.betrag': 'viel', 'wert.tag': '31.02.2026' }, 'de');
    assert.deepEqual(Object.keys(invalid.errors).sort(), ['wert.betrag', 'wert.tag']);
  });

  it('makes a check text anyone can hash to the fingerprint', () => {
    const text = checkText(
      { issuer: 'Stadt Musterstadt', documentNumber: 'MST-B-2026-000001', reference: 'MST-2026-000042', date: '2026-11-23', title: 'Bescheid', supersedes: null, recipient: ['Erika Mustermann', 'Hauptstraße 12a'] },
      'Zeile mit Leerzeichen am Ende   \r\nund Umlaut u\u0308\n\n\n',
    );
    assert.equal(text, 'Rathaus-Prüftext 1\nAussteller: Stadt Musterstadt\nDokumentnummer: MST-B-2026-000001\nAktenzeichen: MST-2026-000042\nDatum: 2026-11-23\nTitel: Bescheid\nErsetzt: –\nEmpfänger: Erika Mustermann | Hauptstraße 12a\n\nZeile mit Leerzeichen am Ende\nund Umlaut ü\n');
    assert.equal(fingerprint(text), createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'));
  });
});

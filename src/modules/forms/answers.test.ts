import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findIncompleteSteps, normalizeIban, parseStep, resolveDateBound, searchText, toRawInput, visibleSteps } from './answers.js';
import { formDefinition, type StepDefinition } from './form-definition.js';

const form = formDefinition.parse({
  declaration: { de: 'Ich versichere die Richtigkeit.' },
  applicantEmail: 'person.email',
  steps: [
    {
      id: 'person',
      title: { de: 'Person' },
      fields: [
        { id: 'name', type: 'text', label: { de: 'Name' }, maxLength: 10 },
        { id: 'geburt', type: 'date', label: { de: 'Geburtsdatum' }, notAfter: 'today-18y' },
        { id: 'plz', type: 'postcode', label: { de: 'PLZ' } },
        { id: 'email', type: 'email', label: { de: 'E-Mail' } },
        { id: 'telefon', type: 'phone', label: { de: 'Telefon' }, required: false },
        { id: 'iban', type: 'iban', label: { de: 'IBAN' }, required: false },
        { id: 'kinder', type: 'number', label: { de: 'Kinder' }, min: 0, max: 20, required: false },
        { id: 'art', type: 'radio', label: { de: 'Art' }, options: [{ value: 'a', label: { de: 'A' } }, { value: 'b', label: { de: 'B' } }] },
        { id: 'details', type: 'text', label: { de: 'Details zu B' }, when: { field: 'person.art', equals: 'b' } },
      ],
    },
    { id: 'extra', title: { de: 'Nur für B' }, when: { field: 'person.art', equals: 'b' }, fields: [{ id: 'x', type: 'yesno', label: { de: 'X?' } }] },
  ],
});
const step = form.steps[0] as StepDefinition;
const context = { answers: {}, files: {}, lang: 'de' as const, today: '2026-11-22' };
const valid = { name: 'Alex', geburt: '01.02.1990', plz: '12345', email: 'a@example.org', art: 'a' };

describe('answers', () => {
  it('normalises valid input: German dates to ISO, IBAN without spaces, numbers as numbers', () => {
    const parsed = parseStep(step, { ...valid, iban: 'de02 1203 0000 0000 2020 51', kinder: '2' }, context);
    assert.deepEqual(parsed.errors, {});
    assert.equal(parsed.answers.geburt, '1990-02-01');
    assert.equal(parsed.answers.iban, 'DE02120300000000202051');
    assert.equal(parsed.answers.kinder, 2);
  });

  it('rejects impossible dates, date bounds, bad postcodes, e-mails, phones, IBAN checksums and options', () => {
    const parsed = parseStep(step, { name: 'Alexander der Große', geburt: '31.02.1990', plz: '1234', email: 'a@b', telefon: '12', iban: 'DE02120300000000202052', kinder: '-1', art: 'c' }, context);
    assert.deepEqual(Object.keys(parsed.errors).sort(), ['art', 'email', 'geburt', 'iban', 'kinder', 'name', 'plz', 'telefon']);
    assert.match(parsed.errors.geburt!, /gültiges Datum/);
    const tooYoung = parseStep(step, { ...valid, geburt: '2010-01-01' }, context);
    assert.match(tooYoung.errors.geburt!, /nicht nach dem 22\.11\.2008/);
  });

  it('requires a conditional field only when its condition holds, and drops it otherwise', () => {
    assert.deepEqual(parseStep(step, { ...valid, details: 'ignored' }, context).answers.details, undefined);
    assert.ok(parseStep(step, { ...valid, art: 'b' }, context).errors.details);
  });

  it('shows steps by condition and reports the incomplete ones', () => {
    const a = { person: parseStep(step, valid, context).answers };
    assert.deepEqual(visibleSteps(form, a).map((s) => s.id), ['person']);
    assert.deepEqual(findIncompleteSteps(form, a, 'de', '2026-11-22'), []);
    const b = { person: parseStep(step, { ...valid, art: 'b', details: 'd' }, context).answers };
    assert.deepEqual(findIncompleteSteps(form, b, 'de', '2026-11-22'), ['extra']);
  });

  it('round-trips stored answers back into form input', () => {
    const answers = parseStep(step, { ...valid, kinder: '3' }, context).answers;
    assert.deepEqual(parseStep(step, toRawInput(step, answers), context).answers, answers);
  });

  it('checks IBANs by country length and mod 97', () => {
    assert.equal(normalizeIban('GB82 WEST 1234 5698 7654 32'), 'GB82WEST12345698765432');
    assert.equal(normalizeIban('DE02 1203 0000 0000 2020 5'), null);
    assert.equal(normalizeIban('XX00123'), null);
  });

  it('resolves relative date bounds across month ends', () => {
    assert.equal(resolveDateBound('today-18y', '2026-11-22'), '2008-11-22');
    assert.equal(resolveDateBound('today+90d', '2026-11-22'), '2027-02-20');
    assert.equal(resolveDateBound('2020-01-01', '2026-11-22'), '2020-01-01');
    assert.equal(resolveDateBound('zeit.von+1y', '2026-11-22', { zeit: { von: '2027-02-01' } }), '2028-02-01');
    assert.equal(resolveDateBound('zeit.von', '2026-11-22', {}), undefined, 'no start given: nothing to compare with');
  });

  it('keeps an end date between its start and a year after it, and says so in German', () => {
    const period = formDefinition.parse({
      declaration: { de: 'x' },
      steps: [{ id: 'zeit', title: { de: 'Zeitraum' }, fields: [
        { id: 'von', type: 'date', label: { de: 'Beginn' }, notBefore: 'today' },
        { id: 'bis', type: 'date', label: { de: 'Ende' }, notBefore: 'zeit.von', notAfter: 'zeit.von+1y' },
      ] }],
    }).steps[0]!;
    assert.deepEqual(parseStep(period, { von: '01.12.2026', bis: '01.12.2026' }, context).errors, {});
    assert.equal(parseStep(period, { von: '10.12.2026', bis: '09.12.2026' }, context).errors.bis, 'Ende darf nicht vor dem 10.12.2026 liegen');
    assert.equal(parseStep(period, { von: '10.12.2026', bis: '11.12.2027' }, context).errors.bis, 'Ende darf nicht nach dem 10.12.2027 liegen');
    // An invalid start is its own error; the end is not compared with it.
    assert.deepEqual(Object.keys(parseStep(period, { von: '31.02.2027', bis: '01.01.2027' }, context).errors), ['von']);
  });

  it('refuses a date bound naming a field that is no date or comes later', () => {
    const fields = (bound: string) => formDefinition.safeParse({ declaration: { de: 'x' }, steps: [{ id: 's', title: { de: 's' }, fields: [
      { id: 'name', type: 'text', label: { de: 'Name' } },
      { id: 'bis', type: 'date', label: { de: 'Bis' }, notBefore: bound },
      { id: 'von', type: 'date', label: { de: 'Von' } },
    ] }] });
    assert.equal(fields('s.name').success, false);
    assert.equal(fields('s.von').success, false);
    assert.equal(fields('s.nope+1d').success, false);
    assert.equal(fields('today+1d').success, true);
  });

  it('refuses definitions whose conditions point at unknown fields', () => {
    const result = formDefinition.safeParse({ declaration: { de: 'x' }, steps: [{ id: 's', title: { de: 's' }, when: { field: 's.nope', equals: 'x' }, fields: [{ id: 'a', type: 'text', label: { de: 'a' } }] }] });
    assert.equal(result.success, false);
  });
});

describe('searchText', () => {
  const withText = formDefinition.parse({
    declaration: { de: 'x' },
    steps: [{ id: 's', title: { de: 'S' }, fields: [
      { id: 'art', type: 'radio', label: { de: 'Art' }, options: [{ value: 'laerm', label: { de: 'Lärmbelästigung' } }] },
      { id: 'text', type: 'textarea', label: { de: 'Nachricht' }, maxLength: 5000 },
      { id: 'foto', type: 'file', label: { de: 'Foto' }, required: false },
      { id: 'antwort', type: 'yesno', label: { de: 'Antwort?' } },
    ] }],
  });

  it('takes the shown answers as displayed, cuts long texts and leaves out file names', () => {
    const text = searchText(withText, { s: { art: 'laerm', text: `Baustelle ${'sehr laut '.repeat(100)}Schlusswort`, foto: [{ id: 'f', filename: 'geheim.jpg', mediaType: 'image/jpeg', size: 1 }], antwort: true } });
    assert.match(text, /Lärmbelästigung/);
    assert.match(text, /^Baustelle/m);
    assert.doesNotMatch(text, /Schlusswort/, 'a long text is indexed from its start only');
    assert.doesNotMatch(text, /geheim/);
    assert.ok(text.length < 600, `${text.length} characters`);
  });
});

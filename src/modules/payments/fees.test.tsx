import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { serviceDefinition, type ServiceDefinition } from '../catalog/service-definition.js';
import { loadServices } from '../catalog/service-registry.js';
import type { Answers } from '../forms/answers.js';
import { renderToString } from 'preact-render-to-string';
import { assessFees, feeRule, type FeeRule } from './fees.js';
import { FeeBreakdown } from './views/fee-breakdown.js';

const label = (de: string) => ({ de });
const rule = (input: unknown): FeeRule => feeRule.parse(input);

describe('fee rules', () => {
  it('charges a fixed fee whatever the answers, and reads a rule without kind as fixed', () => {
    const fixed = rule({ label: label('Gebühr'), amountCents: 1000 });
    assert.equal(fixed.kind, 'fixed');
    assert.deepEqual(assessFees([fixed], {}), { lines: [{ label: label('Gebühr'), quantity: 1, unitCents: 1000, amountCents: 1000, variable: false }], totalCents: 1000, unresolved: [] });
  });

  it('refuses amounts that are not whole cents', () => {
    assert.equal(feeRule.safeParse({ label: label('Gebühr'), amountCents: 10.5 }).success, false);
    assert.equal(feeRule.safeParse({ label: label('Gebühr'), amountCents: -1 }).success, false);
    assert.equal(feeRule.safeParse({ label: label('Gebühr'), amountCents: '1000' }).success, false);
  });

  describe('per item beyond the free ones', () => {
    const perItem = rule({ kind: 'perItem', label: label('je Gegenstand ab dem dritten'), amountCents: 1500, group: 'gegenstaende.teile', freeItems: 2 });
    const withQuantity = rule({ ...perItem, quantityField: 'anzahl' });
    const items = (...counts: number[]): Answers => ({ gegenstaende: { teile: counts.map((anzahl) => ({ art: 'sofa', anzahl })) } });

    it('charges each item after the free ones', () => {
      const fees = assessFees([perItem], items(1, 1, 1, 1));
      assert.equal(fees.totalCents, 3000);
      assert.deepEqual(fees.lines.map((l) => [l.quantity, l.unitCents, l.amountCents]), [[2, 1500, 3000]]);
    });

    it('charges nothing (but shows the line) while the items stay within the free ones', () => {
      const fees = assessFees([perItem], items(1, 1));
      assert.equal(fees.totalCents, 0);
      assert.equal(fees.lines[0]!.quantity, 0);
    });

    it('counts the quantity field of each item when the rule names one', () => {
      assert.equal(assessFees([withQuantity], items(3, 2)).totalCents, 3 * 1500);
    });

    it('counts no items when the group was not answered (its step not shown)', () => {
      assert.deepEqual(assessFees([perItem], {}).unresolved, []);
      assert.equal(assessFees([perItem], {}).totalCents, 0);
    });

    it('leaves the fee unresolved for answers of the wrong shape, never guessing', () => {
      for (const bad of [
        { gegenstaende: { teile: 'drei' } },
        { gegenstaende: { teile: [['sofa']] } },
        { gegenstaende: { teile: [{ anzahl: 1.5 }] } },
        { gegenstaende: { teile: [{ anzahl: -2 }] } },
        { gegenstaende: { teile: [{ art: 'sofa' }] } },
      ] as unknown as Answers[]) {
        const fees = assessFees([withQuantity], bad);
        assert.deepEqual(fees.unresolved, [withQuantity.label], JSON.stringify(bad));
        assert.equal(fees.totalCents, 0);
      }
    });
  });

  describe('per unit computed from answers', () => {
    const perSquareMetreAndDay = rule({
      kind: 'perUnit', label: label('je m² und Tag'), amountCents: 25,
      units: [{ field: 'ort.groesse' }, { daysFrom: 'zeitraum.von', daysTo: 'zeitraum.bis' }],
    });
    const answers = (groesse: unknown, von: unknown, bis: unknown) => ({ ort: { groesse }, zeitraum: { von, bis } }) as Answers;

    it('multiplies whole square metres (a started one counts) by the days, both ends included', () => {
      const fees = assessFees([perSquareMetreAndDay], answers(7.2, '2026-03-30', '2026-04-02'));
      assert.deepEqual(fees.lines.map((l) => [l.quantity, l.amountCents]), [[8 * 4, 8 * 4 * 25]]);
      assert.equal(fees.totalCents, 800);
      assert.ok(Number.isInteger(fees.totalCents));
    });

    it('counts days across the change to summer time as calendar days', () => {
      assert.equal(assessFees([perSquareMetreAndDay], answers(1, '2026-03-28', '2026-03-30')).totalCents, 3 * 25);
    });

    it('adds fixed and computed fees to one total', () => {
      const fees = assessFees([rule({ label: label('Verwaltungsgebühr'), amountCents: 3000 }), perSquareMetreAndDay], answers(2, '2026-05-01', '2026-05-01'));
      assert.equal(fees.totalCents, 3000 + 50);
      assert.equal(fees.lines.length, 2);
    });

    it('leaves the fee unresolved when an answer is missing, not a number, or the end lies before the start', () => {
      for (const [groesse, von, bis] of [
        [undefined, '2026-05-01', '2026-05-02'],
        ['8', '2026-05-01', '2026-05-02'],
        [0, '2026-05-01', '2026-05-02'],
        [Number.NaN, '2026-05-01', '2026-05-02'],
        [8, '2026-05-03', '2026-05-02'],
        [8, 'morgen', '2026-05-02'],
        [8, '2026-05-01', undefined],
      ]) {
        const fees = assessFees([perSquareMetreAndDay], answers(groesse, von, bis));
        assert.deepEqual(fees.unresolved, [perSquareMetreAndDay.label], String([groesse, von, bis]));
        assert.deepEqual(fees.lines, []);
      }
    });

    it('leaves a fee unresolved rather than lose precision on an absurd amount', () => {
      const huge = rule({ ...perSquareMetreAndDay, amountCents: 99_999_999 });
      const fees = assessFees([huge], answers(1e12, '2026-01-01', '2026-12-31'));
      assert.deepEqual(fees.unresolved, [huge.label]);
    });
  });

  describe('in a service definition', () => {
    let services: Map<string, { definition: ServiceDefinition }>;
    before(async () => {
      services = await loadServices();
    });
    const withFees = (id: string, fees: unknown[], payment?: unknown) => {
      const { definition } = services.get(id)!;
      return serviceDefinition.safeParse({ ...definition, fees, ...(payment ? { payment } : {}) });
    };
    const accounting = { kostenstelle: '1100', sachkonto: '431100', haushaltsstelle: '1.1100.431100' };

    it('accepts rules that name fields of the right type', () => {
      const parsed = withFees('sperrmuell-anmeldung', [{ kind: 'perItem', label: label('je Gegenstand'), amountCents: 500, group: 'gegenstaende.teile', quantityField: 'anzahl', freeItems: 5 }]);
      assert.equal(parsed.success, true, JSON.stringify(parsed.error?.issues));
      const unit = withFees('sondernutzung', [{ kind: 'perUnit', label: label('je m² und Tag'), amountCents: 25, units: [{ field: 'ort.groesse' }, { daysFrom: 'zeitraum.von', daysTo: 'zeitraum.bis' }] }]);
      assert.equal(unit.success, true, JSON.stringify(unit.error?.issues));
    });

    it('refuses rules naming unknown fields or fields of the wrong type', () => {
      const messages = (result: ReturnType<typeof withFees>) => result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
      assert.deepEqual(messages(withFees('sperrmuell-anmeldung', [{ kind: 'perItem', label: label('x'), amountCents: 1, group: 'kontakt.name' }])), ['fees.0.group: kontakt.name is no group field of the form']);
      assert.deepEqual(messages(withFees('sperrmuell-anmeldung', [{ kind: 'perItem', label: label('x'), amountCents: 1, group: 'gegenstaende.teile', quantityField: 'art' }])), ['fees.0.quantityField: art is no number field of gegenstaende.teile']);
      assert.deepEqual(messages(withFees('sondernutzung', [{ kind: 'perUnit', label: label('x'), amountCents: 1, units: [{ field: 'zeitraum.von' }, { daysFrom: 'ort.groesse', daysTo: 'zeitraum.bis' }] }])), [
        'fees.0.units.0.field: zeitraum.von is no number field of the form',
        'fees.0.units.1.daysFrom: ort.groesse is no date field of the form',
      ]);
    });

    it('refuses a fee paid before handling that depends on an answer not given on every application', () => {
      const area = [{ kind: 'perUnit', label: label('je m²'), amountCents: 100, units: [{ field: 'ort.groesse' }] }];
      assert.equal(withFees('sondernutzung', area, { mode: 'after', accounting }).success, true);
      assert.equal(withFees('sondernutzung', area, { mode: 'before', accounting }).success, true, 'the size is required and always asked');
      // Asked only when the home is rented.
      const conditional = withFees('wohngeld', [{ kind: 'perUnit', label: label('x'), amountCents: 1, units: [{ field: 'wohnung.miete' }] }], { mode: 'before', accounting });
      assert.deepEqual(conditional.error?.issues.map((i) => i.message), ['wohnung.miete is not answered on every application, so a fee paid before handling cannot depend on it']);
      assert.equal(withFees('wohngeld', [{ kind: 'perUnit', label: label('x'), amountCents: 1, units: [{ field: 'wohnung.miete' }] }], { mode: 'after', accounting }).success, true);
    });

    it('takes a payment mode and account assignment only with fees, and paying before only with a form', () => {
      assert.equal(withFees('sondernutzung', [{ label: label('x'), amountCents: 100 }], { mode: 'after', accounting }).success, true);
      assert.equal(withFees('sondernutzung', [], { mode: 'after', accounting }).success, false);
      assert.equal(withFees('sondernutzung', [{ label: label('x'), amountCents: 100 }], { mode: 'sometimes', accounting }).success, false);
      assert.equal(withFees('sondernutzung', [{ label: label('x'), amountCents: 100 }], { mode: 'after', accounting: { ...accounting, sachkonto: '=1+1' } }).success, false);
      const { definition } = services.get('personalausweis')!;
      assert.equal(definition.form, undefined);
      assert.equal(serviceDefinition.safeParse({ ...definition, fees: [{ label: label('x'), amountCents: 100 }], payment: { mode: 'before', accounting } }).success, false);
    });
  });

  it('shows the breakdown, the unresolved fees, the total and when it is paid', () => {
    const fees = assessFees([
      rule({ label: label('Verwaltungsgebühr'), amountCents: 3000 }),
      rule({ kind: 'perItem', label: label('je Gegenstand ab dem dritten'), amountCents: 1500, group: 'gegenstaende.teile', freeItems: 2 }),
      rule({ kind: 'perUnit', label: label('je m²'), amountCents: 100, units: [{ field: 'ort.groesse' }] }),
    ], { gegenstaende: { teile: [{}, {}, {}, {}, {}] } });
    const html = renderToString(<FeeBreakdown lang="de" fees={fees} payment={{ mode: 'before' }} />)
      .replace(/&nbsp;|\u00a0/g, ' ');
    assert.match(html, /Verwaltungsgebühr.*30,00 €/s);
    assert.match(html, /je Gegenstand ab dem dritten.*3 × 15,00 € = 45,00 €/s);
    assert.match(html, /je m².*wird nach Prüfung festgesetzt/s);
    assert.match(html, /Summe.*75,00 €/s);
    assert.match(html, /gleich nach dem Absenden online/);
  });
});

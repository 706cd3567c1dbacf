import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessDogTax, dogTaxValues } from './dog-tax.js';

const tariff = { firstDog: 9600, furtherDog: 15600, dangerousDog: 60000 };

describe('dog tax', () => {
  it('starts with the month after the dog was taken in and charges twelfths for the first year', () => {
    const a = assessDogTax(tariff, { dangerous: false, furtherDog: false, keptSince: '2026-03-15' });
    assert.equal(a.rate, 'firstDog');
    assert.equal(a.yearly, 9600);
    assert.deepEqual(a.firstPeriod, { from: '2026-04-01', to: '2026-12-31', months: 9, amount: 7200 });
  });

  it('moves a dog taken in in December to the next year', () => {
    assert.deepEqual(assessDogTax(tariff, { dangerous: false, furtherDog: false, keptSince: '2026-12-01' }).firstPeriod, { from: '2027-01-01', to: '2027-12-31', months: 12, amount: 9600 });
  });

  it('taxes a dangerous dog at its own rate even when it is a further dog, rounding to the cent', () => {
    const a = assessDogTax({ ...tariff, dangerousDog: 60001 }, { dangerous: true, furtherDog: true, keptSince: '2026-06-30' });
    assert.equal(a.rate, 'dangerousDog');
    assert.equal(a.firstPeriod.months, 6);
    assert.equal(a.firstPeriod.amount, 30001); // 60001 × 6 / 12 = 30000.5 → 30001
    assert.equal(assessDogTax(tariff, { dangerous: false, furtherDog: true, keptSince: '2026-01-10' }).rate, 'furtherDog');
  });

  it('formats the values a letter shows', () => {
    const values = dogTaxValues(assessDogTax(tariff, { dangerous: false, furtherDog: false, keptSince: '2026-03-15' }), 'de');
    assert.equal(values.jahresbetrag, '96,00\u00a0€');
    assert.equal(values.betragErstesJahr, '72,00\u00a0€');
    assert.equal(values.zeitraum, '01.04.2026 – 31.12.2026');
    assert.equal(values.steuersatz, 'Ersthund');
  });
});

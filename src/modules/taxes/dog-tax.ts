import { formatEuro, formatIsoDate, type Lang } from '../../platform/i18n/i18n.js';

/** A town's dog tax per year in cents (from its Hundesteuersatzung). */
export interface DogTaxTariff {
  firstDog: number;
  furtherDog: number;
  dangerousDog: number;
}

/** The tax for one dog: the yearly amount and what falls due for the rest of the first calendar year. */
export interface DogTaxAssessment {
  rate: keyof DogTaxTariff;
  yearly: number;
  firstPeriod: { from: string; to: string; months: number; amount: number };
}

/**
 * Assesses the dog tax. Liability begins on the first day of the month after the dog was taken in
 * (the rule of the NRW model statutes); for the first calendar year a twelfth of the yearly amount
 * is due per month, rounded to the cent. A dangerous (listed) dog is taxed at its own rate whether
 * or not it is the first dog.
 */
export function assessDogTax(tariff: DogTaxTariff, dog: { dangerous: boolean; furtherDog: boolean; keptSince: string }): DogTaxAssessment {
  const rate = dog.dangerous ? 'dangerousDog' : dog.furtherDog ? 'furtherDog' : 'firstDog';
  const yearly = tariff[rate];
  const [year, month] = dog.keptSince.split('-').map(Number) as [number, number];
  const start = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const months = 13 - start.month;
  return {
    rate,
    yearly,
    firstPeriod: {
      from: `${start.year}-${String(start.month).padStart(2, '0')}-01`,
      to: `${start.year}-12-31`,
      months,
      amount: Math.round((yearly * months) / 12),
    },
  };
}

const rateNames: Record<Lang, Record<keyof DogTaxTariff, string>> = {
  de: { firstDog: 'Ersthund', furtherDog: 'Zweit- oder weiterer Hund', dangerousDog: 'gefährlicher Hund' },
  en: { firstDog: 'first dog', furtherDog: 'second or further dog', dangerousDog: 'dangerous dog' },
};

/** The assessment as the values a letter or a page shows (amounts and dates formatted). */
export function dogTaxValues(assessment: DogTaxAssessment, lang: Lang): Record<string, string> {
  return {
    steuersatz: rateNames[lang][assessment.rate],
    jahresbetrag: formatEuro(assessment.yearly, lang),
    beginn: formatIsoDate(assessment.firstPeriod.from),
    zeitraum: `${formatIsoDate(assessment.firstPeriod.from)} – ${formatIsoDate(assessment.firstPeriod.to)}`,
    monate: String(assessment.firstPeriod.months),
    betragErstesJahr: formatEuro(assessment.firstPeriod.amount, lang),
  };
}

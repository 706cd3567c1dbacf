import { berlinMidnight, formatDate, formatEuro, parseDay, type Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import type { LetterValueDefinition } from './letter-template.js';
import { t } from './letters.i18n.js';

/** The form input name of a template value. */
export function valueInputName(name: string): string {
  return `wert.${name}`;
}

const maxLength = { text: 300, multiline: 5000 };

/** Reads "120", "120,5", "1.234,56" or "120,00 €" as cents; null when it is no amount. */
export function parseEuroCents(input: string): number | null {
  const s = input.replace(/\s*€$/, '').trim();
  if (!/^(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$/.test(s)) return null;
  const [whole, fraction = ''] = s.replace(/\./g, '').split(',');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return cents <= 100_000_000_00 ? cents : null;
}

/**
 * The values a template asks for, read from posted input (strings as typed) and checked by type:
 * `values` holds what is printed (a money value as "120,00 €", a date as "01.12.2026"), `raw` what
 * was typed (to show again), `errors` what could not be read. An empty value is simply absent:
 * its placeholder stays open, which the preview shows and issuing refuses.
 */
export function readLetterValues(definitions: LetterValueDefinition[], input: Record<string, unknown>, lang: Lang): { values: Record<string, string>; raw: Record<string, string>; errors: FieldErrors } {
  const values: Record<string, string> = {};
  const raw: Record<string, string> = {};
  const errors: FieldErrors = {};
  for (const d of definitions) {
    const name = valueInputName(d.name);
    const typed = typeof input[name] === 'string' ? (input[name] as string).replace(/\r\n/g, '\n') : '';
    raw[name] = typed;
    const value = typed.trim();
    if (value === '') continue;
    switch (d.type) {
      case 'money': {
        const cents = parseEuroCents(value);
        if (cents === null) errors[name] = t(lang, 'invalidMoney');
        else values[d.name] = formatEuro(cents, 'de');
        break;
      }
      case 'date': {
        const day = parseDay(value);
        if (day === null) errors[name] = t(lang, 'invalidDate');
        else values[d.name] = formatDate(berlinMidnight(day), 'de');
        break;
      }
      default:
        if (value.length > maxLength[d.type] || (d.type === 'text' && value.includes('\n'))) errors[name] = t(lang, 'valueTooLong', { max: maxLength[d.type] });
        else values[d.name] = value;
    }
  }
  return { values, raw, errors };
}

/** The portal's languages; German is the default and the authoritative text. */
export const languages = ['de', 'en'] as const;
export type Lang = (typeof languages)[number];

/** Text in both languages, English optional (falls back to German). */
export type Localized = { de: string; en?: string };

/** Picks the text for the language, falling back to German. */
export function localize(text: Localized, lang: Lang): string {
  return (lang === 'en' ? text.en : undefined) ?? text.de;
}

type Params = Record<string, string | number>;

/**
 * Declares a module's messages; English must have every German key, so a missing translation is a
 * type error rather than a blank on the page.
 */
export function defineMessages<K extends string>(messages: { de: Record<K, string>; en: Record<K, string> }) {
  return (lang: Lang, key: K, params?: Params): string => {
    const template = messages[lang][key];
    return params ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`)) : template;
  };
}

// Intl formatters with a time zone cost ~50 µs and ICU memory outside the JS heap to build;
// they are built once per language and reused.
const euro = { de: new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }), en: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }) };
const dates = {
  de: new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', dateStyle: 'medium' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'medium' }),
};
const dateTimes = {
  de: new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', dateStyle: 'medium', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'medium', timeStyle: 'short' }),
};
const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' });
const berlinHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: 'numeric', hourCycle: 'h23' });

/** Formats integer cents as a German or English euro amount. */
export function formatEuro(cents: number, lang: Lang): string {
  return euro[lang].format(cents / 100);
}

/** Formats an instant as a date (and optionally time) in Europe/Berlin. */
export function formatDate(date: Date, lang: Lang, withTime = false): string {
  return (withTime ? dateTimes : dates)[lang].format(date);
}

// The last minute asked for and its day: Berlin's day changes only on a full minute (its offsets
// are whole hours), and the time zone formatter is slow for something every form step asks.
let lastMinute = Number.NaN;
let lastDay = '';

/** The calendar day of an instant in Europe/Berlin as YYYY-MM-DD. */
export function berlinDay(date: Date): string {
  const minute = Math.floor(date.getTime() / 60_000);
  if (minute !== lastMinute) {
    lastDay = isoDay.format(date);
    lastMinute = minute;
  }
  return lastDay;
}

/** A calendar day typed as YYYY-MM-DD or TT.MM.JJJJ, as YYYY-MM-DD; null when it is no real day. */
export function parseDay(input: string): string | null {
  let y: number, mo: number, d: number;
  let m = input.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = input.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || y > 2200 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/** The instant a day (YYYY-MM-DD) begins in Europe/Berlin. */
export function berlinMidnight(day: string): Date {
  // At 00:00 UTC it is 01:00 or 02:00 in Berlin, never across a clock change (those happen at 02:00/03:00).
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  return new Date(utcMidnight - Number(berlinHour.format(utcMidnight)) * 3_600_000);
}

/** Formats an ISO date the German way (27.03.2024). */
export function formatIsoDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

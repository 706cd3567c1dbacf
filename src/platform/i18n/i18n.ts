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

/** Formats integer cents as a German or English euro amount. */
export function formatEuro(cents: number, lang: Lang): string {
  return euro[lang].format(cents / 100);
}

/** Formats an instant as a date (and optionally time) in Europe/Berlin. */
export function formatDate(date: Date, lang: Lang, withTime = false): string {
  return (withTime ? dateTimes : dates)[lang].format(date);
}

/** The calendar day of an instant in Europe/Berlin as YYYY-MM-DD. */
export function berlinDay(date: Date): string {
  return isoDay.format(date);
}

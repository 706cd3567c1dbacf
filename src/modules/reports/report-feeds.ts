import { z } from 'zod';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import { escapeXml } from './open311.js';
import { approximate, reportsPath, type PublicReport } from './report.js';
import type { BoundingBox } from './reports.repository.js';
import { t as reportText } from './reports.i18n.js';
import { t } from './report-map.i18n.js';

/** Where the Atom feed of the public reports lives; `?kategorie=` and `?bbox=` narrow it. */
export const reportFeedPath = `${reportsPath}/feed.atom`;
/** Entries per feed: the newest reports; a feed reader polls, it does not page back. */
export const feedEntries = 50;

/** The feed's path, of one category if given. */
export function feedHref(categoryCode?: string): string {
  return categoryCode ? `${reportFeedPath}?kategorie=${encodeURIComponent(categoryCode)}` : reportFeedPath;
}

const degree = String.raw`-?\d{1,3}(\.\d{1,8})?`;
const feedQuery = z.strictObject({
  kategorie: z.string().regex(/^[a-z0-9-]{2,40}$/).optional(),
  // As in Open311's extension and GeoJSON: min_long,min_lat,max_long,max_lat.
  bbox: z.string().max(100).regex(new RegExp(`^${degree},${degree},${degree},${degree}$`))
    .transform((s) => s.split(',').map(Number) as [number, number, number, number])
    .refine(([minLon, minLat, maxLon, maxLat]) => minLon <= maxLon && minLat <= maxLat && Math.abs(minLat) <= 90 && Math.abs(maxLat) <= 90 && Math.abs(minLon) <= 180 && Math.abs(maxLon) <= 180)
    .transform(([minLon, minLat, maxLon, maxLat]): BoundingBox => ({ minLon, minLat, maxLon, maxLat }))
    .optional(),
});

const problemTexts = {
  de: 'Der Feed kennt nur „kategorie“ (ein Kategorie-Code) und „bbox“ (min_Länge,min_Breite,max_Länge,max_Breite in Dezimalgrad, Minimum nicht über dem Maximum).',
  en: 'The feed knows only "kategorie" (a category code) and "bbox" (min_long,min_lat,max_long,max_lat in decimal degrees, minimum not above maximum).',
};

/** Reads a feed's query; a wrong one yields the text to answer with (400). */
export function parseFeedQuery(query: unknown, lang: Lang): { ok: true; code?: string; box?: BoundingBox } | { ok: false; problem: string } {
  const parsed = feedQuery.safeParse(query ?? {});
  return parsed.success ? { ok: true, code: parsed.data.kategorie, box: parsed.data.bbox } : { ok: false, problem: problemTexts[lang] };
}

/**
 * An Atom feed (RFC 4287) of public reports: only what the public pages show (category, status,
 * approximate place, released description, public comment), each entry linking to its page.
 */
export function renderAtomFeed(feed: { title: string; selfUrl: string; listUrl: string; townName: string; lang: Lang; reports: PublicReport[]; urlOf: (path: string) => string }): string {
  const { lang } = feed;
  const updated = feed.reports.reduce((latest, r) => (r.updatedAt > latest ? r.updatedAt : latest), new Date(0));
  const element = (name: string, text: string, attributes = '') => `<${name}${attributes}>${escapeXml(text)}</${name}>`;
  const entries = feed.reports.map((r) => {
    const status = reportText(lang, `status_${r.status}`);
    const category = localize(r.category.name, lang);
    const place = r.locationLabel ? reportText(lang, 'nearStreet', { street: r.locationLabel }) : `${approximate(r.lat)}, ${approximate(r.lon)}`;
    const summary = [place, r.publicDescription, r.publicComment].filter(Boolean).join('\n\n');
    return [
      '<entry>',
      element('id', `urn:uuid:${r.id}`),
      element('title', t(lang, 'feedEntry', { category, status })),
      `<link rel="alternate" type="text/html" href="${escapeXml(feed.urlOf(`${reportsPath}/${r.id}`))}"/>`,
      element('published', r.createdAt.toISOString()),
      element('updated', r.updatedAt.toISOString()),
      `<category term="${escapeXml(r.category.code)}" label="${escapeXml(category)}"/>`,
      element('summary', summary, ' type="text"'),
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">`,
    element('id', feed.selfUrl),
    element('title', feed.title),
    element('updated', (feed.reports.length > 0 ? updated : new Date(0)).toISOString()),
    `<link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfUrl)}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(feed.listUrl)}"/>`,
    `<author>${element('name', feed.townName)}</author>`,
    ...entries,
    '</feed>',
  ].join('\n');
}

import { berlinMidnight, formatDate, type Lang } from '../../platform/i18n/i18n.js';
import { t } from './letters.i18n.js';

/** The text of a "document" entry in a case's history (issued, posted), for the case page's timeline. */
export function describeDocumentEvent(lang: Lang, details: Record<string, unknown>): string {
  const number = String(details.number ?? '');
  return details.action === 'posted'
    ? t(lang, 'eventPosted', { number, date: formatDate(berlinMidnight(String(details.postedOn)), lang) })
    : t(lang, 'eventIssued', { number });
}

import { berlinMidnight, parseDay, type Lang } from '../../platform/i18n/i18n.js';
import { caseStatuses, type CaseStatus } from './case.js';
import { inboxSorts, inboxViews, type InboxFilter, type InboxSort, type InboxView } from './cases.repository.js';
import { t } from './cases.i18n.js';

/** The inbox query as typed (for the form) and as understood (for the database), with errors by field. */
export interface ParsedInboxQuery {
  values: Record<'ansicht' | 'suche' | 'leistung' | 'status' | 'bearbeitung' | 'von' | 'bis' | 'sortierung', string>;
  filter: InboxFilter;
  errors: Record<string, string>;
}

/**
 * Reads the inbox's filter form. A value that cannot be understood is reported next to its field
 * and does not filter; the rest still applies.
 */
export function parseInboxQuery(query: Record<string, string | undefined>, lang: Lang, known: { serviceIds: string[]; staffIds: string[]; selfId: string }): ParsedInboxQuery {
  const value = (name: string, max = 200) => (typeof query[name] === 'string' ? query[name]!.trim().slice(0, max) : '');
  const values = {
    ansicht: value('ansicht'), suche: value('suche'), leistung: value('leistung'), status: value('status'),
    bearbeitung: value('bearbeitung'), von: value('von'), bis: value('bis'), sortierung: value('sortierung'),
  };
  const errors: Record<string, string> = {};
  const filter: InboxFilter = {
    view: inboxViews.includes(values.ansicht as InboxView) ? (values.ansicht as InboxView) : 'team',
    sort: inboxSorts.includes(values.sortierung as InboxSort) ? (values.sortierung as InboxSort) : 'neueste',
  };
  if (values.suche) filter.q = values.suche;
  if (values.leistung) {
    if (known.serviceIds.includes(values.leistung)) filter.serviceId = values.leistung;
    else errors.leistung = t(lang, 'filterUnknownService');
  }
  if (values.status) {
    if (caseStatuses.includes(values.status as CaseStatus)) filter.status = values.status;
    else errors.status = t(lang, 'filterUnknownStatus');
  }
  if (values.bearbeitung) {
    const who = values.bearbeitung === 'ich' ? known.selfId : values.bearbeitung === 'niemand' ? 'none' : values.bearbeitung;
    if (who === 'none' || known.staffIds.includes(who)) filter.assigneeId = who;
    else errors.bearbeitung = t(lang, 'filterUnknownStaff');
  }
  for (const [field, key] of [['von', 'receivedFrom'], ['bis', 'receivedBefore']] as const) {
    if (!values[field]) continue;
    const day = parseDay(values[field]);
    if (!day) errors[field] = t(lang, 'filterBadDate');
    // "bis" includes the whole day: the filter ends where the next day begins.
    else filter[key] = berlinMidnight(field === 'von' ? day : nextDay(day));
  }
  if (filter.receivedFrom && filter.receivedBefore && filter.receivedBefore <= filter.receivedFrom) errors.bis = t(lang, 'filterDateOrder');
  return { values, filter, errors };
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

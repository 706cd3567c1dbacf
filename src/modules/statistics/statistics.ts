import { berlinDay, berlinMidnight, formatIsoDate, parseDay, type Lang } from '../../platform/i18n/i18n.js';
import type { CaseStatus } from '../cases/index.js';
import { t } from './statistics.i18n.js';

/** Figures of one service, or of all services when `serviceId` is null. No personal data. */
export interface CaseFigures {
  serviceId: string | null;
  total: number;
  byStatus: Record<CaseStatus, number>;
  /** Received online (portal or API), as opposed to entered by staff from paper or at the counter. */
  online: number;
  /** Open now and past their deadline. */
  overdue: number;
  /** Decided or closed with a decision: the cases the median is taken over. */
  decided: number;
  /** Median days from receipt to decision; null without decided cases. */
  medianProcessingDays: number | null;
}

/** The period as typed (for the form) and as understood: [from, to) in Europe/Berlin. */
export interface ParsedPeriod {
  values: { von: string; bis: string };
  period?: { from: Date; to: Date };
  errors: Record<string, string>;
}

/**
 * Reads "von" and "bis" (TT.MM.JJJJ, both days included). Without them the period is this year up
 * to today. A day that cannot be read, or an end before the start, is reported next to its field.
 */
export function parsePeriod(query: Record<string, string | undefined>, lang: Lang, now = new Date()): ParsedPeriod {
  const today = berlinDay(now);
  const typed = (name: string) => (typeof query[name] === 'string' ? query[name]!.trim().slice(0, 40) : '');
  const values = { von: typed('von') || formatIsoDate(`${today.slice(0, 4)}-01-01`), bis: typed('bis') || formatIsoDate(today) };
  const errors: Record<string, string> = {};
  const from = parseDay(values.von);
  const to = parseDay(values.bis);
  if (!from) errors.von = t(lang, 'badDate');
  if (!to) errors.bis = t(lang, 'badDate');
  if (from && to && to < from) errors.bis = t(lang, 'dateOrder');
  if (!from || !to || errors.bis) return { values, errors };
  return { values, errors, period: { from: berlinMidnight(from), to: berlinMidnight(nextDay(to)) } };
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

import { inTransaction, type Db } from '../../platform/db/database.js';
import { berlinMidnight, parseDay } from '../../platform/i18n/i18n.js';
import type { PaymentSettings } from './fees.js';
import type { Payment } from './payment.js';
import { listPaidBetween, listRefundedBetween } from './payments.repository.js';

/** The services' account assignment, by service id (from the service definitions). */
export type AccountingOf = (serviceId: string) => PaymentSettings['accounting'] | undefined;

/** The columns of the finance export, in order (German: the finance office's system imports them). */
export const financeExportColumns = [
  'Buchungstag', 'Bezahlt am', 'Kassenzeichen', 'Zahlungsnummer', 'Transaktion', 'Verwendungszweck', 'Leistung',
  'Betrag', 'Währung', 'Kostenstelle', 'Sachkonto', 'Haushaltsstelle', 'Stand',
] as const;

/**
 * One CSV cell: always quoted, quotes doubled, and a cell a spreadsheet would read as a formula
 * (starting with = + - @, a tab or a carriage return) prefixed with an apostrophe, so that a
 * purpose or description typed by someone cannot run as a formula in the finance office.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Cents as a German decimal amount without thousands separators ("1234,50", a refund "-1234,50"), from integers only. */
export function germanAmount(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new Error('germanAmount takes whole cents');
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

// The amount column: made here from integers, so its leading minus is a sign, never a formula.
const amountColumn = financeExportColumns.indexOf('Betrag');

/** The finance export of one day: the CSV text, and what it sums to (for the reconciliation against the provider). */
export interface FinanceExport {
  day: string;
  csv: string;
  /** The payments paid that day and their sum: what the provider collected. */
  count: number;
  totalCents: number;
  /** The refunds made that day and their sum (positive; the CSV lists them negative). */
  refundCount: number;
  refundedCents: number;
}

function row(day: string, payment: Payment, accountingOf: AccountingOf, booking: 'bezahlt' | 'erstattet'): string[] {
  const accounting = payment.serviceId ? accountingOf(payment.serviceId) : undefined;
  return [
    day, payment.paidAt!.toISOString(), payment.kassenzeichen ?? '', payment.requestId, payment.providerTransactionId ?? '', payment.purpose,
    payment.serviceId ?? '', germanAmount(booking === 'bezahlt' ? payment.amountCents : -payment.amountCents), payment.currency,
    accounting?.kostenstelle ?? '', accounting?.sachkonto ?? '', accounting?.haushaltsstelle ?? '',
    booking,
  ];
}

/**
 * The bookings of a town on one day (Europe/Berlin) as CSV for the finance system: one row per
 * payment paid that day ("bezahlt") and one negative row per refund made that day ("erstattet",
 * "Bezahlt am" naming the original payment), each with its Kassenzeichen and the account
 * assignment of its service; semicolon separated, every cell quoted, amounts with a decimal comma,
 * CRLF line ends, UTF-8 with a byte order mark (so spreadsheet programs read the umlauts). A day
 * once over exports the same rows whatever happens later. Undefined for a day that is not a real date.
 */
export async function exportSettledPayments(db: Db, tenantId: string, day: string, accountingOf: AccountingOf): Promise<FinanceExport | undefined> {
  const parsed = parseDay(day);
  if (!parsed || parsed !== day) return undefined;
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const [from, to] = [berlinMidnight(day), berlinMidnight(next)];
  const { payments, refunds } = await inTransaction(db, { tenantId }, async (trx) => ({ payments: await listPaidBetween(trx, from, to), refunds: await listRefundedBetween(trx, from, to) }));
  const rows = [...payments.map((p) => row(day, p, accountingOf, 'bezahlt')), ...refunds.map((p) => row(day, p, accountingOf, 'erstattet'))];
  const lines = [financeExportColumns.map(csvCell), ...rows.map((cells) => cells.map((c, i) => (i === amountColumn ? `"${c}"` : csvCell(c))))].map((cells) => cells.join(';'));
  const sum = (list: Payment[]) => list.reduce((total, p) => total + p.amountCents, 0);
  return {
    day,
    csv: `\ufeff${lines.join('\r\n')}\r\n`,
    count: payments.length,
    totalCents: sum(payments),
    refundCount: refunds.length,
    refundedCents: sum(refunds),
  };
}

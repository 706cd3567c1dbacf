import { inTransaction, type Db } from '../../platform/db/database.js';
import { berlinMidnight, parseDay } from '../../platform/i18n/i18n.js';
import type { PaymentSettings } from './fees.js';
import type { Payment } from './payment.js';
import { listPaidBetween } from './payments.repository.js';

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

/** Cents as a German decimal amount without thousands separators ("1234,50"), from integers only. */
export function germanAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error('germanAmount takes whole, non-negative cents');
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}

/** The finance export of one day: the CSV text, and what it sums to (for the reconciliation against the provider). */
export interface FinanceExport {
  day: string;
  csv: string;
  count: number;
  totalCents: number;
}

function row(day: string, payment: Payment, accountingOf: AccountingOf): string[] {
  const accounting = payment.serviceId ? accountingOf(payment.serviceId) : undefined;
  return [
    day, payment.paidAt!.toISOString(), payment.kassenzeichen ?? '', payment.requestId, payment.providerTransactionId ?? '', payment.purpose,
    payment.serviceId ?? '', germanAmount(payment.amountCents), payment.currency,
    accounting?.kostenstelle ?? '', accounting?.sachkonto ?? '', accounting?.haushaltsstelle ?? '',
    payment.status === 'refunded' ? 'erstattet' : 'bezahlt',
  ];
}

/**
 * The payments of a town paid on one day (Europe/Berlin) as CSV for the finance system: one row
 * per payment with its Kassenzeichen and the account assignment of its service; semicolon
 * separated, every cell quoted, amounts with a decimal comma, CRLF line ends, UTF-8 with a byte
 * order mark (so spreadsheet programs read the umlauts). A payment refunded later stays in the
 * day it was paid (the refund is a booking of its own day, marked in "Stand"). Undefined for a day
 * that is not a real date.
 */
export async function exportSettledPayments(db: Db, tenantId: string, day: string, accountingOf: AccountingOf): Promise<FinanceExport | undefined> {
  const parsed = parseDay(day);
  if (!parsed || parsed !== day) return undefined;
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const payments = await inTransaction(db, { tenantId }, (trx) => listPaidBetween(trx, berlinMidnight(day), berlinMidnight(next)));
  const lines = [financeExportColumns, ...payments.map((p) => row(day, p, accountingOf))].map((cells) => cells.map(csvCell).join(';'));
  return {
    day,
    csv: `\ufeff${lines.join('\r\n')}\r\n`,
    count: payments.length,
    totalCents: payments.reduce((sum, p) => sum + p.amountCents, 0),
  };
}

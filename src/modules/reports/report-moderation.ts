import { sql } from 'kysely';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import type { Moderation } from './report.js';

/**
 * Why a new report waits for a clerk before the public sees it (ADR 0026, "Moderation"): a link in
 * the text (the commonest spam), a word the town blocked, more than `burstLimit` reports from one
 * browser within an hour, or an API client the town marked as moderated.
 */
export const holdReasons = ['link', 'blocked_word', 'burst', 'client'] as const;
/** One reason to hold a report. */
export type HoldReason = (typeof holdReasons)[number];

/** Reports one browser may file within an hour before the next ones wait for a clerk. */
export const burstLimit = 3;

// http(s)://, www. and bare domains with a common top-level domain; "Hausnummer 7.a" is no link.
const linkPattern = /\b(?:https?:\/\/|www\.)|\b[a-z0-9-]{2,}\.(?:com|net|org|info|biz|de|ru|xyz|top|io|shop)\b/i;

/** The reasons to hold a report as filed; empty when it goes public at once. */
export function reasonsToHold(input: { description: string; blockedWords: readonly string[]; recentReports?: number; moderatedClient?: boolean }): HoldReason[] {
  const reasons: HoldReason[] = [];
  if (linkPattern.test(input.description)) reasons.push('link');
  const text = input.description.toLocaleLowerCase('de');
  if (input.blockedWords.some((w) => w.trim() && text.includes(w.trim().toLocaleLowerCase('de')))) reasons.push('blocked_word');
  if ((input.recentReports ?? 0) >= burstLimit) reasons.push('burst');
  if (input.moderatedClient) reasons.push('client');
  return reasons;
}

/** How many reports the holder of these receipts filed since a moment (row-level security shows only theirs). */
export async function countReportsOfReceipts(trx: Trx, since: Date): Promise<number> {
  const row = await trx.selectFrom('report_details as d')
    .innerJoin('reports as r', (j) => j.onRef('r.tenant_id', '=', 'd.tenant_id').onRef('r.id', '=', 'd.report_id'))
    .select(sql<number>`count(*)::int`.as('n')).where('r.created_at', '>=', since).executeTakeFirstOrThrow();
  return row.n;
}

/** A clerk's decision on a held report: show it, or reject it as spam (never shown, closed). */
export type ModerationDecision = Exclude<Moderation, 'held'>;

/** Applies a decision to a held report; spam is closed as rejected, without a mail to the reporter. */
export async function setModeration(trx: Trx, id: string, decision: ModerationDecision): Promise<void> {
  await trx.updateTable('reports').set({
    moderation: decision, ...(decision === 'spam' ? { status: 'rejected' } : {}), updated_at: sql<Date>`now()`,
  }).where('id', '=', id).execute();
}

/**
 * The reasons to hold a report filed through the web form; the browser's recent reports are
 * counted through its receipts (row-level security shows a receipt holder only their own).
 */
export async function holdReasonsForForm(db: Db, tenantId: string, input: { description: string; blockedWords: readonly string[]; receipts: readonly string[] }): Promise<HoldReason[]> {
  const recentReports = input.receipts.length === 0 ? 0
    : await inTransaction(db, { tenantId, receiptTokenHashes: input.receipts }, (trx) => countReportsOfReceipts(trx, new Date(Date.now() - 3_600_000)));
  return reasonsToHold({ description: input.description, blockedWords: input.blockedWords, recentReports });
}

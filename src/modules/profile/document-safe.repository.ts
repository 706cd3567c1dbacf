import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { SafeDocument } from './document-safe.js';

const columns = ['id', 'name', 'filename', 'media_type', 'size', 'sha256', 'created_at'] as const;

function toDocument(row: { id: string; name: string; filename: string; media_type: string; size: number; sha256: string; created_at: Date }): SafeDocument {
  return { id: row.id, name: row.name, filename: row.filename, mediaType: row.media_type, size: row.size, sha256: row.sha256, createdAt: row.created_at };
}

/** The signed-in account's documents (row-level security shows no other), oldest first. */
export async function listDocuments(trx: Trx): Promise<SafeDocument[]> {
  return (await trx.selectFrom('account_documents').select(columns).orderBy('created_at').orderBy('id').execute()).map(toDocument);
}

/** Those of the given documents the signed-in account owns. */
export async function findDocuments(trx: Trx, ids: string[]): Promise<SafeDocument[]> {
  if (ids.length === 0) return [];
  return (await trx.selectFrom('account_documents').select(columns).where('id', 'in', ids).execute()).map(toDocument);
}

/**
 * How many documents the account keeps and their bytes, counted under a lock on the account's safe,
 * so two parallel uploads cannot both squeeze under the quota.
 */
export async function lockAndMeasureSafe(trx: Trx, accountId: string): Promise<{ count: number; bytes: number }> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`account_documents:${accountId}`}, 0))`.execute(trx);
  const row = await trx
    .selectFrom('account_documents')
    .select([sql<number>`count(*)::int`.as('count'), sql<number>`coalesce(sum(size), 0)::bigint`.as('bytes')])
    .executeTakeFirstOrThrow();
  return { count: row.count, bytes: Number(row.bytes) };
}

/** Adds a document to the account's safe; returns its id. */
export async function insertDocument(trx: Trx, d: { tenantId: string; accountId: string; name: string; filename: string; mediaType: string; size: number; sha256: string }): Promise<string> {
  const row = await trx
    .insertInto('account_documents')
    .values({ tenant_id: d.tenantId, account_id: d.accountId, name: d.name, filename: d.filename, media_type: d.mediaType, size: d.size, sha256: d.sha256 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Deletes one of the account's documents (its bytes are queued by a trigger); false when it has none of that id. */
export async function deleteDocument(trx: Trx, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('account_documents').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

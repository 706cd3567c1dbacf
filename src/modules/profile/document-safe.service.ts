import { inTransaction, type Db } from '../../platform/db/database.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { recordAudit } from '../audit/index.js';
import type { ReceivedFile } from '../forms/uploads.js';
import { documentSafeLimits, type SafeDocument } from './document-safe.js';
import { deleteDocument, findDocuments, insertDocument, listDocuments, lockAndMeasureSafe } from './document-safe.repository.js';

/** The account's documents, oldest first. */
export function listSafeDocuments(db: Db, tenantId: string, accountId: string): Promise<SafeDocument[]> {
  return inTransaction(db, { tenantId, accountId }, (trx) => listDocuments(trx));
}

/** Those of the given documents that are the account's own (another account's ids find nothing). */
export function findSafeDocuments(db: Db, tenantId: string, accountId: string, ids: string[]): Promise<SafeDocument[]> {
  return inTransaction(db, { tenantId, accountId }, (trx) => findDocuments(trx, ids));
}

/**
 * Puts an uploaded (already checked) file into the account's safe under a name, unless that would
 * exceed the quota. The bytes are stored before the row that names them is committed.
 */
export async function addSafeDocument(db: Db, files: FileStore, tenantId: string, accountId: string, input: { name: string; file: ReceivedFile }): Promise<{ ok: true; id: string } | { ok: false; problem: 'full' }> {
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    const usage = await lockAndMeasureSafe(trx, accountId);
    if (usage.count >= documentSafeLimits.maxDocuments || usage.bytes + input.file.ref.size > documentSafeLimits.maxTotalBytes) return { ok: false, problem: 'full' } as const;
    const sha256 = await files.put(input.file.bytes);
    const { filename, mediaType, size } = input.file.ref;
    const id = await insertDocument(trx, { tenantId, accountId, name: input.name, filename, mediaType, size, sha256 });
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.document_added', subject: `account:${accountId}`, details: { document: id } });
    return { ok: true, id } as const;
  });
}

/**
 * Deletes a document from the account's safe; false when the account has no such document. Files
 * attached to applications from it stay: they are rows of their own, and the bytes are removed
 * (by the retention run) only once no row names them.
 */
export async function deleteSafeDocument(db: Db, tenantId: string, accountId: string, id: string): Promise<boolean> {
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    if (!(await deleteDocument(trx, id))) return false;
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.document_deleted', subject: `account:${accountId}`, details: { document: id } });
    return true;
  });
}

import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { documentSequenceName } from '../tenants/tenants.repository.js';

/** A case with what its letters are made of; row-level security decides whether it is found. */
export async function findCaseForLetters(trx: Trx, caseId: string) {
  return trx
    .selectFrom('cases')
    .innerJoin('submissions', (j) => j.onRef('submissions.tenant_id', '=', 'cases.tenant_id').onRef('submissions.id', '=', 'cases.submission_id'))
    .innerJoin('departments', (j) => j.onRef('departments.tenant_id', '=', 'cases.tenant_id').onRef('departments.id', '=', 'cases.department_id'))
    .select([
      'cases.id', 'cases.reference', 'cases.status', 'cases.decision', 'cases.version', 'cases.assignee_id', 'cases.department_id', 'cases.service_id',
      'cases.tenant_id', 'submissions.id as submission_id', 'submissions.answers', 'submissions.sealed_answers', 'submissions.data_key_id', 'submissions.definition_hash', 'submissions.submitted_at', 'submissions.language', 'submissions.account_id', 'departments.name as department_name',
    ])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
}

/** The case's version, locked until the transaction ends (so no status change slips in between). */
export async function lockCaseVersion(trx: Trx, caseId: string): Promise<number | undefined> {
  const row = await trx.selectFrom('cases').select('version').where('id', '=', caseId).forUpdate().executeTakeFirst();
  return row?.version;
}

/** Moves the case to its next version: issuing a letter is a change others must not overwrite unseen. */
export async function bumpCaseVersion(trx: Trx, caseId: string, version: number): Promise<void> {
  await trx.updateTable('cases').set({ version: version + 1, updated_at: new Date() }).where('id', '=', caseId).where('version', '=', version).executeTakeFirstOrThrow();
}

/** The next document number of a town, e.g. MST-B-2026-000123 (year in Europe/Berlin). */
export async function nextDocumentNumber(trx: Trx, tenantId: string, prefix: string): Promise<string> {
  const result = await sql<{ number: string }>`
    select format('%s-B-%s-%s', ${prefix}::text, extract(year from now() at time zone 'Europe/Berlin')::int,
                  lpad(nextval(${documentSequenceName(tenantId)}::regclass)::text, 6, '0')) as number`.execute(trx);
  return result.rows[0]!.number;
}

/** A letter to store; see migrations/20261122180000_case_documents_and_status_links.sql. */
export interface NewDocument {
  tenantId: string;
  id: string;
  caseId: string;
  templateId: string;
  title: string;
  number: string;
  content: string;
  sha256: string;
  fileSha256: string;
  fileSize: number;
  delivery: 'online' | 'postbox' | 'post';
  createdBy: string;
  supersedesId: string | null;
}

/** Stores a letter; the row can never be changed afterwards. */
export async function insertDocument(trx: Trx, d: NewDocument): Promise<void> {
  await trx.insertInto('case_documents').values({
    tenant_id: d.tenantId, id: d.id, case_id: d.caseId, kind: 'letter', template_id: d.templateId, title: d.title,
    document_number: d.number, content: d.content, sha256: d.sha256, file_sha256: d.fileSha256, file_size: d.fileSize,
    delivery: d.delivery, created_by: d.createdBy, supersedes_document_id: d.supersedesId,
  }).execute();
}

/** Adds a "document" entry to the case's history (issued, posted). */
export async function insertDocumentEvent(trx: Trx, event: { tenantId: string; caseId: string; staffId: string; details: Record<string, string> }): Promise<void> {
  await trx.insertInto('case_events').values({ tenant_id: event.tenantId, case_id: event.caseId, staff_id: event.staffId, kind: 'document', details: JSON.stringify(event.details) }).execute();
}

/** A case's documents, oldest first, without their content. */
export async function listDocumentRows(trx: Trx, caseId: string) {
  return trx
    .selectFrom('case_documents')
    .select(['id', 'document_number', 'title', 'template_id', 'delivered_at', 'sha256', 'delivery', 'supersedes_document_id', 'file_size'])
    .where('case_id', '=', caseId)
    .orderBy('delivered_at')
    .orderBy('document_number')
    .execute();
}

/** The days documents of a case were posted, by document id (history entries the applicant cannot read). */
export async function listPostings(trx: Trx, caseId: string): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom('case_events')
    .select('details')
    .where('case_id', '=', caseId)
    .where('kind', '=', 'document')
    .where(sql<boolean>`details->>'action' = 'posted'`)
    .execute();
  return new Map(rows.map((r) => [String(r.details.documentId), String(r.details.postedOn)]));
}

/** One document of a case with its content and file address. */
export async function findDocumentRow(trx: Trx, caseId: string, documentId: string) {
  return trx
    .selectFrom('case_documents')
    .select(['id', 'document_number', 'title', 'content', 'sha256', 'file_sha256', 'delivery', 'delivered_at'])
    .where('case_id', '=', caseId)
    .where('id', '=', documentId)
    .executeTakeFirst();
}

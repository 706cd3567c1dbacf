import { randomUUID } from 'node:crypto';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import type { FileStore } from '../../platform/files/file-store.js';
import { berlinDay, localize, type Lang } from '../../platform/i18n/i18n.js';
import { recordAudit } from '../audit/index.js';
import type { Service } from '../catalog/index.js';
import { applicantEmail, openAnswers, resolveDefinition, type Answers } from '../forms/index.js';
import type { Keyring } from '../../platform/crypto/keyring.js';
import { enqueueApplicantNotice, noticeChannel } from '../cases/applicant-notice.js';
import { feesSetByDecision, requestFeeWithDecision } from '../payments/index.js';
import { isLead, type DepartmentRole } from '../cases/workflow.js';
import type { StaffMember } from '../staff/index.js';
import type { Tenant } from '../tenants/tenant.js';
import { fitsCase, type LetterTemplate } from './letter-template.js';
import { checkText, composeLetter, fingerprint, plain, type ComposedLetter } from './letter-text.js';
import { renderLetterPdf } from './letter-pdf.js';
import {
  bumpCaseVersion, findCaseForLetters, findDocumentRow, insertDocument, insertDocumentEvent, listDocumentRows, listPostings, lockCaseVersion, nextDocumentNumber,
} from './letters.repository.js';

/** A document in a case file, as pages show it. */
export interface CaseDocument {
  id: string;
  number: string;
  title: string;
  templateId: string;
  deliveredAt: Date;
  /** SHA-256 of the check text (printed on the PDF). */
  fingerprint: string;
  /** Where the letter was delivered: the status page (notice by status link), the account's postbox, or on paper. */
  delivery: 'online' | 'postbox' | 'post';
  /** For delivery by post: the day it was posted (YYYY-MM-DD), once recorded. */
  postedOn: string | null;
  supersedes: { id: string; number: string } | null;
  supersededBy: { id: string; number: string } | null;
}

/** A case as the letter pages need it. */
export interface LetterCase {
  id: string;
  reference: string;
  status: string;
  decision: string | null;
  version: number;
  assigneeId: string | null;
  departmentId: string;
  departmentName: string;
  serviceId: string;
  receivedAt: Date;
  language: Lang;
  answers: Answers;
  /** The definition the application was made with. */
  service: Service;
  applicantEmail: string | undefined;
  /** The account the application belongs to (applied while signed in): letters go to its postbox. */
  applicantAccountId: string | null;
  documents: CaseDocument[];
}

/** The job that tells the applicant a document is waiting (handled by the status module). */
export const documentReadyJob = 'mail.document-ready';

/** Runs fn as the clerk: row-level security limits it to the clerk's departments. */
function asStaff<T>(db: Db, tenantId: string, staff: StaffMember, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return inTransaction(db, { tenantId, departmentIds: staff.departments.map((d) => d.id) }, fn);
}

/** The documents of a case visible in this transaction (staff or applicant), oldest first. */
export async function listCaseDocuments(trx: Trx, caseId: string): Promise<CaseDocument[]> {
  const rows = await listDocumentRows(trx, caseId);
  const postings = await listPostings(trx, caseId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return rows.map((r) => {
    const earlier = r.supersedes_document_id ? byId.get(r.supersedes_document_id) : undefined;
    const later = rows.find((x) => x.supersedes_document_id === r.id);
    return {
      id: r.id,
      number: r.document_number,
      title: r.title,
      templateId: r.template_id,
      deliveredAt: r.delivered_at,
      fingerprint: r.sha256,
      delivery: r.delivery as CaseDocument['delivery'],
      postedOn: postings.get(r.id) ?? null,
      supersedes: earlier ? { id: earlier.id, number: earlier.document_number } : null,
      supersededBy: later ? { id: later.id, number: later.document_number } : null,
    };
  });
}

/** One document with its check text and file address, if visible in this transaction. */
export async function findCaseDocument(trx: Trx, caseId: string, documentId: string) {
  const row = await findDocumentRow(trx, caseId, documentId);
  return row && { id: row.id, number: row.document_number, title: row.title, checkText: row.content, fingerprint: row.sha256, fileSha256: row.file_sha256 };
}

/**
 * Loads a case for the letter pages as the clerk; undefined when row-level security hides it.
 * With `audit`, the read is logged under that action (a page that shows the case's data).
 */
export async function loadLetterCase(deps: { db: Db; services: Map<string, Service>; keyring: Keyring }, input: { tenantId: string; staff: StaffMember; caseId: string; audit?: string }): Promise<LetterCase | undefined> {
  const loaded = await asStaff(deps.db, input.tenantId, input.staff, async (trx) => {
    const row = await findCaseForLetters(trx, input.caseId);
    if (!row) return undefined;
    if (input.audit) await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${input.staff.id}`, action: input.audit, subject: `case:${row.id}`, details: { reference: row.reference } });
    const answers = await openAnswers(deps.keyring, trx, row.tenant_id, { submissionId: row.submission_id }, { answers: row.answers, sealed: row.sealed_answers, dataKeyId: row.data_key_id });
    return { row, answers, documents: await listCaseDocuments(trx, row.id) };
  });
  if (!loaded) return undefined;
  const { row, answers, documents } = loaded;
  const service = await resolveDefinition(deps.db, deps.services, row.definition_hash);
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    decision: row.decision,
    version: row.version,
    assigneeId: row.assignee_id,
    departmentId: row.department_id,
    departmentName: localize(row.department_name, 'de'),
    serviceId: row.service_id,
    receivedAt: row.submitted_at,
    language: row.language as Lang,
    answers,
    service,
    applicantEmail: applicantEmail(service, answers),
    applicantAccountId: row.account_id,
    documents,
  };
}


/** Whether the clerk may issue letters for the case: its assignee or a team lead, unless it was withdrawn. */
export function mayIssueLetters(c: Pick<LetterCase, 'status' | 'assigneeId' | 'departmentId'>, staff: StaffMember): boolean {
  if (c.status === 'withdrawn') return false;
  const role = staff.departments.find((d) => d.id === c.departmentId)?.role as DepartmentRole | undefined;
  return (role !== undefined && isLead(role)) || c.assigneeId === staff.id;
}

/** The templates that fit the case now (its service and, for decision letters, its decision). */
export function fittingTemplates(c: Pick<LetterCase, 'serviceId' | 'decision'>, templates: Map<string, LetterTemplate[]>): LetterTemplate[] {
  return (templates.get(c.serviceId) ?? []).filter((tpl) => fitsCase(tpl, c));
}

/** A template filled in for the case with the given values (dated today unless told otherwise). */
export function composeForCase(c: LetterCase, tenant: Tenant, template: LetterTemplate, values: Record<string, string>, options: { supersedes?: CaseDocument; today?: string } = {}): ComposedLetter {
  return composeLetter(template, {
    form: c.service.definition.form,
    answers: c.answers,
    reference: c.reference,
    receivedAt: c.receivedAt,
    departmentName: c.departmentName,
    town: { name: tenant.name, administrativeCourt: tenant.profile.administrativeCourt },
    service: { title: c.service.definition.title.de, feeCents: c.service.definition.fees.map((f) => f.amountCents) },
    fees: feesSetByDecision(c.service.definition, c.answers, c.decision),
    today: options.today ?? berlinDay(new Date()),
    values,
  }, options.supersedes);
}

/** How a letter for the case is delivered: to the account's postbox, on the status page (by e-mail), or by post. */
export function letterDelivery(c: Pick<LetterCase, 'applicantAccountId' | 'applicantEmail'>): CaseDocument['delivery'] {
  const channel = noticeChannel({ accountId: c.applicantAccountId, email: c.applicantEmail });
  return channel === 'postbox' ? 'postbox' : channel === 'status-link' ? 'online' : 'post';
}

/** Why a letter was not issued, or that it was. */
export type IssueOutcome =
  | { kind: 'done'; documentId: string; number: string }
  | { kind: 'notFound' | 'conflict' | 'notAllowed' | 'unfitTemplate' | 'badSupersedes' }
  | { kind: 'incomplete'; missing: string[] };

/**
 * Issues a letter: checks the case (version the clerk saw, permission, fitting template), fills
 * the template, numbers it, renders and stores the PDF, and then stores the document, the case's
 * next version, a history entry, an audit entry and the notice job (postbox notice for an account,
 * else a status-link mail for an applicant with an e-mail address) in ONE transaction that locks the case and checks its version again. The PDF is
 * rendered between the two transactions, so no lock is held while it is drawn; a number drawn for
 * a letter that then meets a conflict stays unused (numbers may have gaps, see ADR 0004).
 */
export async function issueLetter(
  deps: { db: Db; files: FileStore; services: Map<string, Service>; keyring: Keyring },
  input: { tenant: Tenant; staff: StaffMember; caseId: string; version: number; template: LetterTemplate; values: Record<string, string>; supersedesId: string | null },
): Promise<IssueOutcome> {
  const { db } = deps;
  const { tenant, staff } = input;
  const c = await loadLetterCase(deps, { tenantId: tenant.id, staff, caseId: input.caseId });
  if (!c) return { kind: 'notFound' };
  if (c.version !== input.version) return { kind: 'conflict' };
  if (!mayIssueLetters(c, staff)) return { kind: 'notAllowed' };
  if (!fitsCase(input.template, c)) return { kind: 'unfitTemplate' };
  const supersedes = input.supersedesId === null ? undefined : c.documents.find((d) => d.id === input.supersedesId && !d.supersededBy);
  if (input.supersedesId !== null && !supersedes) return { kind: 'badSupersedes' };

  const today = berlinDay(new Date());
  const letter = composeForCase(c, tenant, input.template, input.values, { supersedes, today });
  if (letter.missing.length > 0) return { kind: 'incomplete', missing: letter.missing };
  const number = await asStaff(db, tenant.id, staff, (trx) => nextDocumentNumber(trx, tenant.id, tenant.referencePrefix));
  const content = checkText(
    { issuer: tenant.profile.shortName ?? tenant.name, documentNumber: number, reference: c.reference, date: today, title: letter.title, supersedes: supersedes?.number ?? null, recipient: letter.recipient.map(plain) },
    letter.body,
  );
  const sha256 = fingerprint(content);
  const pdf = await renderLetterPdf({ tenant, letter, number, reference: c.reference, date: today, fingerprint: sha256, supersedes: supersedes?.number ?? null });
  const fileSha256 = await deps.files.put(pdf);

  const documentId = randomUUID();
  const done = await asStaff(db, tenant.id, staff, async (trx) => {
    const version = await lockCaseVersion(trx, c.id);
    if (version !== input.version) return false;
    await insertDocument(trx, {
      tenantId: tenant.id, id: documentId, caseId: c.id, templateId: input.template.id, title: letter.title, number, content, sha256,
      fileSha256, fileSize: pdf.length, delivery: letterDelivery(c), createdBy: staff.id, supersedesId: supersedes?.id ?? null,
    });
    await bumpCaseVersion(trx, c.id, version);
    await insertDocumentEvent(trx, { tenantId: tenant.id, caseId: c.id, staffId: staff.id, details: { action: 'issued', documentId, number, title: letter.title } });
    // A decision letter that sets a fee (payment mode `after`) carries its payment request.
    if (input.template.outcomes) {
      await requestFeeWithDecision(trx, tenant.id, {
        caseId: c.id, reference: c.reference, serviceTitle: c.service.definition.title.de, service: c.service.definition, answers: c.answers, decision: c.decision,
        continuePath: c.applicantAccountId ? '/konto/postfach' : '/', noticeAccountId: c.applicantAccountId,
      });
    }
    await recordAudit(trx, { tenantId: tenant.id, actor: `staff:${staff.id}`, action: 'case.document-issued', subject: `case:${c.id}`, details: { reference: c.reference, number, sha256 } });
    // The mail says only that something is waiting, in the postbox or behind a status link.
    await enqueueApplicantNotice(trx, tenant.id, { accountId: c.applicantAccountId, email: c.applicantEmail, reference: c.reference, language: c.language }, { kind: documentReadyJob });
    return true;
  });
  return done ? { kind: 'done', documentId, number } : { kind: 'conflict' };
}

/** Why a posting was not recorded, or that it was. */
export type PostingOutcome = 'done' | 'notFound' | 'notPost' | 'alreadyPosted';

/** Records that a letter for delivery by post was posted on a day (a history entry; the document itself never changes). */
export async function recordPosting(db: Db, input: { tenantId: string; staff: StaffMember; caseId: string; documentId: string; postedOn: string }): Promise<PostingOutcome> {
  return asStaff(db, input.tenantId, input.staff, async (trx) => {
    // Locked, so two clerks recording the same posting at once do not both succeed.
    if ((await lockCaseVersion(trx, input.caseId)) === undefined) return 'notFound';
    const document = (await listCaseDocuments(trx, input.caseId)).find((d) => d.id === input.documentId);
    if (!document) return 'notFound';
    if (document.delivery !== 'post') return 'notPost';
    if (document.postedOn) return 'alreadyPosted';
    await insertDocumentEvent(trx, { tenantId: input.tenantId, caseId: input.caseId, staffId: input.staff.id, details: { action: 'posted', documentId: document.id, number: document.number, postedOn: input.postedOn } });
    await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${input.staff.id}`, action: 'case.document-posted', subject: `case:${input.caseId}`, details: { number: document.number, postedOn: input.postedOn } });
    return 'done';
  });
}

/** A document's PDF or check text for a download, audited in the same transaction; undefined when hidden or unknown. */
export async function readDocumentForDownload(
  trx: Trx,
  files: FileStore,
  input: { tenantId: string; caseId: string; documentId: string; actor: string; via: 'case-file' | 'status-link' | 'receipt' | 'postbox'; format: 'pdf' | 'text' },
): Promise<{ number: string; checkText: string; pdf: () => Promise<Buffer> } | undefined> {
  const document = await findCaseDocument(trx, input.caseId, input.documentId);
  if (!document) return undefined;
  await recordAudit(trx, { tenantId: input.tenantId, actor: input.actor, action: 'case.document-downloaded', subject: `case:${input.caseId}`, details: { number: document.number, via: input.via, format: input.format } });
  return { number: document.number, checkText: document.checkText, pdf: () => files.get(document.fileSha256) };
}

/** The case file's documents for the case page (the loader of CaseDocumentsSection); empty when the case is hidden. */
export function loadCaseDocuments(db: Db, input: { tenantId: string; staff: StaffMember; caseId: string }): Promise<CaseDocument[]> {
  return asStaff(db, input.tenantId, input.staff, (trx) => listCaseDocuments(trx, input.caseId));
}

import type { FastifyReply } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction, type Actor } from '../../platform/db/database.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import type { Service } from '../catalog/index.js';
import { resolveDefinition } from './definitions.js';
import { findSubmission, listSubmissionFiles } from './forms.repository.js';
import { renderReceiptPdf } from './receipt.js';

/** A stored submission with the files sent with it, as its receipt shows them. */
export interface StoredReceipt {
  submission: NonNullable<Awaited<ReturnType<typeof findSubmission>>>;
  files: Awaited<ReturnType<typeof listSubmissionFiles>>;
}

/** The submission and its files, if the actor may see them (the browser holding the receipt, the account that applied, the department). */
export function findReceipt(deps: Pick<ModuleDeps, 'db' | 'keyring'>, actor: Actor, submissionId: string): Promise<StoredReceipt | undefined> {
  return inTransaction(deps.db, actor, async (trx) => {
    const submission = await findSubmission(trx, deps.keyring, submissionId);
    return submission && { submission, files: await listSubmissionFiles(trx, submissionId) };
  });
}

/** The definition a submission was made against (a later version of the service may differ). */
export function receiptDefinition(deps: Pick<ModuleDeps, 'db' | 'services'>, receipt: StoredReceipt): Promise<Service> {
  return resolveDefinition(deps.db, deps.services, receipt.submission.definition_hash);
}

/** Sends the receipt PDF of a submission as a download. */
export async function sendReceiptPdf(reply: FastifyReply, deps: Pick<ModuleDeps, 'db' | 'services' | 'tenants' | 'catalog'>, tenantId: string, receipt: StoredReceipt, lang: Lang): Promise<FastifyReply> {
  const service = await receiptDefinition(deps, receipt);
  const tenant = deps.tenants.findById(tenantId)!;
  const entry = await deps.catalog.find(tenantId, receipt.submission.service_id);
  const pdf = await renderReceiptPdf({ tenant, service, submission: receipt.submission, files: receipt.files, departmentName: entry ? localize(entry.department.name, lang) : '', lang });
  return reply
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="Eingangsbestaetigung-${receipt.submission.reference}.pdf"`)
    .type('application/pdf')
    .send(pdf);
}

import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import { withdrawApplication } from '../cases/index.js';
import { accountActor } from '../organisations/index.js';
import { findReceipt, receiptDefinition, receiptSections, type Answers, type ReceiptSection, type StoredReceipt } from '../forms/index.js';
import { applicantStatusText, readApplicantStatus, type ApplicantStatus } from '../status/index.js';
import { findAccountApplication, listAccountApplications } from './applications.repository.js';

/** Applications per page of "Meine Anträge". */
export const applicationsPerPage = 10;

/** An application in the list: what, when, and where it stands. */
export interface ApplicationSummary {
  caseId: string;
  reference: string;
  serviceTitle: string;
  submittedAt: Date;
  status: string;
  /** The organisation applied for, if any (its members all see the application). */
  organisationName: string | null;
}

/** One application in full: its status and history as on the status page, and the answers as on the receipt. */
export interface ApplicationDetail {
  status: ApplicantStatus;
  receipt: StoredReceipt;
  answers: ReceiptSection[];
}

/** One page of the account's applications, the newest first, and whether another page follows. */
export async function listApplications(deps: Pick<ModuleDeps, 'db' | 'services'>, tenantId: string, accountId: string, page: number, lang: Lang): Promise<{ items: ApplicationSummary[]; hasNext: boolean }> {
  const rows = await inTransaction(deps.db, await accountActor(deps.db, tenantId, accountId), (trx) =>
    listAccountApplications(trx, { limit: applicationsPerPage + 1, offset: (page - 1) * applicationsPerPage }));
  const items = rows.slice(0, applicationsPerPage).map((r) => {
    const service = deps.services.get(r.serviceId)?.definition;
    return { caseId: r.caseId, reference: r.reference, serviceTitle: service ? localize(service.title, lang) : r.serviceId, submittedAt: r.submittedAt, status: applicantStatusText(service, r, lang), organisationName: r.organisationName };
  });
  return { items, hasNext: rows.length > applicationsPerPage };
}

/** One application of the account by its case id, or undefined when it is not the account's. */
export async function readApplication(deps: Pick<ModuleDeps, 'db' | 'services' | 'keyring'>, tenantId: string, accountId: string, caseId: string, lang: Lang): Promise<ApplicationDetail | undefined> {
  const actor = await accountActor(deps.db, tenantId, accountId);
  const found = await inTransaction(deps.db, actor, async (trx) => {
    const application = await findAccountApplication(trx, caseId);
    const status = application && (await readApplicantStatus(trx, deps.services, application.reference, lang));
    return application && status && { submissionId: application.submissionId, status };
  });
  const receipt = found && (await findReceipt(deps, actor, found.submissionId));
  if (!found || !receipt) return undefined;
  const service = await receiptDefinition(deps, receipt);
  return { status: found.status, receipt, answers: receiptSections(service, receipt.submission.answers as Answers, receipt.files, lang) };
}

/** The account withdraws one of its open applications (as a status link's holder may). */
export async function withdrawAccountApplication(deps: Pick<ModuleDeps, 'db'>, tenantId: string, accountId: string, caseId: string): Promise<'done' | 'notFound' | 'notOpen'> {
  return withdrawApplication(deps.db, { actor: await accountActor(deps.db, tenantId, accountId), via: 'account', caseId });
}

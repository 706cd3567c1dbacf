import type { Trx } from '../../platform/db/database.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import type { Service, ServiceDefinition } from '../catalog/index.js';
import { caseStatusNames, listApplicantRequests, withdrawableStatuses, type CaseStatus } from '../cases/index.js';
import { listCaseDocuments } from '../letters/index.js';
import { findApplicantCase, listStatusChanges } from './status.repository.js';
import type { ApplicantStatus } from './views/status-page.js';

/** A core status in the applicant's words. */
function statusName(status: string, lang: Lang): string {
  return localize(caseStatusNames[status as CaseStatus], lang);
}

/** Where a case stands, in the applicant's words: the core status, with the service's step while it is in progress. */
export function applicantStatusText(service: ServiceDefinition | undefined, c: { status: string; step: string | null }, lang: Lang): string {
  const step = c.status === 'in_progress' && c.step ? service?.caseSteps.find((s) => s.id === c.step) : undefined;
  return statusName(c.status, lang) + (step ? ` – ${localize(step.label, lang)}` : '');
}

/**
 * What the applicant may see of the case of a reference (status, its changes, documents, questions),
 * or undefined when the transaction may not see the case: row-level security decides, by status
 * link, receipt or account.
 */
export async function readApplicantStatus(trx: Trx, services: Map<string, Service>, reference: string, lang: Lang): Promise<ApplicantStatus | undefined> {
  const c = await findApplicantCase(trx, reference);
  if (!c) return undefined;
  const service = services.get(c.service_id)?.definition;
  return {
    caseId: c.id,
    reference: c.reference,
    serviceTitle: service ? localize(service.title, lang) : c.service_id,
    receivedAt: c.created_at,
    current: applicantStatusText(service, c, lang),
    history: (await listStatusChanges(trx, c.id)).map((h) => ({ date: h.occurredAt, status: statusName(h.to, lang) })),
    documents: await listCaseDocuments(trx, c.id),
    requests: await listApplicantRequests(trx, c.id),
    withdrawable: withdrawableStatuses.includes(c.status),
  };
}

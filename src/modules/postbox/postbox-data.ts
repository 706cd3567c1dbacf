import type { AccountDataSection } from '../accounts/index.js';
import { listApplicantRequests, type ApplicantRequest } from '../cases/index.js';
import { listMessages } from './postbox.repository.js';

/**
 * The postbox in the account's data export (GDPR Art. 15 and 20): every message with when the
 * account opened it, and for a question its text, the documents asked for and the answer. The
 * letters' PDFs and the answers' files are in the applications part of the export already.
 */
export const postboxDataSection: AccountDataSection = {
  name: 'postbox',
  async collect(trx, accountId) {
    const messages = await listMessages(trx, accountId);
    const requests = new Map<string, ApplicantRequest>();
    for (const caseId of new Set(messages.filter((m) => m.kind === 'question').map((m) => m.caseId))) {
      for (const r of await listApplicantRequests(trx, caseId)) requests.set(r.id, r);
    }
    const data = messages.map((m) => {
      const common = { kind: m.kind, reference: m.reference, service: m.serviceId, receivedAt: m.sentAt, readAt: m.readAt };
      if (m.kind === 'letter') return { ...common, title: m.title, documentNumber: m.documentNumber };
      if (m.kind === 'receipt') return { ...common, title: m.title };
      const r = requests.get(m.id)!;
      return { ...common, question: r.question, documentsRequested: r.documents, answerBy: r.dueOn, state: r.state, answer: r.reply, answeredAt: r.answeredAt, answeredVia: r.answeredVia };
    });
    return { data, files: [] };
  },
};

import type { Trx } from '../../platform/db/database.js';

/** One audit entry: who did what to which subject. Details must hold no personal data. */
export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, string | number | boolean>;
}

/** Appends an entry inside the caller's transaction (the app role may insert, never change). */
export async function recordAudit(trx: Trx, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({ tenant_id: entry.tenantId, actor: entry.actor, action: entry.action, subject: entry.subject, details: JSON.stringify(entry.details ?? {}) })
    .execute();
}

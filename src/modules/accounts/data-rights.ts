import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { verifyPassword } from '../../platform/auth/passwords.js';
import { inTransaction, type Db } from '../../platform/db/database.js';
import type { FileStore } from '../../platform/files/file-store.js';
import type { Keyring } from '../../platform/crypto/keyring.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import type { Lang, Localized } from '../../platform/i18n/i18n.js';
import { recordAudit } from '../audit/index.js';
import type { Service } from '../catalog/index.js';
import type { AccountDataSection, ExportFile } from './account-data.js';
import { findAccountRecord } from './accounts.repository.js';

/** Job kind of the mail confirming a deletion (to the address the account had). */
export const accountDeletedJob = 'account.deleted';

/**
 * The account's data as a ZIP (GDPR Art. 15 and 20): `konto.json` with every section, and the
 * files the sections name. The JSON is gathered in one transaction (a consistent snapshot); the
 * files are read from the store while the ZIP streams out.
 */
export async function exportAccountData(db: Db, files: FileStore, keyring: Keyring, town: { id: string; name: string }, accountId: string, sections: AccountDataSection[]): Promise<Readable> {
  const { document, attachments } = await inTransaction(db, { tenantId: town.id, accountId }, async (trx) => {
    const document: Record<string, unknown> = { exportedAt: new Date().toISOString(), town: town.name };
    const attachments: ExportFile[] = [];
    for (const section of sections) {
      const part = await section.collect(trx, accountId, keyring);
      document[section.name] = part.data;
      attachments.push(...part.files);
    }
    await recordAudit(trx, { tenantId: town.id, actor: `account:${accountId}`, action: 'account.data_exported', subject: `account:${accountId}` });
    return { document, attachments };
  });
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as unknown as Readable;
  zip.addBuffer(Buffer.from(JSON.stringify(document, null, 2)), 'konto.json');
  // Sequentially, so at most one file is in memory at a time.
  void (async () => {
    try {
      for (const file of attachments) zip.addBuffer(await files.get(file.sha256), file.path);
      zip.end();
    } catch (error) {
      output.destroy(error as Error);
    }
  })();
  return output;
}

/** An application that stays with the town when the account is deleted, and why. */
export interface RetainedApplication {
  reference: string;
  serviceName: Localized;
  submittedAt: Date;
  status: string | null;
  /** Years after closing the town keeps it; 'permanent' for archive records; null when the service names none. */
  retention: number | 'permanent' | null;
  legalBasis: Localized | null;
}

/** The applications that remain with the town after a deletion (the account only lets go of them). */
export async function listRetainedApplications(db: Db, tenantId: string, accountId: string, services: Map<string, Service>): Promise<RetainedApplication[]> {
  const rows = await inTransaction(db, { tenantId, accountId }, (trx) =>
    trx
      .selectFrom('submissions as s')
      .leftJoin('cases as c', (join) => join.onRef('c.submission_id', '=', 's.id').onRef('c.tenant_id', '=', 's.tenant_id'))
      .select(['s.reference', 's.service_id', 's.submitted_at', 'c.status'])
      .where('s.account_id', '=', accountId)
      .orderBy('s.submitted_at', 'desc')
      .execute());
  return rows.map((r) => {
    const definition = services.get(r.service_id)?.definition;
    const retention = definition?.retention;
    return {
      reference: r.reference,
      serviceName: definition?.title ?? { de: r.service_id },
      submittedAt: r.submitted_at,
      status: r.status,
      retention: !retention ? null : 'permanent' in retention ? 'permanent' : retention.years,
      legalBasis: retention?.legalBasis ?? null,
    };
  });
}

/** What deleting the account does beyond detaching its applications, one sentence per consequence (the sections' `deletion`). */
export async function describeDeletion(db: Db, tenantId: string, accountId: string, sections: AccountDataSection[], lang: Lang): Promise<string[]> {
  return (await Promise.all(sections.map((s) => s.deletion?.describe(db, tenantId, accountId, lang) ?? []))).flat();
}

/**
 * Deletes the account and everything that belongs only to it (sign-ins, links, and through their
 * foreign keys whatever other modules keep for it); its applications stay with the town, detached.
 * The sections settle first what must not simply vanish with it (an organisation's last owner).
 * An account with a password must confirm with it. The audit entry names only the account id.
 */
export async function deleteAccount(db: Db, tenantId: string, accountId: string, password: string | null, sections: AccountDataSection[]): Promise<'deleted' | 'wrongPassword'> {
  const account = await inTransaction(db, { tenantId, accountId }, (trx) => findAccountRecord(trx, accountId));
  if (!account) return 'deleted';
  if (account.password_hash && !(password !== null && (await verifyPassword(account.password_hash, password)))) return 'wrongPassword';
  for (const section of sections) await section.deletion?.run(db, tenantId, accountId);
  await inTransaction(db, { tenantId, accountId }, async (trx) => {
    await trx.deleteFrom('accounts').where('id', '=', accountId).execute();
    await recordAudit(trx, { tenantId, actor: `account:${accountId}`, action: 'account.deleted', subject: `account:${accountId}` });
    // The address goes into the job only so the mail can reach it; the worker clears the payload after sending.
    await enqueueJob(trx, { tenantId, kind: accountDeletedJob, payload: { to: account.email, language: account.language } });
  });
  return 'deleted';
}

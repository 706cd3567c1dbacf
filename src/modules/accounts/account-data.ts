import { sql } from 'kysely';
import type { Keyring } from '../../platform/crypto/keyring.js';
import type { Db, Trx } from '../../platform/db/database.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import { openAnswers } from '../forms/index.js';
import { idpLinksDataSection } from './oidc-login.js';

/** A file to put into the export, by its address in the file store. */
export interface ExportFile {
  /** Path inside the ZIP. */
  path: string;
  sha256: string;
}

/** One part of an account's data export: what it holds, and the files that go with it. */
export interface AccountDataSection {
  /** Key in the export's JSON (e.g. "applications"). */
  name: string;
  /** `keyring` opens the sensitive answers: the export holds the person's own data in the clear. */
  collect(trx: Trx, accountId: string, keyring: Keyring): Promise<{ data: unknown; files: ExportFile[] }>;
  /**
   * What deleting the account does to the module's data beyond its foreign keys: `describe` tells
   * the deletion page (one sentence each), `run` does it before the account goes, in the module's
   * own transactions (it may need rights the account only has with its memberships).
   */
  deletion?: {
    describe(db: Db, tenantId: string, accountId: string, lang: Lang): Promise<string[]>;
    run(db: Db, tenantId: string, accountId: string): Promise<void>;
  };
}

/** A name safe as one path segment inside a ZIP (no separators, no dot-dot, no control characters). */
export function zipSegment(name: string): string {
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/^\.+/, '_').slice(0, 120);
  return cleaned || '_';
}

/** The account itself and its sign-ins. */
export const accountSection: AccountDataSection = {
  name: 'account',
  async collect(trx, accountId) {
    const account = await trx.selectFrom('accounts').select(['email', 'language', 'created_at', 'verified_at']).where('id', '=', accountId).executeTakeFirstOrThrow();
    const sessions = await trx.selectFrom('sessions').select(['created_at', 'last_seen_at', 'expires_at', 'user_agent', 'trust_level']).where('account_id', '=', accountId).execute();
    return {
      data: {
        email: account.email, language: account.language, createdAt: account.created_at, emailConfirmedAt: account.verified_at,
        sessions: sessions.map((s) => ({ startedAt: s.created_at, lastActiveAt: s.last_seen_at, expiresAt: s.expires_at, browser: s.user_agent, trustLevel: s.trust_level })),
      },
      files: [],
    };
  },
};

/**
 * The account's applications as submitted, with their status history, uploaded files and the
 * letters the town delivered. Row-level security limits every query to the account's own.
 */
export const applicationsSection: AccountDataSection = {
  name: 'applications',
  async collect(trx, _accountId, keyring) {
    const rows = await trx
      .selectFrom('submissions as s')
      .leftJoin('cases as c', (join) => join.onRef('c.submission_id', '=', 's.id').onRef('c.tenant_id', '=', 's.tenant_id'))
      .select(['s.tenant_id', 's.id', 's.reference', 's.service_id', 's.answers', 's.sealed_answers', 's.data_key_id', 's.language', 's.submitted_at', 'c.id as case_id', 'c.status'])
      .orderBy('s.submitted_at')
      .execute();
    const files: ExportFile[] = [];
    const applications = [];
    for (const row of rows) {
      const folder = `antraege/${zipSegment(row.reference)}`;
      const uploads = await trx.selectFrom('files').select(['filename', 'media_type', 'sha256', 'created_at']).where('submission_id', '=', row.id).orderBy('created_at').execute();
      const history = row.case_id
        ? await trx.selectFrom('case_events').select(['occurred_at', 'details']).where('case_id', '=', row.case_id).where('kind', '=', 'status').orderBy('occurred_at').execute()
        : [];
      const letters = row.case_id
        ? await trx.selectFrom('case_documents').select(['title', 'document_number', 'delivered_at', 'file_sha256', 'sha256']).where('case_id', '=', row.case_id).orderBy('delivered_at').execute()
        : [];
      const uploadEntries = uploads.map((u, i) => {
        const path = `${folder}/uploads/${i + 1}-${zipSegment(u.filename)}`;
        files.push({ path, sha256: u.sha256 });
        return { filename: u.filename, mediaType: u.media_type, uploadedAt: u.created_at, file: path };
      });
      const letterEntries = letters.map((l) => {
        const path = `${folder}/bescheide/${zipSegment(l.document_number)}.pdf`;
        files.push({ path, sha256: l.file_sha256 });
        return { title: l.title, documentNumber: l.document_number, deliveredAt: l.delivered_at, fingerprint: l.sha256, file: path };
      });
      applications.push({
        reference: row.reference, service: row.service_id, submittedAt: row.submitted_at, language: row.language, status: row.status,
        statusHistory: history.map((h) => ({ at: h.occurred_at, to: (h.details as { to?: string }).to ?? null })),
        answers: await openAnswers(keyring, trx, row.tenant_id, { submissionId: row.id }, { answers: row.answers, sealed: row.sealed_answers, dataKeyId: row.data_key_id }),
        uploads: uploadEntries, letters: letterEntries,
      });
    }
    return { data: applications, files };
  },
};

/** What the audit log records about the account (citizens may see the entries about them). */
export const auditSection: AccountDataSection = {
  name: 'auditLog',
  async collect(trx, accountId) {
    const rows = await sql<{ occurred_at: Date; action: string }>`
      select occurred_at, action from audit_log where subject = ${`account:${accountId}`} order by id`.execute(trx);
    return { data: rows.rows.map((r) => ({ at: r.occurred_at, action: r.action })), files: [] };
  },
};

/** The sections of the accounts module itself; other modules add theirs in app.ts. */
export const coreAccountDataSections: AccountDataSection[] = [accountSection, idpLinksDataSection, applicationsSection, auditSection];

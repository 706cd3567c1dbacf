import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { recordAudit } from '../audit/index.js';
import type { StaffMember } from '../staff/index.js';
import { maxDescriptionLength, type ReportStatus } from './report.js';
import { listMergedReporters, mergeReport, moveMergedReports, reportIdIn, type MergeProblem } from './report-merge.js';
import { enqueueAlerts } from './report-alerts.js';
import { enqueueFollowUp } from './report-follow-up.js';
import { setModeration, type ModerationDecision } from './report-moderation.js';
import { findStaffReport, insertReportEvent, setReleasedPhotos, updateReport } from './reports.repository.js';

/** The job that mails the reporter a status change (report-mail.ts sends it). */
export const reportStatusMailJob = 'reports.status-mail';

/** Longest public comment and internal note a clerk may write. */
export const maxCommentLength = 2000;
export const maxNoteLength = 5000;

/** What a clerk does to a report, as read from a form. */
export type ReportChange =
  | { kind: 'status'; status: ReportStatus; publicComment: string | null }
  | { kind: 'release'; publicDescription: string | null; photos: number[] }
  | { kind: 'reassign'; departmentId: string }
  | { kind: 'note'; text: string }
  | { kind: 'moderate'; decision: ModerationDecision }
  | { kind: 'merge'; targetId: string };

/** The outcome of a change: done, or why nothing was stored. */
export type TriageOutcome = 'done' | 'notFound' | 'conflict' | 'unchanged' | 'sameDepartment' | 'notHeld' | MergeProblem;

/** Runs fn as the clerk: row-level security limits it to the reports of the clerk's departments. */
export function asReportClerk<T>(db: Db, tenantId: string, staff: StaffMember, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return inTransaction(db, { tenantId, departmentIds: staff.departments.map((d) => d.id) }, fn);
}

/**
 * Applies a clerk's change to a report in one transaction: the report, its history, the audit log
 * and (on a status change, if the reporter left an address) the status mail job. `seen` is the
 * report's `updated_at` as the clerk's form showed it: if anyone changed the report since, nothing
 * is stored ("conflict"); internal notes never conflict. Texts are trusted to be checked already
 * (parseReportChange); the database checks the lengths once more.
 */
export async function triageReport(db: Db, input: { tenantId: string; staff: StaffMember; reportId: string; seen: number | null; change: ReportChange; followUpDays: number }): Promise<TriageOutcome> {
  const { tenantId, staff, reportId, change } = input;
  return asReportClerk(db, tenantId, staff, async (trx) => {
    const found = await findStaffReport(trx, reportId, { lock: true });
    if (!found) return 'notFound';
    if (change.kind !== 'note' && found.updatedAt.getTime() !== input.seen) return 'conflict';
    const event = { tenantId, reportId, staffId: staff.id };
    const audit = { tenantId, actor: `staff:${staff.id}`, subject: `report:${reportId}` };
    switch (change.kind) {
      case 'status': {
        if (change.status === found.report.status && change.publicComment === found.report.publicComment) return 'unchanged';
        await updateReport(trx, reportId, { status: change.status, publicComment: change.publicComment });
        await insertReportEvent(trx, { ...event, kind: 'status', details: { from: found.report.status, to: change.status, comment: change.publicComment } });
        await recordAudit(trx, { ...audit, action: 'report.status-changed', details: { from: found.report.status, to: change.status } });
        if (change.status !== found.report.status) {
          // The reporters of merged duplicates hear of it too, each about their own report (its unsubscribe link).
          const reporters = [{ id: reportId, reporter_email: found.reporterEmail, lang: found.lang }, ...(await listMergedReporters(trx, reportId))];
          for (const r of reporters) {
            if (r.reporter_email) await enqueueJob(trx, { tenantId, kind: reportStatusMailJob, payload: { reportId: r.id, to: r.reporter_email, status: change.status, lang: r.lang } });
          }
          if (change.status === 'done' && found.reporterEmail) await enqueueFollowUp(trx, { tenantId, reportId, to: found.reporterEmail, lang: found.lang, days: input.followUpDays });
        }
        return 'done';
      }
      case 'release': {
        await updateReport(trx, reportId, { publicDescription: change.publicDescription });
        await setReleasedPhotos(trx, reportId, change.photos.filter((p) => found.photos.some((f) => f.position === p)));
        await insertReportEvent(trx, { ...event, kind: 'released', details: { description: change.publicDescription !== null, photos: change.photos } });
        await recordAudit(trx, { ...audit, action: 'report.released', details: { description: change.publicDescription !== null, photos: change.photos.join(',') } });
        return 'done';
      }
      case 'reassign': {
        if (change.departmentId === found.departmentId) return 'sameDepartment';
        // The history first: once moved, the report is no longer this clerk's to write to.
        await insertReportEvent(trx, { ...event, kind: 'reassigned', details: { from: found.departmentId, to: change.departmentId } });
        await moveMergedReports(trx, reportId, change.departmentId);
        await updateReport(trx, reportId, { departmentId: change.departmentId });
        await recordAudit(trx, { ...audit, action: 'report.reassigned', details: { from: found.departmentId, to: change.departmentId } });
        return 'done';
      }
      case 'note': {
        await insertReportEvent(trx, { ...event, kind: 'note', details: { text: change.text } });
        // The note's text stays out of the audit log: it may name people.
        await recordAudit(trx, { ...audit, action: 'report.note-added' });
        return 'done';
      }
      case 'moderate': {
        if (found.report.moderation !== 'held') return 'notHeld';
        await setModeration(trx, reportId, change.decision);
        if (change.decision === 'public') await enqueueAlerts(trx, tenantId, reportId);
        await insertReportEvent(trx, { ...event, kind: 'moderated', details: { decision: change.decision } });
        await recordAudit(trx, { ...audit, action: 'report.moderated', details: { decision: change.decision } });
        return 'done';
      }
      case 'merge':
        return mergeReport(trx, { tenantId, staffId: staff.id, duplicate: { id: reportId, duplicateOf: found.report.duplicateOf }, targetId: change.targetId });
    }
  });
}

/** Reads a text field of a form: newlines normalised, trimmed; empty when missing. */
function text(body: Record<string, unknown> | undefined, name: string): string {
  const value = body?.[name];
  return typeof value === 'string' ? value.replace(/\r\n/g, '\n').trim() : '';
}

/** Checked change, or the form's errors keyed by field (with what was typed, for the re-render). */
export type ParsedReportChange = { ok: true; change: ReportChange } | { ok: false; errors: Record<string, 'required' | 'tooLong' | 'invalid' | 'notAReport'>; values: Record<string, string> };

/**
 * Reads one of the staff forms (status, release, reassign, note, moderation, merge). A malformed value that no form
 * sends (an unknown status, a non-UUID department) is "invalid"; the caller decides if that is a
 * 400 or a message.
 */
export function parseReportChange(kind: ReportChange['kind'], body: Record<string, unknown> | undefined, options: { statuses: readonly string[]; departmentIds: readonly string[] }): ParsedReportChange {
  switch (kind) {
    case 'status': {
      const status = text(body, 'status');
      const comment = text(body, 'kommentar');
      const values = { status, kommentar: comment };
      if (!options.statuses.includes(status)) return { ok: false, errors: { status: 'invalid' }, values };
      if (comment.length > maxCommentLength) return { ok: false, errors: { kommentar: 'tooLong' }, values };
      return { ok: true, change: { kind, status: status as ReportStatus, publicComment: comment || null } };
    }
    case 'release': {
      const description = text(body, 'beschreibung');
      const raw = body?.foto;
      const photos = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(Number);
      const values = { beschreibung: description };
      if (description.length > maxDescriptionLength) return { ok: false, errors: { beschreibung: 'tooLong' }, values };
      if (photos.some((p) => !Number.isInteger(p) || p < 1 || p > 3)) return { ok: false, errors: { foto: 'invalid' }, values };
      return { ok: true, change: { kind, publicDescription: description || null, photos: [...new Set(photos)] } };
    }
    case 'reassign': {
      const departmentId = text(body, 'abteilung');
      if (!departmentId) return { ok: false, errors: { abteilung: 'required' }, values: { abteilung: departmentId } };
      if (!options.departmentIds.includes(departmentId)) return { ok: false, errors: { abteilung: 'invalid' }, values: { abteilung: departmentId } };
      return { ok: true, change: { kind, departmentId } };
    }
    case 'note': {
      const note = text(body, 'notiz');
      if (!note) return { ok: false, errors: { notiz: 'required' }, values: { notiz: note } };
      if (note.length > maxNoteLength) return { ok: false, errors: { notiz: 'tooLong' }, values: { notiz: note } };
      return { ok: true, change: { kind, text: note } };
    }
    case 'moderate': {
      const decision = text(body, 'entscheidung');
      if (decision !== 'public' && decision !== 'spam') return { ok: false, errors: { entscheidung: 'invalid' }, values: { entscheidung: decision } };
      return { ok: true, change: { kind, decision } };
    }
    case 'merge': {
      const given = text(body, 'meldung');
      const targetId = reportIdIn(given);
      if (!given) return { ok: false, errors: { meldung: 'required' }, values: { meldung: given } };
      if (!targetId || given.length > 500) return { ok: false, errors: { meldung: 'notAReport' }, values: { meldung: given } };
      return { ok: true, change: { kind, targetId } };
    }
  }
}

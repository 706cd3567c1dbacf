import { sql } from 'kysely';
import type { Config } from '../../config.js';
import { hashToken, newToken } from '../../platform/crypto/tokens.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { townUrl } from '../../platform/http/town-url.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import { enqueueJob, type JobHandler } from '../../platform/jobs/jobs.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { normalizeEmail } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { approximate, distanceMetres, languageOf, reportsPath } from './report.js';
import { findPublicReport } from './reports.repository.js';
import type { ReportSetup } from './reports.service.js';
import { t } from './report-alerts.i18n.js';

/** Job kinds: fan out a newly public report to matching alerts; one alert mail; one confirmation mail. */
export const alertFanOutJob = 'reports.alerts';
export const alertMailJob = 'reports.alert-mail';
export const alertConfirmJob = 'reports.alert-confirm';
/** Path of the alerts form; followed by a mail's token, the page that confirms or ends an alert. */
export const alertsPath = `${reportsPath}/benachrichtigungen`;
/** Alerts one address may have in a town (confirmed or not): a form cannot be used to flood a mailbox. */
export const maxAlertsPerAddress = 5;
/** How near a street's point a report must be for an alert on that street. */
export const alertStreetMetres = 250;
/** Largest box side in degrees (about 30 km): a box is an area of the town, not the world. */
const maxBoxDegrees = 0.3;
/** Days an unconfirmed alert is kept before it is deleted. */
const unconfirmedDays = 7;

/** The alerts form as typed. */
export interface AlertFormValues { email: string; kategorie: string; strasse: string; bereich: string }

/** A checked alert: whom to tell about which new reports. */
export interface CheckedAlert { email: string; categoryId: string | null; streetId: string | null; box: { minLon: number; minLat: number; maxLon: number; maxLat: number } | null }

/** Checks the alerts form: an address, and optionally a category, a street of the list and a box "min_long,min_lat,max_long,max_lat". */
export function checkAlertForm(setup: ReportSetup, values: AlertFormValues, lang: Lang): { ok: true; alert: CheckedAlert } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const email = normalizeEmail(values.email);
  if (!email) errors.email = t(lang, 'errorEmail');
  const category = setup.categories.find((c) => c.code === values.kategorie);
  if (values.kategorie && !category) errors.kategorie = t(lang, 'errorChoice');
  const street = setup.streets.find((s) => s.id === values.strasse);
  if (values.strasse && !street) errors.strasse = t(lang, 'errorChoice');
  let box: CheckedAlert['box'] = null;
  if (values.bereich.trim()) {
    const n = values.bereich.split(',').map((v) => Number(v.trim()));
    const [minLon, minLat, maxLon, maxLat] = n;
    const valid = n.length === 4 && n.every(Number.isFinite) && minLon! <= maxLon! && minLat! <= maxLat! && Math.abs(minLat!) <= 90 && Math.abs(maxLat!) <= 90
      && Math.abs(minLon!) <= 180 && Math.abs(maxLon!) <= 180 && maxLon! - minLon! <= maxBoxDegrees && maxLat! - minLat! <= maxBoxDegrees;
    if (valid) box = { minLon: minLon!, minLat: minLat!, maxLon: maxLon!, maxLat: maxLat! };
    else errors.bereich = t(lang, 'errorBox', { max: maxBoxDegrees });
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, alert: { email: email!, categoryId: category?.id ?? null, streetId: street?.id ?? null, box } };
}

/**
 * Stores an unconfirmed alert and queues its confirmation mail, unless the address has
 * `maxAlertsPerAddress` already (then nothing happens; the page says the same either way, so it
 * tells nobody which addresses subscribed). Unconfirmed alerts older than a week go first.
 */
export async function subscribeAlert(db: Db, tenantId: string, alert: CheckedAlert, lang: Lang): Promise<boolean> {
  return inTransaction(db, { tenantId }, async (trx) => {
    await trx.deleteFrom('report_alerts').where('confirmed_at', 'is', null).where('created_at', '<', sql<Date>`now() - make_interval(days => ${unconfirmedDays})`).execute();
    const { n } = await trx.selectFrom('report_alerts').select(sql<number>`count(*)::int`.as('n')).where('email', '=', alert.email).executeTakeFirstOrThrow();
    if (n >= maxAlertsPerAddress) return false;
    const { id } = await trx.insertInto('report_alerts').values({
      tenant_id: tenantId, email: alert.email, category_id: alert.categoryId, street_id: alert.streetId,
      min_lat: alert.box?.minLat ?? null, min_lon: alert.box?.minLon ?? null, max_lat: alert.box?.maxLat ?? null, max_lon: alert.box?.maxLon ?? null, lang,
    }).returning('id').executeTakeFirstOrThrow();
    await enqueueJob(trx, { tenantId, kind: alertConfirmJob, payload: { alertId: id } });
    await recordAudit(trx, { tenantId, actor: 'citizen', action: 'report-alert.requested', subject: `report-alert:${id}` });
    return true;
  });
}

/** Queues the alerts for a report that just became public (filed public, or approved), in the caller's transaction. */
export async function enqueueAlerts(trx: Trx, tenantId: string, reportId: string): Promise<void> {
  await enqueueJob(trx, { tenantId, kind: alertFanOutJob, payload: { reportId } });
}

async function findAlertOfToken(trx: Trx, token: string) {
  return trx.selectFrom('report_alert_tokens as k').innerJoin('report_alerts as a', (j) => j.onRef('a.tenant_id', '=', 'k.tenant_id').onRef('a.id', '=', 'k.alert_id'))
    .select(['a.id', 'a.confirmed_at']).where('k.token_hash', '=', hashToken(token)).executeTakeFirst();
}

/** Whether a mail's token belongs to an alert, and whether that alert is confirmed. */
export async function loadAlertOfToken(db: Db, tenantId: string, token: string): Promise<{ confirmed: boolean } | undefined> {
  const alert = await inTransaction(db, { tenantId }, (trx) => findAlertOfToken(trx, token));
  return alert && { confirmed: alert.confirmed_at !== null };
}

/** Confirms the alert of a token (idempotent) or ends it (deleted with its tokens); false for an unknown token. */
export async function changeAlert(db: Db, tenantId: string, token: string, action: 'confirm' | 'end'): Promise<boolean> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const alert = await findAlertOfToken(trx, token);
    if (!alert) return false;
    if (action === 'end') await trx.deleteFrom('report_alerts').where('id', '=', alert.id).execute();
    else await trx.updateTable('report_alerts').set({ confirmed_at: sql<Date>`coalesce(confirmed_at, now())` }).where('id', '=', alert.id).execute();
    await recordAudit(trx, { tenantId, actor: 'citizen', action: action === 'end' ? 'report-alert.ended' : 'report-alert.confirmed', subject: `report-alert:${alert.id}` });
    return true;
  });
}

/**
 * The alert jobs. The fan-out finds the confirmed alerts a public report matches (category, box on
 * the exact point, street within alertStreetMetres) and queues one mail each, so a failed mail is
 * retried alone. Each mail (and the confirmation) carries a fresh token, only its hash stored: the
 * confirmation's confirms, an alert's ends the alert. Alert mails say the category, the rounded
 * place and the public page; nothing the reporter typed.
 */
export function alertJobHandlers(deps: { db: Db; config: Config; mailer: Mailer; tenants: TenantDirectory }): Record<string, JobHandler> {
  const townOf = (tenantId: string | null) => {
    const town = tenantId ? deps.tenants.findById(tenantId) : undefined;
    if (!town) throw new Error('the town of the job does not exist');
    return town;
  };
  /** Stores a new token for an alert and returns the alert's address and language with it; undefined when the alert is gone. */
  const tokenFor = (trx: Trx, tenantId: string, alertId: string, confirmed: boolean) =>
    trx.selectFrom('report_alerts').select(['email', 'lang']).where('id', '=', alertId)
      .where('confirmed_at', confirmed ? 'is not' : 'is', null).executeTakeFirst().then(async (alert) => {
        if (!alert) return undefined;
        const token = newToken();
        await trx.insertInto('report_alert_tokens').values({ token_hash: hashToken(token), tenant_id: tenantId, alert_id: alertId }).execute();
        return { ...alert, lang: languageOf(alert.lang), token };
      });
  return {
    [alertConfirmJob]: async (job) => {
      const town = townOf(job.tenantId);
      const alert = await inTransaction(deps.db, { tenantId: town.id }, (trx) => tokenFor(trx, town.id, String(job.payload.alertId), false));
      if (!alert) return;
      await deps.mailer.send({
        tenantId: town.id, to: alert.email, subject: t(alert.lang, 'confirmSubject', { town: town.name }),
        text: t(alert.lang, 'confirmBody', { url: townUrl(deps.config, town, `${alertsPath}/${alert.token}`), days: unconfirmedDays, town: town.name }),
      });
    },
    [alertFanOutJob]: async (job) => {
      const town = townOf(job.tenantId);
      const reportId = String(job.payload.reportId);
      await inTransaction(deps.db, { tenantId: town.id }, async (trx) => {
        const report = await findPublicReport(trx, reportId);
        if (!report || report.duplicateOf) return;
        const candidates = await trx.selectFrom('report_alerts as a')
          .innerJoin('reports as r', (j) => j.onRef('r.tenant_id', '=', 'a.tenant_id').on('r.id', '=', reportId))
          .leftJoin('report_streets as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.street_id'))
          .select(['a.id', 's.lat', 's.lon']).where('a.confirmed_at', 'is not', null)
          .where(sql<boolean>`(a.category_id is null or a.category_id = r.category_id)
            and (a.min_lat is null or (r.lat between a.min_lat and a.max_lat and r.lon between a.min_lon and a.max_lon))`).execute();
        for (const alert of candidates) {
          if (alert.lat !== null && alert.lon !== null && distanceMetres(report, { lat: alert.lat, lon: alert.lon }) > alertStreetMetres) continue;
          await enqueueJob(trx, { tenantId: town.id, kind: alertMailJob, payload: { reportId, alertId: alert.id } });
        }
      });
    },
    [alertMailJob]: async (job) => {
      const town = townOf(job.tenantId);
      const found = await inTransaction(deps.db, { tenantId: town.id }, async (trx) => {
        const report = await findPublicReport(trx, String(job.payload.reportId));
        const alert = report && (await tokenFor(trx, town.id, String(job.payload.alertId), true));
        return report && alert && { report, alert };
      });
      if (!found) return;
      const { report, alert } = found;
      const category = localize(report.category.name, alert.lang);
      const place = report.locationLabel ?? `${approximate(report.lat)}, ${approximate(report.lon)}`;
      await deps.mailer.send({
        tenantId: town.id, to: alert.email, subject: t(alert.lang, 'alertSubject', { category, place }),
        text: t(alert.lang, 'alertBody', {
          category, place, url: townUrl(deps.config, town, `${reportsPath}/${report.id}`), unsubscribe: townUrl(deps.config, town, `${alertsPath}/${alert.token}`), town: town.name,
        }),
      });
    },
  };
}

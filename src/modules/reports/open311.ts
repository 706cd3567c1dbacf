import { localize } from '../../platform/i18n/i18n.js';
import { approximate, type PublicReport, type ReportCategory, type ReportStatus } from './report.js';

/** Open311 knows two states: a report is open until it is done or rejected. */
export function open311Status(status: ReportStatus): 'open' | 'closed' {
  return status === 'done' || status === 'rejected' ? 'closed' : 'open';
}

/** Our statuses behind an Open311 status filter. */
export function statusesOf(open311: 'open' | 'closed'): ReportStatus[] {
  return open311 === 'open' ? ['received', 'in_progress'] : ['done', 'rejected'];
}

/** A category as a GeoReport v2 service (an allow-list of fields; no extra questions exist yet, so no metadata). */
export function presentService(category: ReportCategory) {
  return {
    service_code: category.code,
    service_name: localize(category.name, 'de'),
    description: localize(category.description, 'de'),
    metadata: false,
    type: 'realtime',
    keywords: '',
    group: '',
  };
}

/**
 * A report as a GeoReport v2 service request: only what the public pages show, the description
 * only as released by a clerk, the place rounded to about 100 m, no address and no e-mail.
 */
export function presentRequest(report: PublicReport, publicUrl: string) {
  return {
    service_request_id: report.id,
    status: open311Status(report.status),
    status_notes: report.publicComment,
    service_name: localize(report.category.name, 'de'),
    service_code: report.category.code,
    description: report.publicDescription,
    agency_responsible: null,
    service_notice: null,
    requested_datetime: report.createdAt.toISOString(),
    updated_datetime: report.updatedAt.toISOString(),
    expected_datetime: null,
    address: report.locationLabel,
    address_id: null,
    zipcode: null,
    lat: approximate(report.lat),
    long: approximate(report.lon),
    media_url: null,
    url: publicUrl,
  };
}

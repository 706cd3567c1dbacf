import { localize } from '../../platform/i18n/i18n.js';
import { approximate, type PublicReport, type ReportCategory, type ReportStatus } from './report.js';

/** The two formats of every endpoint, chosen by the path's extension. */
export const open311Formats = ['json', 'xml'] as const;
/** A response format. */
export type Open311Format = (typeof open311Formats)[number];

/** Open311 knows two states: a report is open until it is done or rejected. */
export function open311Status(status: ReportStatus): 'open' | 'closed' {
  return status === 'done' || status === 'rejected' ? 'closed' : 'open';
}

/** Our statuses behind an Open311 status filter. */
export function statusesOf(open311: 'open' | 'closed'): ReportStatus[] {
  return open311 === 'open' ? ['received', 'in_progress'] : ['done', 'rejected'];
}

/** A category as a GeoReport v2 service (an allow-list of fields); metadata tells whether it has extra questions. */
export function presentService(category: ReportCategory) {
  return {
    service_code: category.code,
    service_name: localize(category.name, 'de'),
    description: localize(category.description, 'de'),
    metadata: category.attributes.length > 0,
    type: 'realtime',
    keywords: '',
    group: '',
  };
}

/**
 * A report as a GeoReport v2 service request: only what the public pages show, the description
 * only as released by a clerk, the place rounded to about 100 m, no address and no e-mail; the
 * media_url is a released photo's public address.
 */
export function presentRequest(report: PublicReport, publicUrl: string, mediaUrl: string | null) {
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
    media_url: mediaUrl,
    url: publicUrl,
  };
}

/** A category's extra questions as a GeoReport v2 service definition. */
export function presentServiceDefinition(category: ReportCategory) {
  return {
    service_code: category.code,
    attributes: category.attributes.map((a, i) => ({
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: null,
      order: i + 1,
      description: localize(a.description, 'de'),
      ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: localize(v.name, 'de') })) } : {}),
    })),
  };
}

// The element name of a list's items in the spec's XML (<services><service>, <service_requests><request>, ...).
const xmlItemNames: Record<string, string> = {
  services: 'service', service_requests: 'request', endpoints: 'endpoint', formats: 'format', attributes: 'attribute', values: 'value', errors: 'error',
};

/** Text escaped for XML 1.0 (characters it cannot carry are dropped). */
export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest escaped.
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlElement(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = xmlItemNames[name];
    if (!item) throw new Error(`no XML item name for the list ${name}`);
    return `<${name}>${value.map((v) => xmlElement(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => xmlElement(k, v)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A response body in the spec's XML: the same fields as the JSON, lists under their plural with singular items. */
export function toOpen311Xml(root: string, body: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${xmlElement(root, body)}`;
}

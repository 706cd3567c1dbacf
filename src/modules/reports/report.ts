import type { Localized } from '../../platform/i18n/i18n.js';

/** Where a report stands, as the public sees it; the same closed set as the CHECK in SQL. */
export const reportStatuses = ['received', 'in_progress', 'done', 'rejected'] as const;
/** Where a report stands. */
export type ReportStatus = (typeof reportStatuses)[number];

/** Longest description a citizen may type: enough for "where exactly, what exactly", short enough to review. */
export const maxDescriptionLength = 2000;
/** Photos per report (the "up to 3"). */
export const maxPhotos = 3;

/** Public paths of the defect reports. */
export const reportsPath = '/maengel';
export const newReportPath = '/maengel/melden';

/** A category citizens can report, routed to one department. */
export interface ReportCategory { id: string; code: string; name: Localized; description: Localized; departmentId: string }

/** A street of the town's list: the no-map way to say where. */
export interface ReportStreet { id: string; name: string; lat: number; lon: number }

/** What anyone may see of a report: never what the citizen typed unless a clerk released it. */
export interface PublicReport {
  id: string;
  category: { code: string; name: Localized };
  status: ReportStatus;
  lat: number;
  lon: number;
  locationLabel: string | null;
  publicComment: string | null;
  publicDescription: string | null;
  supports: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Coordinates rounded to about 100 m: the public sees roughly where, not whose doorstep. */
export function approximate(value: number): number {
  return Math.round(value * 1000) / 1000;
}

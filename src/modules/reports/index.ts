export { insertReportSetup as configureReports } from './reports.repository.js';
export { attributeDatatypes, reportStatuses, type ReportStatus, type PublicReport } from './report.js';
export { reportRoutes } from './reports.routes.js';
export { open311Routes } from './open311.routes.js';
export { open311AdminRoutes, reportStaffRoutes } from './reports.staff-routes.js';
export { reportJobHandlers } from './report-mail.js';
export { checkClientInput, registerOpen311Client } from './open311-clients.js';
export { reportOverviewRoutes } from './report-overview.routes.js';
export { redactClosedReports } from './report-retention.js';

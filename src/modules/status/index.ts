export { statusRoutes } from './status.routes.js';
export { statusJobHandlers } from './status-mail.js';
export { createStatusLink, statusUrl } from './status-links.js';
export { applicantStatusText, readApplicantStatus } from './applicant-status.js';
export { DocumentEntry, StatusHistory, Withdrawal, type ApplicantStatus, type WithdrawState } from './views/status-page.js';
export { t as statusTexts } from './status.i18n.js';

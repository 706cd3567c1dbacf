export { lettersStaffRoutes, sendDocument } from './letters.staff-routes.js';
export { documentReadyJob, listCaseDocuments, loadCaseDocuments, readDocumentForDownload, type CaseDocument } from './letters.service.js';
export { CaseDocumentsSection, deliveryText } from './views/letter-pages.js';
export { describeDocumentEvent } from './document-events.js';

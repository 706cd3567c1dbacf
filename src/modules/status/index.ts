export { statusRoutes } from './status.routes.js';
export { statusJobHandlers } from './status-mail.js';
export { createStatusLink, statusUrl } from './status-links.js';
export { DocumentEntry } from './views/status-page.js';

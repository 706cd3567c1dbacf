export { profileRoutes } from './profile.routes.js';
export { documentSafeRoutes } from './document-safe.routes.js';
export { prefillSource } from './profile.service.js';
export { findSafeDocuments, listSafeDocuments } from './document-safe.service.js';
export { profileDataSection } from './profile-data.js';

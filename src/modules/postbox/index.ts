export { postboxArea, postboxRoutes } from './postbox.routes.js';
export { postboxJobHandlers } from './postbox-mail.js';
export { postboxDataSection } from './postbox-data.js';

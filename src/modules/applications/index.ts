export { applicationRoutes } from './applications.routes.js';
export { applicationPaths } from './application-paths.js';

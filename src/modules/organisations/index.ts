export { organisationRoutes } from './organisations.routes.js';
export { organisationJobHandlers } from './organisation-mail.js';
export { accountActor, organisationsDataSection } from './organisations.service.js';

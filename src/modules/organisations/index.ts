export { organisationRoutes } from './organisations.routes.js';
export { organisationJobHandlers } from './organisation-mail.js';
export { accountActor, listMyOrganisations, organisationsDataSection } from './organisations.service.js';

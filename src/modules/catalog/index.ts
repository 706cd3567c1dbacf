export { Catalog, type CatalogEntry } from './catalog.js';
export { loadServices, type Service } from './service-registry.js';
export { serviceDefinition, serviceDefinitionJsonSchema, lifeSituations, type ServiceDefinition } from './service-definition.js';
export { catalogRoutes } from './catalog.routes.js';

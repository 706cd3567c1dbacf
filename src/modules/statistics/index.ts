export { statisticsRoutes } from './statistics.routes.js';
export { parsePeriod, type CaseFigures } from './statistics.js';

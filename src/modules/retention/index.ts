export { retentionRoutes } from './retention.routes.js';
export { retentionJobHandlers, runRetention, removeDeletedFiles, retentionReport, type RetentionOutcome } from './retention.service.js';
export { scheduleRetentionRun, retentionJob } from './retention.repository.js';
export { retentionRules, type RetentionRule } from './retention.js';

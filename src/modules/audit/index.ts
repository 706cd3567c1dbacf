export { recordAudit, type AuditEntry } from './audit.js';

export { recordAudit, type AuditEntry } from './audit.js';
export { sealAuditLog, verifyAuditChain } from './audit-chain.js';

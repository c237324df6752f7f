/**
 * @module core/audit
 * Public surface of the audit log (SEC-10, SEC-11, LGSP-33).
 */
export {
  AccessLog,
  applyRetention,
  audit,
  auditAlone,
  searchAudit,
  verifyChain,
  type AuditEntry,
  type AuditFilter,
  type AuditRow,
  type VerifyResult,
} from './service.ts';
export {
  auditCategories,
  auditCategoryNames,
  auditSeverities,
  type AuditCategory,
  type AuditSeverity,
} from './categories.ts';

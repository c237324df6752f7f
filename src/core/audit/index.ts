/**
 * @module core/audit
 * Public surface of the audit log (SEC-10, SEC-11, LGSP-33).
 */

export {
  type AuditCategory,
  type AuditSeverity,
  auditCategories,
  auditCategoryNames,
  auditSeverities,
} from './categories.ts';
export { auditRoutes, type VisibleUnits } from './routes.ts';
export {
  AccessLog,
  type AuditEntry,
  type AuditFilter,
  type AuditRow,
  type AuditStats,
  applyRetention,
  audit,
  auditActivity,
  auditAlone,
  auditEntriesAfter,
  auditStats,
  searchAudit,
  type VerifyResult,
  verifyChain,
} from './service.ts';

/**
 * @module core/audit/categories
 * Audit categories: the five of SEC-10 first, then module categories.
 */

export const auditCategories = {
  access: { vi: 'Truy cập', en: 'Access', defaultRetentionDays: 180 },
  login: { vi: 'Đăng nhập (quản trị)', en: 'Login (administration)', defaultRetentionDays: 365 },
  error: { vi: 'Lỗi phát sinh khi vận hành', en: 'Runtime errors', defaultRetentionDays: 180 },
  account: { vi: 'Quản lý tài khoản', en: 'Account management', defaultRetentionDays: 730 },
  config: { vi: 'Thay đổi cấu hình', en: 'Configuration change', defaultRetentionDays: 730 },
  org: { vi: 'Tổ chức, đơn vị', en: 'Organisation units', defaultRetentionDays: 1825 },
  backup: { vi: 'Sao lưu, khôi phục', en: 'Backup and restore', defaultRetentionDays: 730 },
  lgsp: { vi: 'Tích hợp, chia sẻ dữ liệu', en: 'Data integration and sharing', defaultRetentionDays: 365 },
  soc: { vi: 'Giám sát an ninh mạng', en: 'Security operations', defaultRetentionDays: 365 },
  ir: { vi: 'Ứng cứu sự cố', en: 'Incident response', defaultRetentionDays: 1825 },
  hrm: { vi: 'Quản lý CBCCVC', en: 'Civil-servant management', defaultRetentionDays: 1825 },
} as const;

export type AuditCategory = keyof typeof auditCategories;
export const auditCategoryNames = Object.keys(auditCategories) as AuditCategory[];

export type AuditSeverity = 'info' | 'notice' | 'warning' | 'error' | 'critical';
export const auditSeverities: AuditSeverity[] = ['info', 'notice', 'warning', 'error', 'critical'];

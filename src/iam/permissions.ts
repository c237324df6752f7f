/**
 * @module iam/permissions
 * Every permission in Tỉnh Số and the three built-in roles of SEC-08. A permission marked `admin`
 * administers the platform: routes requiring it are also restricted to the admin networks (SEC-07).
 * Modules add their permissions here so the roles matrix in the console shows them all.
 */

export const permissions = {
  'org.read': { vi: 'Xem cơ cấu tổ chức', en: 'View organisation units', admin: false },
  'org.write': { vi: 'Tạo, sửa, tổ chức lại đơn vị', en: 'Create, edit, reorganise units', admin: true },
  'iam.account.read': { vi: 'Xem tài khoản', en: 'View accounts', admin: true },
  'iam.account.write': { vi: 'Quản lý tài khoản', en: 'Manage accounts', admin: true },
  'iam.role.write': { vi: 'Quản lý vai trò, phân quyền', en: 'Manage roles and grants', admin: true },
  'iam.policy.write': { vi: 'Thiết lập chính sách an toàn', en: 'Set security policies', admin: true },
  'audit.read': { vi: 'Xem nhật ký hệ thống', en: 'View audit log', admin: true },
  'audit.policy.write': { vi: 'Thiết lập lưu giữ nhật ký', en: 'Set log retention', admin: true },
  'backup.read': { vi: 'Xem sao lưu', en: 'View backups', admin: true },
  'backup.run': { vi: 'Sao lưu, khôi phục', en: 'Run backups', admin: true },
  'backup.policy.write': { vi: 'Thiết lập chính sách sao lưu', en: 'Set backup policy', admin: true },
  'system.read': { vi: 'Xem tình trạng hệ thống', en: 'View system health', admin: true },
  'system.settings.write': {
    vi: 'Thiết lập thông tin chung (tên tỉnh)',
    en: 'Set platform settings (province name)',
    admin: true,
  },
  'lgsp.registry.read': {
    vi: 'Xem đơn vị kết nối, ứng dụng, dịch vụ LGSP',
    en: 'View LGSP connected units, applications and services',
    admin: false,
  },
  'lgsp.registry.write': {
    vi: 'Đăng ký ứng dụng, dịch vụ LGSP',
    en: 'Register LGSP applications and services',
    admin: true,
  },
  'lgsp.keys.write': {
    vi: 'Cấp, đổi, thu hồi khóa truy xuất LGSP',
    en: 'Issue, rotate and revoke LGSP access keys',
    admin: true,
  },
  'lgsp.rights.write': {
    vi: 'Cấp, thu hồi quyền truy xuất dịch vụ LGSP',
    en: 'Grant and revoke LGSP access rights',
    admin: true,
  },
  'lgsp.exchange.read': {
    vi: 'Xem nhật ký trao đổi, thống kê LGSP',
    en: 'View LGSP exchange records and statistics',
    admin: false,
  },
  'soc.events.read': {
    vi: 'Tìm kiếm, xem, xuất sự kiện an toàn thông tin (SIEM)',
    en: 'Search, view and export security events (SIEM)',
    admin: false,
  },
  'soc.sources.read': {
    vi: 'Xem nguồn nhật ký, dải IP công khai, tình trạng SIEM',
    en: 'View log sources, public IP ranges and SIEM health',
    admin: false,
  },
  'soc.sources.write': {
    vi: 'Quản lý nguồn nhật ký, hệ thống thông tin, dải IP công khai',
    en: 'Manage log sources, information systems and public IP ranges',
    admin: true,
  },
  'soc.config.write': {
    vi: 'Vận hành SIEM: đầu vào, mã nạp, luồng xử lý, lưu giữ, sao lưu cấu hình',
    en: 'Operate the SIEM: inputs, ingest tokens, pipelines, retention, configuration backup',
    admin: true,
  },
} as const satisfies Record<string, { vi: string; en: string; admin: boolean }>;

export type Permission = keyof typeof permissions;
export const allPermissions = Object.keys(permissions) as Permission[];

/** True when the permission administers the platform (SEC-07 applies). */
export function isAdminPermission(p: string): boolean {
  return (permissions as Record<string, { admin: boolean }>)[p]?.admin ?? false;
}

/** The three account groups of SEC-08, built in and not deletable. */
export const builtinRoles = {
  user: {
    vi: 'Người sử dụng thông thường',
    en: 'Ordinary user',
    permissions: ['org.read'] satisfies Permission[],
  },
  business_admin: {
    vi: 'Quản trị nghiệp vụ (mức sử dụng)',
    en: 'Business administrator',
    permissions: [
      'org.read',
      'org.write',
      'iam.account.read',
      'iam.account.write',
      'audit.read',
      'lgsp.registry.read',
      'lgsp.exchange.read',
      'soc.events.read',
      'soc.sources.read',
    ] satisfies Permission[],
  },
  tech_admin: {
    vi: 'Quản trị kỹ thuật (phát triển, vận hành)',
    en: 'Technical (development/operations) administrator',
    permissions: allPermissions,
  },
} as const;

export type BuiltinRole = keyof typeof builtinRoles;

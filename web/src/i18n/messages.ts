/**
 * @module web/i18n/messages
 * Every text of the console's shell in Vietnamese (default) and English, side by side so neither can be
 * forgotten. Features keep their own texts beside them with `defineMessages`.
 */

/** One text in both languages. */
export interface Text {
  vi: string;
  en: string;
}

/** Declares a feature's texts; the object keeps its keys for type-checked lookups. */
export function defineMessages<K extends string>(m: Record<K, Text>): Record<K, Text> {
  return m;
}

export const shell = defineMessages({
  appName: { vi: 'Tỉnh Số', en: 'Tỉnh Số' },
  appTagline: { vi: 'Nền tảng chính quyền số cấp tỉnh', en: 'Provincial digital government platform' },
  home: { vi: 'Trang chủ', en: 'Home' },
  search: {
    vi: 'Tìm đơn vị, tài khoản, chức năng… (Ctrl+K)',
    en: 'Search units, accounts, functions… (Ctrl+K)',
  },
  notifications: { vi: 'Thông báo', en: 'Notifications' },
  noNotifications: { vi: 'Không có thông báo mới', en: 'No new notifications' },
  markAllRead: { vi: 'Đánh dấu đã đọc tất cả', en: 'Mark all as read' },
  darkMode: { vi: 'Giao diện tối', en: 'Dark mode' },
  language: { vi: 'Ngôn ngữ', en: 'Language' },
  logout: { vi: 'Đăng xuất', en: 'Log out' },
  changePassword: { vi: 'Đổi mật khẩu', en: 'Change password' },
  scope: { vi: 'Phạm vi dữ liệu', en: 'Data scope' },
  scopeOwn: { vi: 'Đơn vị của mình', en: 'Own unit' },
  scopeSubtree: { vi: 'Đơn vị và cấp dưới', en: 'Unit and subordinates' },
  scopeAll: { vi: 'Toàn tỉnh', en: 'Whole province' },
  noUnit: { vi: 'Không thuộc đơn vị', en: 'No unit' },
  sessionExpiredTitle: { vi: 'Phiên làm việc đã kết thúc', en: 'Your session has ended' },
  sessionExpiringSoon: {
    vi: 'Phiên làm việc sẽ hết hạn sau {seconds} giây nếu không có thao tác.',
    en: 'Your session will expire in {seconds} seconds without activity.',
  },
  sessionIdleExpired: {
    vi: 'Phiên làm việc đã hết hạn do không hoạt động quá {minutes} phút. Vui lòng đăng nhập lại.',
    en: 'Your session expired after {minutes} minutes without activity. Please log in again.',
  },
  stayLoggedIn: { vi: 'Tiếp tục làm việc', en: 'Stay logged in' },
  loginAgain: { vi: 'Đăng nhập lại', en: 'Log in again' },
  offline: {
    vi: 'Mất kết nối tới máy chủ. Dữ liệu đang nhập vẫn được giữ.',
    en: 'Connection to the server lost. What you typed is kept.',
  },
  draftKept: {
    vi: 'Dữ liệu bạn đang nhập dở được giữ lại và sẽ được khôi phục sau khi đăng nhập lại.',
    en: 'What you were typing is kept and will be restored after you log in again.',
  },
  notFound: { vi: 'Không tìm thấy trang này.', en: 'This page does not exist.' },
  forbidden: { vi: 'Bạn không có quyền xem trang này.', en: 'You may not view this page.' },
  backHome: { vi: 'Về trang chủ', en: 'Back to home' },
  loading: { vi: 'Đang tải…', en: 'Loading…' },
  errorCode: { vi: 'Mã lỗi', en: 'Error code' },
  retry: { vi: 'Thử lại', en: 'Retry' },
  save: { vi: 'Lưu', en: 'Save' },
  cancel: { vi: 'Hủy', en: 'Cancel' },
  create: { vi: 'Tạo mới', en: 'Create' },
  edit: { vi: 'Sửa', en: 'Edit' },
  delete: { vi: 'Xóa', en: 'Delete' },
  confirm: { vi: 'Xác nhận', en: 'Confirm' },
  close: { vi: 'Đóng', en: 'Close' },
  exportXlsx: { vi: 'Xuất Excel', en: 'Export XLSX' },
  exportCsv: { vi: 'Xuất CSV', en: 'Export CSV' },
  columns: { vi: 'Cột hiển thị', en: 'Columns' },
  filter: { vi: 'Lọc', en: 'Filter' },
  reset: { vi: 'Đặt lại', en: 'Reset' },
  total: { vi: 'Tổng {n} bản ghi', en: '{n} records' },
  history: { vi: 'Lịch sử thay đổi', en: 'Change history' },
  details: { vi: 'Thông tin', en: 'Details' },
  saved: { vi: 'Đã lưu.', en: 'Saved.' },
  unsavedRestored: {
    vi: 'Đã khôi phục dữ liệu bạn nhập dở trước khi mất phiên.',
    en: 'Restored what you were typing before the session ended.',
  },
  // Menu groups
  menuSystem: { vi: 'Quản trị hệ thống', en: 'Administration' },
  menuOrg: { vi: 'Cơ cấu tổ chức', en: 'Organisation' },
  menuAccounts: { vi: 'Tài khoản', en: 'Accounts' },
  menuRoles: { vi: 'Vai trò và quyền', en: 'Roles and permissions' },
  menuPolicies: { vi: 'Chính sách an toàn', en: 'Security policies' },
  menuAudit: { vi: 'Nhật ký hệ thống', en: 'Audit log' },
  menuRetention: { vi: 'Lưu giữ nhật ký', en: 'Log retention' },
  menuBackup: { vi: 'Sao lưu', en: 'Backups' },
  menuHealth: { vi: 'Tình trạng hệ thống', en: 'System health' },
});

/** Replaces `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

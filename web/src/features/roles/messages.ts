/** Texts of the roles and permissions screen. */
import { defineMessages } from '../../i18n/messages';

export const m = defineMessages({
  title: { vi: 'Vai trò và phân quyền', en: 'Roles and permissions' },
  intro: {
    vi: 'Mỗi cột là một vai trò, mỗi dòng là một quyền. Ba vai trò dựng sẵn theo SEC-08 chỉ xem được; vai trò tùy chỉnh sửa trực tiếp trong ma trận rồi bấm Lưu.',
    en: 'Each column is a role, each row a permission. The three built-in roles of SEC-08 are read-only; edit custom roles in the matrix and press Save.',
  },
  permission: { vi: 'Quyền', en: 'Permission' },
  adminTag: { vi: 'Quản trị', en: 'Admin' },
  adminHint: {
    vi: 'Quyền quản trị: chỉ dùng được từ các mạng quản trị được phép (SEC-07).',
    en: 'Administrative permission: usable only from the allowed admin networks (SEC-07).',
  },
  builtin: { vi: 'Dựng sẵn', en: 'Built-in' },
  builtinHint: { vi: 'Vai trò dựng sẵn, không sửa được', en: 'Built-in role, read-only' },
  newRole: { vi: 'Tạo vai trò', en: 'New role' },
  editRole: { vi: 'Sửa tên vai trò', en: 'Rename role' },
  deleteRole: { vi: 'Xóa vai trò', en: 'Delete role' },
  deleteConfirm: {
    vi: 'Xóa vai trò “{name}”? Tài khoản đang có vai trò này sẽ mất các quyền của nó.',
    en: 'Delete the role “{name}”? Accounts holding it lose its permissions.',
  },
  deleted: { vi: 'Đã xóa vai trò.', en: 'Role deleted.' },
  saved: { vi: 'Đã lưu vai trò “{name}”.', en: 'Role “{name}” saved.' },
  saveChanges: { vi: 'Lưu thay đổi ({count})', en: 'Save changes ({count})' },
  discard: { vi: 'Hủy thay đổi', en: 'Discard changes' },
  unsaved: { vi: 'Có thay đổi chưa lưu', en: 'Unsaved changes' },
  roleId: { vi: 'Mã vai trò', en: 'Role code' },
  roleIdHelp: {
    vi: 'Chữ thường không dấu, số và gạch dưới, bắt đầu bằng chữ (ví dụ: can_bo_to_chuc).',
    en: 'Lower-case letters, digits and underscores, starting with a letter (e.g. hr_officer).',
  },
  roleIdInvalid: { vi: 'Mã vai trò không hợp lệ.', en: 'Invalid role code.' },
  roleIdTaken: { vi: 'Mã vai trò đã tồn tại.', en: 'This role code already exists.' },
  nameVi: { vi: 'Tên tiếng Việt', en: 'Vietnamese name' },
  nameEn: { vi: 'Tên tiếng Anh', en: 'English name' },
  copyFrom: { vi: 'Sao chép quyền từ', en: 'Copy permissions from' },
  copyNone: { vi: 'Không sao chép (bắt đầu trống)', en: 'None (start empty)' },
  required: { vi: 'Bắt buộc nhập.', en: 'Required.' },
  save: { vi: 'Lưu', en: 'Save' },
  cancel: { vi: 'Hủy', en: 'Cancel' },
  delete: { vi: 'Xóa', en: 'Delete' },
  countOf: { vi: '{n} quyền', en: '{n} permissions' },
  areaOther: { vi: 'Khác', en: 'Other' },
  grant: { vi: 'Cấp quyền “{perm}” cho vai trò “{role}”', en: 'Grant “{perm}” to role “{role}”' },
  noRoles: { vi: 'Chưa có vai trò nào.', en: 'No roles yet.' },
});

/** Labels of permission areas (the first part of a permission id). */
export const areas = defineMessages({
  org: { vi: 'Cơ cấu tổ chức', en: 'Organisation' },
  iam: { vi: 'Tài khoản và phân quyền', en: 'Accounts and access' },
  audit: { vi: 'Nhật ký hệ thống', en: 'Audit log' },
  backup: { vi: 'Sao lưu', en: 'Backups' },
  system: { vi: 'Hệ thống', en: 'System' },
  hrm: { vi: 'Quản lý CBCCVC', en: 'Civil-servant management' },
  lgsp: { vi: 'Tích hợp, chia sẻ dữ liệu', en: 'Data integration and sharing' },
  soc: { vi: 'Giám sát an ninh mạng', en: 'Security operations' },
  ir: { vi: 'Ứng cứu sự cố', en: 'Incident response' },
});

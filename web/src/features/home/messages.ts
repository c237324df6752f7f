/** Texts of the home page. */
import { defineMessages } from '../../i18n/messages';

export const homeText = defineMessages({
  hello: { vi: 'Xin chào, {name}', en: 'Hello, {name}' },
  province: { vi: 'Tỉnh', en: 'Province' },
  setupTitle: { vi: 'Bắt đầu sử dụng ({done}/{total} bước)', en: 'Getting started ({done}/{total} steps)' },
  stepProvince: { vi: 'Đặt tên tỉnh', en: 'Name the province' },
  stepOrg: { vi: 'Nhập hoặc tạo cây đơn vị', en: 'Import or create the organisation tree' },
  stepPolicies: { vi: 'Thiết lập chính sách an toàn thông tin', en: 'Set the security policies' },
  stepAccounts: { vi: 'Tạo tài khoản người dùng', en: 'Create accounts' },
  stepBackup: { vi: 'Thiết lập chính sách sao lưu', en: 'Set the backup policy' },
  provinceName: { vi: 'Tên tỉnh', en: 'Province name' },
  provincePlaceholder: { vi: 'Ví dụ: Tỉnh Hà Giang', en: 'e.g. Hà Giang Province' },
  open: { vi: 'Mở', en: 'Open' },
  units: { vi: 'Đơn vị trong phạm vi', en: 'Units in scope' },
  accounts: { vi: 'Tài khoản trong phạm vi', en: 'Accounts in scope' },
  activity: { vi: 'Hoạt động 14 ngày qua (nhật ký)', en: 'Activity in the last 14 days (audit log)' },
  setupDone: { vi: 'Đã hoàn thành các bước thiết lập ban đầu.', en: 'Initial setup is complete.' },
});

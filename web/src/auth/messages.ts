/** Texts of the login, TOTP and password pages. */
import { defineMessages } from '../i18n/messages';

export const authText = defineMessages({
  title: { vi: 'Đăng nhập', en: 'Log in' },
  username: { vi: 'Tên đăng nhập', en: 'Username' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  submit: { vi: 'Đăng nhập', en: 'Log in' },
  required: { vi: 'Vui lòng nhập {field}.', en: 'Please enter {field}.' },
  totpTitle: { vi: 'Xác thực hai lớp', en: 'Two-step verification' },
  totpHint: {
    vi: 'Nhập mã 6 chữ số trong ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…).',
    en: 'Enter the 6-digit code from your authenticator app.',
  },
  totpCode: { vi: 'Mã xác thực', en: 'Code' },
  verify: { vi: 'Xác nhận', en: 'Verify' },
  changeTitle: { vi: 'Đổi mật khẩu', en: 'Change password' },
  changeForced: {
    vi: 'Bạn phải đổi mật khẩu trước khi tiếp tục (đăng nhập lần đầu hoặc mật khẩu đã đến hạn đổi).',
    en: 'You must change your password before continuing (first login or the password is due for change).',
  },
  currentPassword: { vi: 'Mật khẩu hiện tại', en: 'Current password' },
  newPassword: { vi: 'Mật khẩu mới', en: 'New password' },
  confirmPassword: { vi: 'Nhập lại mật khẩu mới', en: 'Repeat the new password' },
  mismatch: { vi: 'Hai mật khẩu mới không giống nhau.', en: 'The two new passwords differ.' },
  passwordRules: {
    vi: 'Mật khẩu mới phải theo chính sách mật khẩu của hệ thống (độ dài, chữ hoa, chữ thường, chữ số, ký tự đặc biệt; không trùng mật khẩu cũ).',
    en: 'The new password must follow the password policy (length, upper and lower case, digits, symbols; not a previous password).',
  },
  changed: { vi: 'Đã đổi mật khẩu.', en: 'Password changed.' },
  expiredTitle: { vi: 'Mật khẩu đã hết hiệu lực', en: 'Password expired' },
  expiredHint: {
    vi: 'Đổi mật khẩu để mở khóa tài khoản, rồi đăng nhập bằng mật khẩu mới.',
    en: 'Change the password to unlock the account, then log in with the new password.',
  },
  backToLogin: { vi: 'Quay lại đăng nhập', en: 'Back to login' },
  sessionEnded: { vi: 'Phiên làm việc đã kết thúc', en: 'Session ended' },
});

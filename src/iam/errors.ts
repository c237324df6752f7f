/**
 * @module iam/errors
 * Error codes of identity and access management (SEC-01..SEC-09).
 */
import { defineErrors } from '../core/errors/define.ts';

export const iamErrors = defineErrors({
  IAM_UNAUTHENTICATED: {
    status: 401,
    vi: 'Bạn cần đăng nhập để sử dụng chức năng này.',
    en: 'You must log in to use this function.',
  },
  IAM_SESSION_EXPIRED: {
    status: 401,
    vi: 'Phiên làm việc đã hết hạn do không hoạt động quá {minutes} phút. Vui lòng đăng nhập lại.',
    en: 'Your session expired after {minutes} minutes without activity. Please log in again.',
  },
  IAM_FORBIDDEN: {
    status: 403,
    vi: 'Bạn không có quyền thực hiện thao tác này.',
    en: 'You do not have permission to do this.',
  },
  IAM_INVALID_CREDENTIALS: {
    status: 401,
    vi: 'Tên đăng nhập hoặc mật khẩu không đúng. Còn {remaining} lần thử trước khi tài khoản bị khóa.',
    en: 'Wrong username or password. {remaining} attempts left before the account is locked.',
  },
  IAM_CURRENT_PASSWORD_WRONG: {
    status: 400,
    vi: 'Mật khẩu hiện tại không đúng. Còn {remaining} lần thử trước khi tài khoản bị khóa.',
    en: 'The current password is wrong. {remaining} attempts left before the account is locked.',
  },
  IAM_ACCOUNT_LOCKED: {
    status: 423,
    vi: 'Tài khoản đã bị khóa do đăng nhập sai quá {limit} lần. Liên hệ quản trị viên để mở khóa.',
    en: 'The account is locked after more than {limit} failed logins. Ask an administrator to unlock it.',
  },
  IAM_ACCOUNT_DISABLED: {
    status: 423,
    vi: 'Tài khoản đã bị vô hiệu hóa.',
    en: 'The account is disabled.',
  },
  IAM_PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    vi: 'Bạn phải đổi mật khẩu trước khi tiếp tục ({reason}).',
    en: 'You must change your password before continuing ({reason}).',
  },
  IAM_PASSWORD_POLICY: {
    status: 400,
    vi: 'Mật khẩu không đạt chính sách: {rules}',
    en: 'The password does not meet the policy: {rules}',
  },
  IAM_PASSWORD_EXPIRED: {
    status: 403,
    vi: 'Mật khẩu đã hết hiệu lực ({days} ngày) nên tài khoản tạm khóa. Hãy đổi mật khẩu để mở khóa tài khoản.',
    en: 'The password expired ({days} days) so the account is locked. Change the password to unlock it.',
  },
  IAM_PASSWORD_REUSED: {
    status: 400,
    vi: 'Không được dùng lại {count} mật khẩu gần nhất.',
    en: 'None of the last {count} passwords may be reused.',
  },
  IAM_TOTP_REQUIRED: {
    status: 401,
    vi: 'Nhập mã xác thực 6 số từ ứng dụng xác thực.',
    en: 'Enter the 6-digit code from your authenticator app.',
  },
  IAM_TOTP_INVALID: {
    status: 401,
    vi: 'Mã xác thực không đúng hoặc đã hết hạn.',
    en: 'The authentication code is wrong or expired.',
  },
  IAM_ADMIN_NETWORK_DENIED: {
    status: 403,
    vi: 'Địa chỉ {ip} không thuộc mạng được phép quản trị từ xa.',
    en: 'Address {ip} is not in a network allowed to administer remotely.',
  },
  IAM_USERNAME_TAKEN: {
    status: 409,
    vi: 'Tên đăng nhập {username} đã tồn tại.',
    en: 'Username {username} is already taken.',
  },
  IAM_TOKEN_INVALID: {
    status: 401,
    vi: 'Mã truy cập API không hợp lệ, đã bị thu hồi hoặc hết hạn.',
    en: 'The API token is invalid, revoked or expired.',
  },
  IAM_LAST_ADMIN: {
    status: 409,
    vi: 'Không thể khóa hoặc bỏ quyền quản trị viên kỹ thuật cuối cùng.',
    en: 'The last technical administrator cannot be locked or demoted.',
  },
  IAM_SELF_LOCKOUT: {
    status: 409,
    vi: 'Danh sách mạng quản trị mới không chứa địa chỉ {ip} của bạn; thao tác sẽ khóa chính bạn.',
    en: 'The new admin network list does not contain your address {ip}; it would lock you out.',
  },
});

/**
 * @module lgsp/registry/errors
 * Error codes of the LGSP registry: applications, services, keys and access rights.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The registry's error codes, merged into the catalogue by src/lgsp/errors.ts. */
export const registryErrors = defineErrors({
  LGSP_APPLICATION_NOT_FOUND: {
    status: 404,
    // No id in the text: another unit's application must read exactly like one that does not exist.
    vi: 'Không tìm thấy ứng dụng kết nối, hoặc bạn không có quyền truy cập.',
    en: 'Connected application not found, or no access.',
  },
  LGSP_APPLICATION_CODE_TAKEN: {
    status: 409,
    vi: 'Mã ứng dụng {code} đã được dùng.',
    en: 'Application code {code} is already taken.',
  },
  LGSP_APPLICATION_SUSPENDED: {
    status: 409,
    vi: 'Ứng dụng {code} đang bị tạm dừng.',
    en: 'Application {code} is suspended.',
  },
  LGSP_ALGORITHM_NOT_ALLOWED: {
    status: 400,
    vi: 'Thuật toán {algorithm} không dùng được cho ứng dụng loại {kind}.',
    en: 'Algorithm {algorithm} cannot be used by a {kind} application.',
  },
  LGSP_NETWORK_INVALID: {
    status: 400,
    vi: 'Mạng được phép không hợp lệ (cần địa chỉ IP hoặc CIDR): {value}',
    en: 'Allowed network is not an IP address or CIDR: {value}',
  },
  LGSP_UNIT_NOT_CONNECTABLE: {
    status: 409,
    vi: 'Đơn vị {code} đã đóng (giải thể, sáp nhập, chia tách), không thể đăng ký kết nối mới.',
    en: 'Unit {code} is closed (dissolved, merged or split) and cannot register new connections.',
  },
  LGSP_SERVICE_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy dịch vụ, hoặc bạn không có quyền truy cập.',
    en: 'Service not found, or no access.',
  },
  LGSP_SERVICE_CODE_TAKEN: {
    status: 409,
    vi: 'Đơn vị đã có dịch vụ mã {code}.',
    en: 'The unit already has a service with code {code}.',
  },
  LGSP_SERVICE_URL_INVALID: {
    status: 400,
    vi: 'Địa chỉ dịch vụ không hợp lệ ({reason}).',
    en: 'The service address is not valid ({reason}).',
  },
  LGSP_KEY_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy khóa truy xuất, hoặc bạn không có quyền truy cập.',
    en: 'Access key not found, or no access.',
  },
  LGSP_KEY_ALREADY_REVOKED: {
    status: 409,
    vi: 'Khóa truy xuất {accessKey} đã bị thu hồi.',
    en: 'Access key {accessKey} is already revoked.',
  },
  LGSP_KEY_ACTIVE_EXISTS: {
    status: 409,
    vi: 'Ứng dụng đã có khóa đang hiệu lực; dùng chức năng đổi khóa.',
    en: 'The application already has an active key; rotate it instead.',
  },
  LGSP_KEY_KIND_MISMATCH: {
    status: 409,
    vi: 'Ứng dụng loại {kind} không dùng cách cấp khóa này.',
    en: 'A {kind} application does not take keys this way.',
  },
  LGSP_PUBLIC_KEY_INVALID: {
    status: 400,
    vi: 'Khóa công khai hoặc chứng thư số không đọc được hoặc không phải khóa RSA ({reason}).',
    en: 'The public key or certificate is unreadable or not an RSA key ({reason}).',
  },
  LGSP_CERTIFICATE_EXPIRED: {
    status: 400,
    vi: 'Chứng thư số đã hết hạn (ngày {notAfter}).',
    en: 'The certificate expired on {notAfter}.',
  },
  LGSP_CERTIFICATE_NOT_YET_VALID: {
    status: 400,
    vi: 'Chứng thư số chưa có hiệu lực (từ ngày {notBefore}).',
    en: 'The certificate is not valid before {notBefore}.',
  },
  LGSP_KEY_TOO_WEAK: {
    status: 400,
    vi: 'Khóa RSA {bits} bit quá yếu; cần tối thiểu {minimum} bit.',
    en: 'An RSA key of {bits} bits is too weak; at least {minimum} bits are required.',
  },
  LGSP_RIGHT_NOT_FOUND: {
    status: 404,
    vi: 'Ứng dụng chưa được cấp quyền truy xuất dịch vụ này.',
    en: 'The application holds no right on this service.',
  },
  LGSP_RIGHT_OPERATION_NOT_ALLOWED: {
    status: 400,
    vi: 'Dịch vụ không nhận thao tác {operations}; các thao tác của dịch vụ: {allowed}.',
    en: 'The service does not accept {operations}; its operations are {allowed}.',
  },
});

/**
 * @module lgsp/auth/errors
 * Error codes of the authentication service (Article 10): signatures, key state, replay, networks and
 * session keys. Each refusal has its own code so an agency developer can tell what to fix
 * (docs/lgsp/signing.md lists them with their meaning).
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The authentication service's error codes, merged into the catalogue by src/lgsp/errors.ts. */
export const authErrors = defineErrors({
  LGSP_SIGNATURE_INVALID: {
    status: 401,
    vi: 'Chữ ký của yêu cầu không hợp lệ.',
    en: 'The request signature is not valid.',
  },
  LGSP_SIGNATURE_MISSING: {
    status: 401,
    vi: 'Yêu cầu thiếu thông tin chữ ký (tiêu đề {field}).',
    en: 'The request lacks signature information (header {field}).',
  },
  LGSP_SIGNATURE_MALFORMED: {
    status: 400,
    vi: 'Thông tin chữ ký không đúng định dạng (tiêu đề {field}: {reason}).',
    en: 'The signature information is malformed (header {field}: {reason}).',
  },
  LGSP_ACCESS_KEY_UNKNOWN: {
    status: 401,
    vi: 'Khóa truy xuất không tồn tại.',
    en: 'The access key is unknown.',
  },
  LGSP_ACCESS_KEY_REVOKED: {
    status: 401,
    vi: 'Khóa truy xuất đã bị thu hồi.',
    en: 'The access key has been revoked.',
  },
  LGSP_ACCESS_KEY_EXPIRED: {
    status: 401,
    vi: 'Khóa truy xuất đã được thay và hết thời gian dùng song song; hãy dùng khóa mới.',
    en: 'The access key was replaced and its overlap period is over; use the new key.',
  },
  LGSP_APPLICATION_SUSPENDED: {
    status: 403,
    vi: 'Ứng dụng kết nối đang bị tạm dừng.',
    en: 'The connected application is suspended.',
  },
  LGSP_ALGORITHM_NOT_ALLOWED: {
    status: 401,
    vi: 'Thuật toán ký {algorithm} không được phép cho ứng dụng này.',
    en: 'The signing algorithm {algorithm} is not allowed for this application.',
  },
  LGSP_TIMESTAMP_SKEW: {
    status: 401,
    vi: 'Thời điểm ký lệch {skewSeconds} giây so với máy chủ, quá mức cho phép {maxSkewSeconds} giây; hãy đồng bộ đồng hồ.',
    en: 'The signing time differs from the server by {skewSeconds} s, more than the allowed {maxSkewSeconds} s; synchronise the clock.',
  },
  LGSP_NONCE_REPLAYED: {
    status: 401,
    vi: 'Yêu cầu đã được gửi trước đó (nonce trùng lặp).',
    en: 'The request was already received (nonce replayed).',
  },
  LGSP_NETWORK_NOT_ALLOWED: {
    status: 403,
    vi: 'Ứng dụng không được phép kết nối từ địa chỉ {ip}.',
    en: 'The application may not connect from the address {ip}.',
  },
  LGSP_BODY_DIGEST_MISMATCH: {
    status: 400,
    vi: 'Nội dung nhận được không khớp với mã băm SHA-256 đã ký.',
    en: 'The body received does not match the signed SHA-256 digest.',
  },
  LGSP_SESSION_INVALID: {
    status: 401,
    vi: 'Khóa phiên truy xuất không hợp lệ.',
    en: 'The access session key is not valid.',
  },
  LGSP_SESSION_EXPIRED: {
    status: 401,
    vi: 'Khóa phiên truy xuất đã hết hạn; hãy xin khóa phiên mới.',
    en: 'The access session key has expired; request a new one.',
  },
  LGSP_ACCESS_DENIED: {
    status: 403,
    vi: 'Ứng dụng không có quyền truy xuất dịch vụ {service} của đơn vị {unitCode}.',
    en: 'The application has no right to the service {service} of the unit {unitCode}.',
  },
});

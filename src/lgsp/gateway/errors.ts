/**
 * @module lgsp/gateway/errors
 * Error codes of the API gateway and the exchange records. Each code also has an X-Road-like category
 * (`Client…`, `Server.ClientProxy…`, `Server.ServerProxy…`) written to the log, see `gatewayErrorCategory`.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The gateway's error codes, merged into the catalogue by src/lgsp/errors.ts. */
export const gatewayErrors = defineErrors({
  LGSP_DESTINATION_OFFLINE: {
    status: 503,
    vi: 'Dịch vụ đích {service} của đơn vị {unitCode} ngừng kết nối từ {since}.',
    en: 'Destination {service} of unit {unitCode} has been offline since {since}.',
  },
  LGSP_PATH_DOT_SEGMENT: {
    status: 400,
    vi: 'Đường dẫn có đoạn "." hoặc ".." (kể cả dạng mã hoá %2e): nền tảng không chuyển tiếp, vì nó có thể ra ngoài đường dẫn gốc của dịch vụ.',
    en: 'The path has a "." or ".." segment (also when encoded as %2e): the platform does not forward it, as it could leave the service\'s base path.',
  },
  LGSP_OPERATION_NOT_ALLOWED: {
    status: 403,
    vi: 'Ứng dụng không được quyền gọi {method} trên dịch vụ {service}.',
    en: 'The application may not call {method} on service {service}.',
  },
  LGSP_SESSION_WRONG_SERVICE: {
    status: 403,
    vi: 'Khóa phiên được cấp cho dịch vụ khác, không dùng được cho dịch vụ {service}.',
    en: 'The session key was issued for another service and cannot be used for {service}.',
  },
  LGSP_SESSION_NOT_YOURS: {
    status: 403,
    vi: 'Khóa phiên được cấp cho ứng dụng khác.',
    en: 'The session key was issued to another application.',
  },
  LGSP_SESSION_NOT_SIGNED: {
    status: 401,
    vi: 'Tiêu đề X-Lgsp-Session phải nằm trong các tiêu đề được ký (X-Lgsp-Signed-Headers).',
    en: 'The X-Lgsp-Session header must be among the signed headers (X-Lgsp-Signed-Headers).',
  },
  LGSP_RATE_LIMITED: {
    status: 429,
    vi: 'Ứng dụng đã vượt giới hạn {limit} yêu cầu mỗi phút. Vui lòng thử lại sau {retryAfter} giây.',
    en: 'The application exceeded its limit of {limit} requests per minute. Try again in {retryAfter} seconds.',
  },
  LGSP_QUOTA_EXCEEDED: {
    status: 429,
    vi: 'Ứng dụng đã dùng hết hạn mức {quota} yêu cầu trong ngày. Vui lòng thử lại sau {retryAfter} giây.',
    en: 'The application used up its quota of {quota} requests for the day. Try again in {retryAfter} seconds.',
  },
  LGSP_BODY_TOO_LARGE: {
    status: 413,
    vi: 'Dữ liệu gửi qua cổng kết nối vượt quá {limit} byte.',
    en: 'The body sent through the gateway exceeds {limit} bytes.',
  },
  LGSP_BODY_DIGEST_MISMATCH: {
    status: 400,
    vi: 'Dữ liệu nhận được không khớp với X-Lgsp-Content-SHA256 đã ký; yêu cầu không được chuyển tiếp.',
    en: 'The body received does not match the signed X-Lgsp-Content-SHA256; the request was not forwarded.',
  },
  LGSP_BODY_MALFORMED: {
    status: 400,
    vi: 'Dữ liệu {format} không hợp lệ nên không chuyển đổi được: {reason}',
    en: 'The {format} body is malformed and cannot be converted: {reason}',
  },
  LGSP_CONVERSION_TOO_LARGE: {
    status: 413,
    vi: 'Dữ liệu cần chuyển đổi JSON↔XML vượt quá {limit} byte; hãy gửi đúng định dạng của dịch vụ đích.',
    en: 'The body to convert between JSON and XML exceeds {limit} bytes; send the destination’s own format.',
  },
  LGSP_DESTINATION_TIMEOUT: {
    status: 504,
    vi: 'Dịch vụ đích {service} không trả lời trong {timeoutMs} ms.',
    en: 'Destination {service} did not answer within {timeoutMs} ms.',
  },
  LGSP_DESTINATION_UNREACHABLE: {
    status: 502,
    vi: 'Không kết nối được tới dịch vụ đích {service}.',
    en: 'Destination {service} cannot be reached.',
  },
  LGSP_DESTINATION_BAD_RESPONSE: {
    status: 502,
    vi: 'Dịch vụ đích {service} trả lời không hợp lệ.',
    en: 'Destination {service} gave an invalid answer.',
  },
  LGSP_DESTINATION_CIRCUIT_OPEN: {
    status: 503,
    vi: 'Tạm ngừng chuyển tiếp tới dịch vụ {service} sau nhiều lỗi liên tiếp; thử lại sau {retryAfter} giây.',
    en: 'Forwarding to {service} is paused after repeated failures; try again in {retryAfter} seconds.',
  },
});

/** Codes of the gateway. */
export type GatewayErrorCode = keyof typeof gatewayErrors;

/**
 * X-Road's error categories (pr-rest §4): `Client.*` the caller's fault, `Server.ClientProxy.*` refused
 * by the platform on the caller's side, `Server.ServerProxy.*` the destination's side. Logged beside the code.
 */
export function gatewayErrorCategory(code: string): string {
  switch (code) {
    case 'LGSP_BODY_TOO_LARGE':
    case 'LGSP_BODY_DIGEST_MISMATCH':
    case 'LGSP_BODY_MALFORMED':
    case 'LGSP_CONVERSION_TOO_LARGE':
    case 'LGSP_SESSION_NOT_SIGNED':
    case 'LGSP_PATH_DOT_SEGMENT':
      return `Client.BadRequest.${code}`;
    case 'LGSP_ACCESS_DENIED':
    case 'LGSP_OPERATION_NOT_ALLOWED':
    case 'LGSP_SESSION_WRONG_SERVICE':
    case 'LGSP_SESSION_NOT_YOURS':
    case 'LGSP_RATE_LIMITED':
    case 'LGSP_QUOTA_EXCEEDED':
      return `Server.ClientProxy.${code}`;
    case 'LGSP_DESTINATION_OFFLINE':
    case 'LGSP_DESTINATION_TIMEOUT':
    case 'LGSP_DESTINATION_UNREACHABLE':
    case 'LGSP_DESTINATION_BAD_RESPONSE':
    case 'LGSP_DESTINATION_CIRCUIT_OPEN':
      return `Server.ServerProxy.${code}`;
    default:
      return code.startsWith('LGSP_SIGNATURE') || code.startsWith('LGSP_')
        ? `Client.Auth.${code}`
        : `Server.${code}`;
  }
}

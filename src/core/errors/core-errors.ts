/**
 * @module core/errors/core-errors
 * Error codes raised by the platform core (HTTP edge, config, database, audit, backups, scheduler).
 */
import { defineErrors } from './define.ts';

export const coreErrors = defineErrors({
  VALIDATION_FAILED: {
    status: 400,
    vi: 'Dữ liệu gửi lên không hợp lệ: {summary}',
    en: 'The submitted data is invalid: {summary}',
  },
  MALFORMED_REQUEST: {
    status: 400,
    vi: 'Yêu cầu không đúng định dạng (ví dụ JSON lỗi cú pháp).',
    en: 'The request is malformed (for example, invalid JSON).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    vi: 'Kiểu nội dung không được hỗ trợ.',
    en: 'The content type is not supported.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    vi: 'Dữ liệu gửi lên vượt quá kích thước cho phép.',
    en: 'The request body is larger than allowed.',
  },
  NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy hoặc bạn không có quyền truy cập.',
    en: 'Not found or no access.',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    vi: 'Không có địa chỉ {method} {url}.',
    en: 'There is no route {method} {url}.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    vi: 'Phương thức không được phép.',
    en: 'Method not allowed.',
  },
  CONFLICT: {
    status: 409,
    vi: 'Dữ liệu đã bị thay đổi hoặc trùng lặp: {reason}',
    en: 'The data conflicts with existing data: {reason}',
  },
  RATE_LIMITED: {
    status: 429,
    vi: 'Quá nhiều yêu cầu. Vui lòng thử lại sau {retryAfter} giây.',
    en: 'Too many requests. Try again in {retryAfter} seconds.',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    vi: 'Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF). Hãy tải lại trang.',
    en: 'The anti-forgery (CSRF) token is missing or wrong. Reload the page.',
  },
  INSECURE_TRANSPORT: {
    status: 403,
    vi: 'Thông tin xác thực chỉ được gửi qua HTTPS (hoặc từ máy cục bộ, hoặc qua proxy TLS đã cấu hình tin cậy). Hãy dùng địa chỉ https://.',
    en: 'Credentials are accepted only over HTTPS (or from loopback, or through a configured trusted TLS proxy). Use the https:// address.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    vi: 'Hệ thống đang khởi động hoặc dừng, vui lòng thử lại sau.',
    en: 'The system is starting or stopping; try again shortly.',
  },
  DATABASE_IN_USE: {
    status: 409,
    vi: 'Cơ sở dữ liệu nhúng đang được tiến trình {pid} ({command}) sử dụng. Hãy dừng máy chủ (tinhso serve hoặc npm start) rồi chạy lại lệnh, hoặc làm việc này trên bảng điều khiển. Nếu tiến trình {pid} không phải Tỉnh Số, hãy xoá tệp {file}.',
    en: 'The embedded database is in use by process {pid} ({command}). Stop the server (tinhso serve or npm start) and run the command again, or do this from the console. If process {pid} is not Tỉnh Số, delete {file}.',
  },
  INTERNAL: {
    status: 500,
    vi: 'Đã xảy ra lỗi hệ thống. Mã tra cứu: {requestId}.',
    en: 'An internal error occurred. Reference: {requestId}.',
  },
  CONFIG_INVALID: {
    status: 500,
    vi: 'Cấu hình không hợp lệ: {summary}',
    en: 'The configuration is invalid: {summary}',
  },
  AUDIT_CHAIN_BROKEN: {
    status: 500,
    vi: 'Nhật ký hệ thống bị thay đổi tại bản ghi {seq} (nhóm {category}).',
    en: 'The audit log was altered at entry {seq} (category {category}).',
  },
  BACKUP_FAILED: {
    status: 500,
    vi: 'Sao lưu không thành công: {reason}',
    en: 'The backup failed: {reason}',
  },
  BACKUP_INVALID: {
    status: 400,
    vi: 'Tệp sao lưu không hợp lệ hoặc bị hỏng: {reason}',
    en: 'The backup file is invalid or damaged: {reason}',
  },
  RESTORE_TARGET_NOT_EMPTY: {
    status: 409,
    vi: 'Chỉ khôi phục được vào cơ sở dữ liệu trống.',
    en: 'A backup can only be restored into an empty database.',
  },
  BACKUP_RUNNING: {
    status: 409,
    vi: 'Một bản sao lưu khác đang chạy; hãy đợi nó hoàn tất.',
    en: 'Another backup is running; wait for it to finish.',
  },
  SCHEDULER_JOB_BUSY: {
    status: 409,
    vi: 'Công việc định kỳ {job} đang chạy (trên máy chủ {owner}).',
    en: 'The scheduled job {job} is already running (on node {owner}).',
  },
  BUS_PAYLOAD_TOO_LARGE: {
    status: 500,
    vi: 'Thông điệp gửi trên kênh sự kiện {topic} quá lớn ({bytes} byte, tối đa {limit} byte).',
    en: 'The message published on event topic {topic} is too large ({bytes} bytes, at most {limit}).',
  },
});

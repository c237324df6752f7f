/**
 * @module soc/ingest/files/errors
 * Error codes of forensic file imports: refused uploads, unknown or finished jobs, and the codes a failed
 * job records (shown by the console from the same catalogue).
 */
import { defineErrors } from '../../../core/errors/define.ts';

/** The file imports' error codes, spread into `socErrors`. */
export const fileImportErrors = defineErrors({
  SOC_IMPORT_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy lượt nhập tệp, hoặc bạn không có quyền truy cập.',
    en: 'File import not found, or no access.',
  },
  SOC_IMPORT_TOO_LARGE: {
    status: 413,
    vi: 'Tệp nhập vượt quá kích thước cho phép ({maxBytes} byte).',
    en: 'The imported file is larger than allowed ({maxBytes} bytes).',
  },
  SOC_IMPORT_EMPTY: {
    status: 400,
    vi: 'Tệp nhập rỗng.',
    en: 'The imported file is empty.',
  },
  SOC_IMPORT_UPLOAD_ABORTED: {
    status: 400,
    vi: 'Việc tải tệp lên bị ngắt giữa chừng; không có gì được nhập.',
    en: 'The upload was interrupted; nothing was imported.',
  },
  SOC_IMPORT_FINISHED: {
    status: 409,
    vi: 'Lượt nhập tệp đã kết thúc ({state}), không thể hủy.',
    en: 'The file import has already ended ({state}) and cannot be cancelled.',
  },
  SOC_IMPORT_GZIP_INVALID: {
    status: 422,
    vi: 'Tệp nén gzip bị hỏng hoặc không phải gzip.',
    en: 'The gzip file is damaged or not gzip.',
  },
  SOC_IMPORT_EXPANDS_TOO_MUCH: {
    status: 422,
    vi: 'Tệp nén giải nén ra quá lớn (hơn {maxBytes} byte); dừng để bảo vệ hệ thống.',
    en: 'The compressed file expands too much (over {maxBytes} bytes); stopped to protect the system.',
  },
  SOC_IMPORT_INTERRUPTED: {
    status: 500,
    vi: 'Lượt nhập bị gián đoạn do máy chủ dừng; các sự kiện đã nạp vẫn được giữ.',
    en: 'The import was interrupted by a server stop; events already taken in are kept.',
  },
  SOC_IMPORT_READ_FAILED: {
    status: 500,
    vi: 'Không đọc được tệp nhập.',
    en: 'The imported file could not be read.',
  },
});

/** A code a failed job records. */
export type ImportFailureCode =
  | 'SOC_IMPORT_GZIP_INVALID'
  | 'SOC_IMPORT_EXPANDS_TOO_MUCH'
  | 'SOC_IMPORT_INTERRUPTED'
  | 'SOC_IMPORT_READ_FAILED';

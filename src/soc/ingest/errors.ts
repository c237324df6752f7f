/**
 * @module soc/ingest/errors
 * Error codes of the SIEM's HTTP inputs (JSON, NDJSON, Elasticsearch-compatible _bulk) and ingest tokens.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The ingest part's error codes, spread into `socErrors`. */
export const ingestErrors = defineErrors({
  SOC_INGEST_TOKEN_INVALID: {
    status: 401,
    vi: 'Mã nạp dữ liệu (ingest token) thiếu, sai hoặc đã bị thu hồi.',
    en: 'The ingest token is missing, wrong or revoked.',
  },
  SOC_INGEST_TOKEN_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy mã nạp dữ liệu, hoặc bạn không có quyền truy cập.',
    en: 'Ingest token not found, or no access.',
  },
  SOC_INGEST_TOKEN_ALREADY_REVOKED: {
    status: 409,
    vi: 'Mã nạp dữ liệu {id} đã bị thu hồi trước đó.',
    en: 'Ingest token {id} is already revoked.',
  },
  SOC_INPUT_STOPPED: {
    status: 503,
    vi: 'Đầu vào {input} của SIEM đang dừng; hãy bật lại trong màn hình vận hành SIEM.',
    en: 'The SIEM input {input} is stopped; start it again from the SIEM operations screen.',
  },
  SOC_INGEST_BODY_TOO_LARGE: {
    status: 413,
    vi: 'Dữ liệu gửi lên (sau giải nén) vượt quá {limit} byte.',
    en: 'The request body (after decompression) is larger than {limit} bytes.',
  },
  SOC_INGEST_JSON_TOO_DEEP: {
    status: 400,
    vi: 'Tài liệu JSON lồng quá sâu (quá {limit} cấp) ở dòng {line}; không nhận sự kiện nào của yêu cầu.',
    en: 'A JSON document nests deeper than {limit} levels (line {line}); no event of the request was taken.',
  },
  SOC_INGEST_JSON_TOO_LARGE: {
    status: 400,
    vi: 'Tài liệu JSON có quá nhiều khóa/phần tử (quá {limit}) ở dòng {line}; không nhận sự kiện nào của yêu cầu.',
    en: 'A JSON document has more than {limit} keys/elements (line {line}); no event of the request was taken.',
  },
  SOC_INGEST_JSON_INVALID: {
    status: 400,
    vi: 'Nội dung không phải JSON hợp lệ: {reason}',
    en: 'The body is not valid JSON: {reason}',
  },
  SOC_INGEST_ENCODING_UNSUPPORTED: {
    status: 415,
    vi: 'Kiểu nén {encoding} không được hỗ trợ (chỉ nhận gzip, deflate hoặc không nén).',
    en: 'Content encoding {encoding} is not supported (gzip, deflate or none).',
  },
  SOC_INGEST_BODY_CORRUPT: {
    status: 400,
    vi: 'Không giải nén được dữ liệu gửi lên ({reason}).',
    en: 'The request body could not be decompressed ({reason}).',
  },
  SOC_BULK_MALFORMED: {
    status: 400,
    vi: 'Yêu cầu _bulk sai định dạng ở dòng {line}: {reason}',
    en: 'The _bulk request is malformed at line {line}: {reason}',
  },
});

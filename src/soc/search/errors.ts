/**
 * @module soc/search/errors
 * Error codes of the event search: query syntax and values, time ranges, paging, events, saved searches.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The search's error codes, merged into the catalogue by src/soc/errors.ts. */
export const searchErrors = defineErrors({
  SOC_QUERY_SYNTAX: {
    status: 400,
    vi: 'Không đọc được câu truy vấn tại vị trí {position}: {reason}',
    en: 'The query cannot be read at position {position}: {reason}',
  },
  SOC_QUERY_VALUE: {
    status: 400,
    vi: 'Giá trị "{value}" không dùng được cho trường {field} (cần {expected}), tại vị trí {position}.',
    en: 'Value "{value}" cannot be used for field {field} (expected {expected}), at position {position}.',
  },
  SOC_QUERY_TOO_COMPLEX: {
    status: 400,
    vi: 'Câu truy vấn quá phức tạp (tối đa {max} {what}).',
    en: 'The query is too complex (at most {max} {what}).',
  },
  SOC_TIME_RANGE_INVALID: {
    status: 400,
    vi: 'Khoảng thời gian không hợp lệ: {reason}',
    en: 'Invalid time range: {reason}',
  },
  SOC_SEARCH_TIMEOUT: {
    status: 503,
    vi: 'Tìm kiếm chạy quá {seconds} giây và đã được dừng: hãy thu hẹp khoảng thời gian hoặc thêm điều kiện theo trường (host.name, user.name, source.ip…).',
    en: 'The search ran longer than {seconds} seconds and was stopped: narrow the time range or add field conditions (host.name, user.name, source.ip…).',
  },
  SOC_CURSOR_INVALID: {
    status: 400,
    vi: 'Con trỏ phân trang không hợp lệ.',
    en: 'The paging cursor is not valid.',
  },
  SOC_FIELD_NOT_AGGREGATABLE: {
    status: 400,
    vi: 'Không thể thống kê theo trường {field}.',
    en: 'Field {field} cannot be aggregated.',
  },
  SOC_EVENT_NOT_FOUND: {
    status: 404,
    // Same text whether the event does not exist or belongs to a unit outside the caller's scope.
    vi: 'Không tìm thấy sự kiện, hoặc bạn không có quyền truy cập.',
    en: 'Event not found, or no access.',
  },
  SOC_SAVED_SEARCH_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy tìm kiếm đã lưu, hoặc bạn không có quyền truy cập.',
    en: 'Saved search not found, or no access.',
  },
  SOC_SAVED_SEARCH_NOT_OWNER: {
    status: 403,
    vi: 'Chỉ người tạo mới được sửa hoặc xóa tìm kiếm đã lưu này.',
    en: 'Only its owner may change or delete this saved search.',
  },
  SOC_SAVED_SEARCH_NAME_TAKEN: {
    status: 409,
    vi: 'Bạn đã có tìm kiếm đã lưu tên "{name}".',
    en: 'You already have a saved search named "{name}".',
  },
});

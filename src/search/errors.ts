/**
 * @module search/errors
 * Error codes of the global search.
 */
import { defineErrors } from '../core/errors/define.ts';

/** The search module's error codes, merged into the catalogue by src/errors.ts. */
export const searchErrors = defineErrors({
  SEARCH_QUERY_INVALID: {
    status: 400,
    vi: 'Từ khóa tìm kiếm phải có từ 1 đến {max} ký tự (không tính khoảng trắng ở hai đầu).',
    en: 'The search text must be 1 to {max} characters long (not counting surrounding spaces).',
  },
});

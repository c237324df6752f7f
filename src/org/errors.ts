/**
 * @module org/errors
 * Error codes of the organisation tree and its identifier codes (QCVN 102:2016, LGSP-22).
 */
import { defineErrors } from '../core/errors/define.ts';

/** The organisation module's error codes, merged into the catalogue by src/errors.ts. */
export const orgErrors = defineErrors({
  ORG_CODE_INVALID: {
    status: 400,
    vi: 'Mã định danh {code} không đúng cấu trúc QCVN 102:2016 (dạng 000.00.00.H23).',
    en: 'Identifier code {code} does not follow the QCVN 102:2016 structure (like 000.00.00.H23).',
  },
  ORG_CODE_TAKEN: {
    status: 409,
    vi: 'Mã định danh {code} đã được dùng (kể cả mã đã đóng không được dùng lại).',
    en: 'Identifier code {code} is already used (closed codes are never reused).',
  },
  ORG_CODE_PARENT_MISMATCH: {
    status: 400,
    vi: 'Mã {code} không khớp với mã đơn vị cấp trên {parentCode}.',
    en: 'Code {code} is not consistent with the parent code {parentCode}.',
  },
  ORG_CODE_LEVEL_EXCEEDED: {
    status: 400,
    vi: 'QCVN 102:2016 chỉ có 4 cấp; thao tác này sẽ đặt đơn vị dưới {code} ở cấp {level}.',
    en: 'QCVN 102:2016 has only 4 levels; this would put a unit under {code} at level {level}.',
  },
  ORG_CODE_EXHAUSTED: {
    status: 409,
    vi: 'Đã hết mã định danh còn trống cho đơn vị trực thuộc {parentCode}.',
    en: 'No free identifier code is left for subordinate units of {parentCode}.',
  },
  ORG_UNIT_CLOSED: {
    status: 409,
    vi: 'Đơn vị {code} đã giải thể hoặc sáp nhập, không thể thay đổi.',
    en: 'Unit {code} has been dissolved or merged and cannot be changed.',
  },
  ORG_UNIT_HAS_CHILDREN: {
    status: 409,
    vi: 'Đơn vị còn {count} đơn vị trực thuộc đang hoạt động; hãy chuyển hoặc giải thể chúng trước.',
    en: 'The unit still has {count} active subordinate units; move or dissolve them first.',
  },
  ORG_CYCLE: {
    status: 400,
    vi: 'Không thể chuyển đơn vị vào chính đơn vị trực thuộc của nó.',
    en: 'A unit cannot be moved under one of its own subordinates.',
  },
  ORG_IMPORT_INVALID: {
    status: 400,
    vi: 'Tệp nhập có {count} dòng lỗi; không dòng nào được ghi. Dòng đầu tiên lỗi: {first}',
    en: 'The import file has {count} invalid rows; nothing was written. First error: {first}',
  },
  ORG_IMPORT_UNREADABLE: {
    status: 400,
    vi: 'Không đọc được tệp {format}: {reason}',
    en: 'The {format} file cannot be read: {reason}',
  },
});

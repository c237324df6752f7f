/**
 * @module lgsp/availability/errors
 * Error codes of online/offline detection and its statistics.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The availability part's error codes, merged into the catalogue by src/lgsp/errors.ts. */
export const availabilityErrors = defineErrors({
  LGSP_AVAILABILITY_RANGE_INVALID: {
    status: 400,
    vi: 'Khoảng thời gian thống kê không hợp lệ: {reason}.',
    en: 'Invalid statistics period: {reason}.',
  },
  LGSP_AVAILABILITY_SERVICE_INACTIVE: {
    status: 409,
    vi: 'Dịch vụ {service} đang tạm ngừng trong danh mục nên không kiểm tra kết nối.',
    en: 'Service {service} is suspended in the registry, so it is not probed.',
  },
});

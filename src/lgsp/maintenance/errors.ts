/**
 * @module lgsp/maintenance/errors
 * Error codes of maintenance notices.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** Maintenance notices' error codes, merged into the catalogue by src/lgsp/errors.ts. */
export const maintenanceErrors = defineErrors({
  LGSP_MAINTENANCE_WINDOW_INVALID: {
    status: 400,
    vi: 'Thời gian bảo trì không hợp lệ: {reason}.',
    en: 'The maintenance window is not valid: {reason}.',
  },
  LGSP_MAINTENANCE_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy thông báo bảo trì {id}.',
    en: 'Maintenance notice {id} was not found.',
  },
  LGSP_MAINTENANCE_ALREADY_CANCELLED: {
    status: 409,
    vi: 'Thông báo bảo trì {id} đã được hủy.',
    en: 'Maintenance notice {id} has already been cancelled.',
  },
});

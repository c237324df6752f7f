/**
 * @module soc/inputs/errors
 * Error codes of the SIEM's input registry and control.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The input registry's error codes, spread into `socErrors`. */
export const inputErrors = defineErrors({
  SOC_INPUT_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy đầu vào {id}.',
    en: 'Input {id} not found.',
  },
  SOC_INPUT_TLS_NO_CERTIFICATE: {
    status: 409,
    vi: 'Chưa cấu hình chứng thư số TLS của nền tảng (tls.mode), không thể bật đầu vào syslog qua TLS.',
    en: 'The platform has no TLS certificate configured (tls.mode): syslog over TLS cannot start.',
  },
  SOC_INPUT_START_FAILED: {
    status: 409,
    vi: 'Không khởi động được đầu vào {id} trên máy chủ này: {reason}',
    en: 'Input {id} could not start on this node: {reason}',
  },
  SOC_INPUT_CHARSET_UNKNOWN: {
    status: 400,
    vi: 'Bảng mã {charset} không được hỗ trợ.',
    en: 'Charset {charset} is not supported.',
  },
  SOC_INPUT_SETTING_INVALID: {
    status: 400,
    vi: 'Thiết lập {setting} không hợp lệ cho đầu vào {id}: {reason}',
    en: 'Setting {setting} is not valid for input {id}: {reason}',
  },
});

/**
 * @module soc/config/errors
 * Error codes of the SIEM configuration export and import.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The configuration part's error codes, spread into `socErrors`. */
export const configErrors = defineErrors({
  SOC_CONFIG_FORMAT: {
    status: 400,
    vi: 'Tệp không phải cấu hình SIEM của Tỉnh Số (format tinhso-soc-config, version 1).',
    en: 'The file is not a Tỉnh Số SIEM configuration (format tinhso-soc-config, version 1).',
  },
});

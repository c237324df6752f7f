/**
 * @module demo/errors
 * Error codes of the demo data command.
 */
import { defineErrors } from '../core/errors/define.ts';

/** The demo module's error codes, merged into the catalogue by src/errors.ts. */
export const demoErrors = defineErrors({
  DEMO_DATABASE_NOT_EMPTY: {
    status: 409,
    vi: 'Cơ sở dữ liệu đã có {units} đơn vị: dữ liệu mẫu chỉ được tạo trên cơ sở dữ liệu chưa có cơ cấu tổ chức.',
    en: 'The database already holds {units} units: demo data is only created in a database without an organisation tree.',
  },
});

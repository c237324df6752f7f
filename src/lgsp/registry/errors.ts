/**
 * @module lgsp/registry/errors
 * Error codes of the LGSP registry: applications, services, keys and access rights.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The registry's error codes, merged into the catalogue by src/lgsp/errors.ts. */
export const registryErrors = defineErrors({
  LGSP_APPLICATION_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy ứng dụng kết nối {id}.',
    en: 'Connected application {id} was not found.',
  },
});

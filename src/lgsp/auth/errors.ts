/**
 * @module lgsp/auth/errors
 * Error codes of the authentication service (Article 10): signatures, replay, session keys.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The authentication service's error codes, merged into the catalogue by src/lgsp/errors.ts. */
export const authErrors = defineErrors({
  LGSP_SIGNATURE_INVALID: {
    status: 401,
    vi: 'Chữ ký của yêu cầu không hợp lệ.',
    en: 'The request signature is not valid.',
  },
});

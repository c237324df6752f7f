/**
 * @module lgsp/gateway/errors
 * Error codes of the API gateway and the exchange records.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The gateway's error codes, merged into the catalogue by src/lgsp/errors.ts. */
export const gatewayErrors = defineErrors({
  LGSP_DESTINATION_OFFLINE: {
    status: 503,
    vi: 'Dịch vụ đích {service} của đơn vị {unitCode} ngừng kết nối từ {since}.',
    en: 'Destination {service} of unit {unitCode} has been offline since {since}.',
  },
});

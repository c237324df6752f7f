/**
 * @module lgsp/errors
 * Every LGSP error code, composed from the parts' own tables (registry, authentication, gateway).
 */
import { authErrors } from './auth/errors.ts';
import { availabilityErrors } from './availability/errors.ts';
import { gatewayErrors } from './gateway/errors.ts';
import { maintenanceErrors } from './maintenance/errors.ts';
import { registryErrors } from './registry/errors.ts';

/** The LGSP module's error codes, merged into the catalogue by src/errors.ts. */
export const lgspErrors = {
  ...registryErrors,
  ...authErrors,
  ...gatewayErrors,
  ...availabilityErrors,
  ...maintenanceErrors,
} as const;

/**
 * @module soc/config
 * The SIEM configuration as one document (SOC-16, configuration backup): export, and import or preview.
 */
import type { SocPart } from '../deps.ts';
import { configRoutes } from './routes.ts';
import { type ConfigService, type ConfigServiceDeps, createConfigService } from './service.ts';

export { configErrors } from './errors.ts';
export type { SocConfigDocument } from './schema.ts';

/** The configuration part. */
export interface SocConfig extends SocPart {
  readonly service: ConfigService;
}

/** Creates the part over the other parts' services. */
export function createSocConfig(deps: ConfigServiceDeps): SocConfig {
  const service = createConfigService(deps);
  return { service, routes: configRoutes(service) };
}

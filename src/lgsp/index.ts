/**
 * @module lgsp
 * Public surface of the LGSP module: the provincial data integration and sharing platform. Composes
 * its parts (registry → authentication → availability → gateway) and registers their routes.
 */
import type { App } from '../core/http/types.ts';
import { activeHoldersCovering } from '../iam/index.ts';
import { type AuthService, createAuthService } from './auth/index.ts';
import { type Availability, createAvailability } from './availability/index.ts';
import type { LgspDeps } from './deps.ts';
import { type ExchangeRow, exchangesAfter } from './exchange/index.ts';
import { createGateway, type Gateway } from './gateway/index.ts';
import { createMaintenanceService, type MaintenanceService, maintenanceRoutes } from './maintenance/index.ts';
import { createRegistry, type Registry } from './registry/index.ts';

export type * from './contracts.ts';
export type { LgspDeps } from './deps.ts';

/** The LGSP module's services. */
export interface Lgsp {
  readonly registry: Registry;
  readonly auth: AuthService;
  readonly availability: Availability;
  readonly gateway: Gateway;
  readonly maintenance: MaintenanceService;
  /** Exchange records written after `afterSeq`, in write order: for followers such as the SOC (LGSP-31). */
  exchangesAfter(afterSeq: number, limit: number): Promise<ExchangeRow[]>;
  /** Registers every LGSP route: `/api/lgsp/…` and the gateway paths at the root. */
  register(app: App): Promise<void>;
  close(): Promise<void>;
}

/** Creates the LGSP module over the platform services. */
export function createLgsp(deps: LgspDeps): Lgsp {
  const registry = createRegistry(deps);
  const auth = createAuthService({ ...deps, registry: registry.lookup });
  const availability = createAvailability({
    ...deps,
    registry: registry.lookup,
    listDestinations: () => registry.listDestinations(),
    unitsWithRightsTo: (serviceId) => registry.unitsWithRightsTo(serviceId),
  });
  const gateway = createGateway({ ...deps, registry: registry.lookup, auth, availability });
  const maintenance = createMaintenanceService({
    db: deps.platform.db,
    now: () => deps.platform.now(),
    notifications: deps.notifications,
    holders:
      deps.permissionHolders ??
      ((permission, unitId) =>
        activeHoldersCovering(deps.platform.db, permission, unitId ? { id: unitId, ancestorIds: [] } : null)),
  });
  deps.scheduler.register(maintenance.reminderJob);
  return {
    registry,
    auth,
    availability,
    gateway,
    maintenance,
    exchangesAfter: (afterSeq, limit) => exchangesAfter(deps.platform.db, afterSeq, limit),
    async register(app) {
      await app.register(
        async (api: App) => {
          await registry.routes(api);
          await availability.routes(api);
          await gateway.routes(api);
          await maintenanceRoutes(maintenance)(api);
        },
        { prefix: '/api/lgsp' },
      );
      await app.register(async (auth_: App) => auth.routes(auth_), { prefix: '/api/lgsp/auth' });
      await gateway.registerProxy(app);
    },
    async close() {
      await gateway.close();
      await availability.close();
      registry.close();
    },
  };
}

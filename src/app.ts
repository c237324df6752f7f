/**
 * @module app
 * The composition root: creates every module's services over the platform and registers their
 * routes on one server. The only file that knows all modules.
 */

import { type ConsoleService, consoleRoutes, createConsoleService } from './console/index.ts';
import { auditRoutes } from './core/audit/index.ts';
import { type BackupService, backupNotice, createBackupService, systemRoutes } from './core/backup/index.ts';
import { type Bus, createBus } from './core/bus/index.ts';
import { HealthSampler, healthRoutes } from './core/health/index.ts';
import { buildServer } from './core/http/server.ts';
import type { App } from './core/http/types.ts';
import {
  createNotificationService,
  type HolderLookup,
  type NotificationService,
  notificationRoutes,
} from './core/notifications/index.ts';
import type { Platform } from './core/platform.ts';
import { createScheduler, type Scheduler } from './core/scheduler/index.ts';
import {
  activeHoldersCovering,
  autoLockNotice,
  createIam,
  credentialsStillValid,
  type Iam,
} from './iam/index.ts';
import { createLgsp, type Lgsp } from './lgsp/index.ts';
import { createOrgService, type OrgService, orgRoutes } from './org/index.ts';
import { createSearchService, type SearchService, searchRoutes } from './search/index.ts';
import { createSoc, type Soc } from './soc/index.ts';

/** Every module's services, for the HTTP server, the CLI and tests. */
export interface Services {
  scheduler: Scheduler;
  backup: BackupService;
  org: OrgService;
  iam: Iam;
  bus: Bus;
  notifications: NotificationService;
  console: ConsoleService;
  search: SearchService;
  lgsp: Lgsp;
  soc: Soc;
}

/** Creates the services and runs their start-up work (built-in roles). The scheduler is not started. */
export async function createServices(platform: Platform): Promise<Services> {
  const scheduler = createScheduler(platform);
  const backup = createBackupService(platform, scheduler);
  const org = createOrgService(platform);
  const iam = createIam(platform, org);
  await iam.init();
  const bus = createBus(platform);
  // Listening before serving, so a notification made on another node right after start is not missed.
  await bus.ready();
  const holders: HolderLookup = async (permission, unitId) =>
    activeHoldersCovering(
      platform.db,
      permission,
      unitId ? { id: unitId, ancestorIds: await org.ancestorIds(unitId) } : null,
    );
  const notifications = createNotificationService(platform, bus, holders);
  scheduler.register(notifications.pruneJob);
  // Who hears of what: backups go to those who may see them, an automatic lock to the administrators of
  // accounts whose scope covers the locked account's unit.
  backup.onFinished(async (record) => {
    await notifications.notifyHolders('backup.read', null, backupNotice(record));
  });
  iam.auth.onAutoLock(async (account) => {
    await notifications.notifyHolders('iam.account.write', account.unitId, autoLockNotice(account));
  });
  const search = createSearchService({ org, iam });
  const consoleService = createConsoleService(platform, org, iam);
  const lgsp = createLgsp({
    platform,
    org,
    bus,
    notifications,
    scheduler,
    permissionHolders: holders,
  });
  const soc = createSoc({
    platform,
    org,
    bus,
    notifications,
    scheduler,
    permissionHolders: holders,
    lgspExchangesAfter: (afterSeq, limit) => lgsp.exchangesAfter(afterSeq, limit),
  });
  return { scheduler, backup, org, iam, bus, notifications, search, console: consoleService, lgsp, soc };
}

/** Stops what the services run (the SIEM drains into the store first), then the bus; not the database. */
export async function closeServices(services: Services): Promise<void> {
  await services.soc.close();
  await services.lgsp.close();
  services.notifications.close();
  await services.bus.close();
}

/** Builds the HTTP server with every module's routes, and the web console when `consoleDir` is given. */
export async function createApp(
  platform: Platform,
  services: Services,
  options: { consoleDir?: string } = {},
): Promise<App> {
  return buildServer(platform, {
    consoleDir: options.consoleDir,
    register: async (app, { metrics }) => {
      await services.iam.register(app);
      await app.register(orgRoutes(services.org), { prefix: '/api/org' });
      await app.register(
        auditRoutes(platform, (ctx) => services.org.visibleUnitIds(ctx)),
        { prefix: '/api/audit' },
      );
      await app.register(systemRoutes({ platform, scheduler: services.scheduler, backup: services.backup }), {
        prefix: '/api/system',
      });
      const sampler = new HealthSampler({
        now: () => platform.now(),
        accessLog: platform.accessLog,
        database: platform.database,
        metrics,
        log: platform.log,
      });
      sampler.start();
      await app.register(
        healthRoutes({
          platform,
          sampler,
          scheduler: services.scheduler,
          backup: services.backup,
          bus: services.bus,
          streams: () => services.notifications.streams,
        }),
        { prefix: '/api/system' },
      );
      await app.register(
        notificationRoutes({
          notifications: services.notifications,
          stillAuthorised: (request) => credentialsStillValid(services.iam, request),
        }),
        { prefix: '/api/notifications' },
      );
      app.addHook('onClose', async () => {
        sampler.stop();
        await closeServices(services);
      });
      await app.register(searchRoutes(services.search), { prefix: '/api' });
      await app.register(consoleRoutes(services.console), { prefix: '/api/console' });
      await services.lgsp.register(app);
      await services.soc.register(app);
      metrics.include(services.soc.health.registry);
    },
  });
}

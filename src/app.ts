/**
 * @module app
 * The composition root: creates every module's services over the platform and registers their
 * routes on one server. The only file that knows all modules.
 */

import { type ConsoleService, consoleRoutes, createConsoleService } from './console/index.ts';
import { auditRoutes } from './core/audit/index.ts';
import { type BackupService, createBackupService, systemRoutes } from './core/backup/index.ts';
import { buildServer } from './core/http/server.ts';
import type { App } from './core/http/types.ts';
import type { Platform } from './core/platform.ts';
import { createScheduler, type Scheduler } from './core/scheduler/index.ts';
import { createIam, type Iam } from './iam/index.ts';
import { createOrgService, type OrgService, orgRoutes } from './org/index.ts';
import { createSearchService, type SearchService, searchRoutes } from './search/index.ts';

/** Every module's services, for the HTTP server, the CLI and tests. */
export interface Services {
  scheduler: Scheduler;
  backup: BackupService;
  org: OrgService;
  iam: Iam;
  console: ConsoleService;
  search: SearchService;
}

/** Creates the services and runs their start-up work (built-in roles). The scheduler is not started. */
export async function createServices(platform: Platform): Promise<Services> {
  const scheduler = createScheduler(platform);
  const backup = createBackupService(platform, scheduler);
  const org = createOrgService(platform);
  const iam = createIam(platform, org);
  await iam.init();
  const consoleService = createConsoleService(platform, org, iam);
  const search = createSearchService({ org, iam });
  return { scheduler, backup, org, iam, console: consoleService, search };
}

/** Builds the HTTP server with every module's routes, and the web console when `consoleDir` is given. */
export async function createApp(
  platform: Platform,
  services: Services,
  options: { consoleDir?: string } = {},
): Promise<App> {
  return buildServer(platform, {
    consoleDir: options.consoleDir,
    register: async (app) => {
      await services.iam.register(app);
      await app.register(orgRoutes(services.org), { prefix: '/api/org' });
      await app.register(
        auditRoutes(platform, (ctx) => services.org.visibleUnitIds(ctx)),
        { prefix: '/api/audit' },
      );
      await app.register(systemRoutes({ platform, scheduler: services.scheduler, backup: services.backup }), {
        prefix: '/api/system',
      });
      await app.register(consoleRoutes(services.console), { prefix: '/api/console' });
      await app.register(searchRoutes(services.search), { prefix: '/api' });
    },
  });
}

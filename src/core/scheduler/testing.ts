/**
 * @module core/scheduler/testing
 * Test support: a platform over a given test database with a movable clock and its own node id,
 * so one test can play several nodes sharing one database. Not used by the product.
 */
import { loadConfig } from '../config/index.ts';
import { systemCtx } from '../context.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../errors/index.ts';
import type { App } from '../http/types.ts';
import { createLogger } from '../log/logger.ts';
import { type Platform, startPlatform } from '../platform.ts';

/** A clock tests move by hand. */
export interface TestClock {
  now(): Date;
  set(at: Date | string): void;
  advance(ms: number): void;
}

/** A clock frozen at `start` until moved. */
export function testClock(start: Date | string = '2026-11-23T00:00:00Z'): TestClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (at) => {
      t = new Date(at).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Builds a platform over `database` (already migrated) with a silent logger and the given clock. */
export async function testPlatform(
  database: Database,
  options: { nodeId?: string; clock?: TestClock; overrides?: Record<string, unknown> } = {},
): Promise<Platform> {
  const config = loadConfig({
    env: {},
    file: '',
    overrides: {
      nodeId: options.nodeId ?? 'node-test',
      dataDir: '/tmp/tinhso-test-unused',
      'security.masterKey': '0'.repeat(64),
      'log.level': 'silent',
      ...options.overrides,
    },
  });
  const clock = options.clock ?? testClock();
  return startPlatform(config, {
    database,
    migrate: false,
    log: createLogger('silent'),
    now: () => clock.now(),
  });
}

/**
 * Stands in for the IAM hook in route tests: the actor holds the permissions listed in the
 * `x-test-permissions` header, and a route's declared permission is enforced as IAM would.
 */
export function grantFromHeader(app: App): void {
  app.addHook('onRequest', async (request) => {
    const header = request.headers['x-test-permissions'];
    const granted = typeof header === 'string' ? header.split(',').filter(Boolean) : [];
    request.ctx = { ...systemCtx('test-admin', granted), ip: request.ip, requestId: request.id };
    const needed = request.routeOptions.config.permission;
    if (needed && !granted.includes(needed)) throw new AppError('IAM_FORBIDDEN');
  });
}

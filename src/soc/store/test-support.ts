/**
 * @module soc/store/test-support
 * What the store's tests share: a platform over a test database with a movable clock, the store's deps, and
 * events to write. Never imported by the product.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../core/config/index.ts';
import type { Database } from '../../core/db/index.ts';
import { createLogger } from '../../core/log/logger.ts';
import { type Platform, startPlatform } from '../../core/platform.ts';
import { Scheduler } from '../../core/scheduler/index.ts';
import type { NormalisedEvent } from '../contracts.ts';
import type { SocDeps } from '../deps.ts';

/** A platform over `database` whose clock the test moves, and the deps the store uses (platform, scheduler). */
export async function storeDeps(
  database: Database,
  overrides: Record<string, unknown> = {},
): Promise<{ deps: SocDeps; platform: Platform; clock: { now: Date } }> {
  const config = loadConfig({
    env: {},
    file: '',
    overrides: {
      'security.masterKey': randomBytes(32).toString('hex'),
      'log.level': 'silent',
      'scheduler.enabled': false,
      ...overrides,
    },
  });
  const clock = { now: new Date() };
  const platform = await startPlatform(config, {
    database,
    migrate: false,
    log: createLogger('silent'),
    now: () => clock.now,
  });
  const scheduler = new Scheduler(platform);
  // The store reads only the platform and the scheduler; the rest would be a mistake to touch.
  const deps = { platform, scheduler } as unknown as SocDeps;
  return { deps, platform, clock };
}

/** An event with an ECS document; `ts` defaults to now. */
export function event(doc: Record<string, unknown>, over: Partial<NormalisedEvent> = {}): NormalisedEvent {
  const now = Date.now();
  return { ts: now, receivedAt: now, input: 'test', doc, ...over };
}

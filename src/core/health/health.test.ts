import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { type BackupService, createBackupService } from '../backup/index.ts';
import { createBus } from '../bus/index.ts';
import { systemCtx } from '../context.ts';
import { createMetrics } from '../http/metrics.ts';
import { buildServer } from '../http/server.ts';
import type { App } from '../http/types.ts';
import { createLogger } from '../log/logger.ts';
import type { Platform } from '../platform.ts';
import { createScheduler, PRUNE_RUNS_JOB, type Scheduler } from '../scheduler/index.ts';
import { grantFromHeader, type TestClock, testClock, testPlatform } from '../scheduler/testing.ts';
import { HealthSampler, healthRoutes, poolFigures, requestTotals } from './index.ts';

const log = createLogger('silent');

describe('the sampler', () => {
  it('reads request totals and the 5xx share from the server histogram, without counting again', async () => {
    const metrics = createMetrics({ pending: 0, stats: { entriesWritten: 0, flushes: 0, flushSeconds: 0 } });
    const clock = testClock('2026-11-23T01:00:00Z');
    const sampler = new HealthSampler(
      {
        now: () => clock.now(),
        accessLog: { pending: 7 },
        database: { kind: 'pglite', db: {} as never },
        metrics,
        log,
      },
      { intervalMs: 10_000, capacity: 3 },
    );
    for (let i = 0; i < 8; i++)
      metrics.httpDuration.observe({ method: 'GET', route: '/x', status: '200' }, 0.01);
    metrics.httpDuration.observe({ method: 'POST', route: '/y', status: '500' }, 0.02);
    metrics.httpDuration.observe({ method: 'POST', route: '/y', status: '503' }, 0.02);
    expect(await requestTotals(metrics)).toEqual({ requests: 10, errors: 2 });

    const first = await sampler.sample();
    expect(first).toMatchObject({
      at: '2026-11-23T01:00:00.000Z',
      errorRate: 0.2,
      accessLogPending: 7,
      dbPoolTotal: null,
      dbPoolIdle: null,
      dbPoolWaiting: null,
    });
    expect(first.requestsPerMinute).toBeGreaterThan(0);
    expect(first.rssMb).toBeGreaterThan(0);
    expect(first.heapUsedMb).toBeGreaterThan(0);

    // The next sample counts only what happened since the previous one.
    clock.advance(10_000);
    metrics.httpDuration.observe({ method: 'GET', route: '/x', status: '200' }, 0.01);
    expect(await sampler.sample()).toMatchObject({ errorRate: 0 });
    clock.advance(10_000);
    expect((await sampler.sample()).requestsPerMinute).toBe(0);
    const now = await sampler.current();
    expect(now.http).toMatchObject({ requestsTotal: 11, errorsTotal: 2 });
    expect(now.pool).toBeNull();
  });

  it('keeps the newest samples of its capacity, oldest first', async () => {
    const metrics = createMetrics({ pending: 0, stats: { entriesWritten: 0, flushes: 0, flushSeconds: 0 } });
    const clock = testClock('2026-11-23T01:00:00Z');
    const sampler = new HealthSampler(
      {
        now: () => clock.now(),
        accessLog: { pending: 0 },
        database: { kind: 'pglite', db: {} as never },
        metrics,
        log,
      },
      { capacity: 3 },
    );
    for (let i = 0; i < 5; i++) {
      await sampler.sample();
      clock.advance(10_000);
    }
    expect(sampler.history().map((s) => s.at)).toEqual([
      '2026-11-23T01:00:20.000Z',
      '2026-11-23T01:00:30.000Z',
      '2026-11-23T01:00:40.000Z',
    ]);
  });

  it('measures the event loop once started, and samples on its timer', async () => {
    const metrics = createMetrics({ pending: 0, stats: { entriesWritten: 0, flushes: 0, flushSeconds: 0 } });
    const sampler = new HealthSampler(
      {
        now: () => new Date(),
        accessLog: { pending: 0 },
        database: { kind: 'pglite', db: {} as never },
        metrics,
        log,
      },
      { intervalMs: 50 },
    );
    sampler.start();
    const busyUntil = Date.now() + 30;
    while (Date.now() < busyUntil) {
      // Hold the event loop so a delay is measured.
    }
    await new Promise((r) => setTimeout(r, 200));
    sampler.stop();
    const history = sampler.history();
    expect(history.length).toBeGreaterThanOrEqual(2);
    expect(history.some((s) => (s.eventLoopLagP99Ms ?? 0) > 0)).toBe(true);
  });
});

describe('GET /api/system/health', () => {
  let database: TestDatabase;
  let platform: Platform;
  let clock: TestClock;
  let app: App;
  let sampler: HealthSampler;
  let backup: BackupService;
  let scheduler: Scheduler;

  beforeAll(async () => {
    database = await createTestDatabase();
    clock = testClock('2026-11-23T03:00:00Z');
    platform = await testPlatform(database, {
      clock,
      overrides: { 'backup.dir': mkdtempSync(join(tmpdir(), 'tinhso-health-')) },
    });
    scheduler = createScheduler(platform);
    backup = createBackupService(platform, scheduler);
    const bus = createBus(platform);
    app = await buildServer(platform, {
      register: async (root, { metrics }) => {
        grantFromHeader(root);
        sampler = new HealthSampler({
          now: () => platform.now(),
          accessLog: platform.accessLog,
          database,
          metrics,
          log,
        });
        await root.register(healthRoutes({ platform, sampler, scheduler, backup, bus, streams: () => 2 }), {
          prefix: '/api/system',
        });
        root.get('/api/boom', { config: { auth: 'public' } }, async () => {
          throw new Error('deliberate failure');
        });
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  const as = (...permissions: string[]) => ({ 'x-test-permissions': permissions.join(',') });

  it('needs system.read', async () => {
    const res = await app.inject({ url: '/api/system/health', headers: as('backup.read') });
    expect(res.statusCode).toBe(403);
  });

  it('answers the figures now, the last backup, the jobs’ last runs and the sampled history', async () => {
    for (let i = 0; i < 3; i++) await app.inject({ url: '/healthz' });
    expect((await app.inject({ url: '/api/boom' })).statusCode).toBe(500);
    await sampler.sample();
    clock.advance(10_000);
    await sampler.sample();
    await backup.backupNow(systemCtx());
    await scheduler.runNow(PRUNE_RUNS_JOB);

    const res = await app.inject({ url: '/api/system/health', headers: as('system.read') });
    expect(res.statusCode).toBe(200);
    const h = res.json();
    expect(h).toMatchObject({
      node: 'node-test',
      at: clock.now().toISOString(),
      // The embedded engine is not named to clients (the security walk treats its name as a leak).
      database: { kind: database.kind === 'pglite' ? 'embedded' : 'postgres' },
      accessLog: { pending: expect.any(Number), written: expect.any(Number) },
      bus: { transport: 'in-process', listening: true, reconnects: 0 },
      notificationStreams: 2,
      lastBackup: { status: 'success', trigger: 'manual', verified: true, message: null },
      sampleIntervalSeconds: 10,
    });
    expect(h.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(h.memory.rssMb).toBeGreaterThan(0);
    expect(h.http.requestsTotal).toBeGreaterThanOrEqual(4);
    expect(h.http.errorsTotal).toBe(1);
    expect(h.http.errorRate).toBeGreaterThan(0);
    expect(h.database.pool === null).toBe(database.kind === 'pglite');
    if (h.database.pool) expect(h.database.pool.total).toBeGreaterThan(0);
    const prune = h.jobs.find((j: { name: string }) => j.name === PRUNE_RUNS_JOB);
    expect(prune.lastRun).toMatchObject({ outcome: 'success', node: 'node-test' });
    expect(h.history).toHaveLength(2);
    expect(h.history[0].at).toBe('2026-11-23T03:00:00.000Z');
    expect(h.history[0].errorRate).toBeGreaterThan(0);
  });

  it('reads the pool figures of PostgreSQL and none of PGlite', () => {
    const figures = poolFigures(platform.db);
    if (database.kind === 'pglite') expect(figures).toBeNull();
    else expect(figures).toEqual({ total: expect.any(Number), idle: expect.any(Number), waiting: 0 });
  });
});

describe('the route in the whole application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a technical administrator and refuses an ordinary user', async () => {
    const admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
    const user = await loginAs(t, { roles: ['user'] });
    const ok = await t.app.inject({ url: '/api/system/health', headers: admin.headers });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().http.requestsTotal).toBeGreaterThan(0);
    expect(ok.json().jobs.map((j: { name: string }) => j.name)).toContain('core.notifications.prune');
    const refused = await t.app.inject({ url: '/api/system/health', headers: user.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('IAM_FORBIDDEN');
  });
});

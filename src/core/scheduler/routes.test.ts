import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.ts';
import { buildServer } from '../http/server.ts';
import type { App } from '../http/types.ts';
import { schedulerRoutes } from './routes.ts';
import { Scheduler } from './scheduler.ts';
import { grantFromHeader, testClock, testPlatform } from './testing.ts';

let database: TestDatabase;
let app: App;
let scheduler: Scheduler;

beforeAll(async () => {
  database = await createTestDatabase();
  const clock = testClock('2026-11-23T00:00:00Z');
  const platform = await testPlatform(database, { clock });
  scheduler = new Scheduler(platform);
  scheduler.register({ name: 'test.routes.job', intervalMs: 60_000, run: async () => 'ran' });
  app = await buildServer(platform, {
    register: async (root) => {
      grantFromHeader(root);
      await root.register(schedulerRoutes({ platform, scheduler }), { prefix: '/api/system' });
    },
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.close();
});

const as = (...permissions: string[]) => ({ 'x-test-permissions': permissions.join(',') });

describe('GET /api/system/scheduler/jobs', () => {
  it('lists jobs with their next run and last run', async () => {
    await scheduler.tick();
    const res = await app.inject({ url: '/api/system/scheduler/jobs', headers: as('system.read') });
    expect(res.statusCode).toBe(200);
    const job = res.json().find((j: { name: string }) => j.name === 'test.routes.job');
    expect(job).toMatchObject({
      intervalMs: 60_000,
      nextRunAt: '2026-11-23T00:01:00.000Z',
      registeredHere: true,
      leaseOwner: null,
      lastRun: { outcome: 'success', message: 'ran', node: 'node-test' },
    });
  });

  it('needs system.read', async () => {
    const res = await app.inject({ url: '/api/system/scheduler/jobs', headers: as('backup.read') });
    expect(res.statusCode).toBe(403);
  });
});

describe('GET /api/system/scheduler/runs', () => {
  it('filters by job and limits', async () => {
    const res = await app.inject({
      url: '/api/system/scheduler/runs?job=test.routes.job&limit=5',
      headers: as('system.read'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([expect.objectContaining({ job: 'test.routes.job', outcome: 'success' })]);
  });

  it('rejects an unknown query parameter', async () => {
    const res = await app.inject({ url: '/api/system/scheduler/runs?evil=1', headers: as('system.read') });
    expect(res.statusCode).toBe(400);
  });
});

describe('/api/system/audit/retention', () => {
  it('shows the policy with category labels', async () => {
    const res = await app.inject({ url: '/api/system/audit/retention', headers: as('audit.read') });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.days.access).toBe(180);
    expect(body.categories).toContainEqual({
      category: 'access',
      vi: 'Truy cập',
      en: 'Access',
      defaultDays: 180,
    });
    expect(body.minDays).toBe(30);
  });

  it('PUT sets the policy with audit.policy.write only', async () => {
    const denied = await app.inject({
      method: 'PUT',
      url: '/api/system/audit/retention',
      headers: as('audit.read'),
      payload: { access: 365 },
    });
    expect(denied.statusCode).toBe(403);
    const res = await app.inject({
      method: 'PUT',
      url: '/api/system/audit/retention',
      headers: as('audit.policy.write'),
      payload: { access: 365 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().days).toMatchObject({ access: 365, login: 365, org: 1825 });
  });

  it('PUT refuses days below the minimum with a field error', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/api/system/audit/retention',
      headers: as('audit.policy.write'),
      payload: { access: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

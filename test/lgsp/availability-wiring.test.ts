/**
 * The availability part as the composition root builds it (src/lgsp/index.ts, src/app.ts): its probe job
 * on the platform's scheduler, its routes under /api/lgsp behind IAM's gate, its codes in the catalogue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../src/errors.ts';
import { PROBE_JOB } from '../../src/lgsp/availability/index.ts';
import { createTestApp, loginAs, type TestApp } from '../helpers/app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

describe('availability in the running platform', () => {
  it('registers one probe job on the scheduler, every probeIntervalSeconds', async () => {
    expect(t.services.scheduler.registered.filter((n) => n === PROBE_JOB)).toHaveLength(1);
    expect(t.services.lgsp.availability.probeJob.intervalMs).toBe(
      t.platform.config.lgsp.probeIntervalSeconds * 1000,
    );
    const run = await t.services.scheduler.runNow(PROBE_JOB);
    expect(run.outcome, run.message ?? '').toBe('success');
  });

  it('serves the live view under /api/lgsp to holders of lgsp.registry.read, for polling', async () => {
    const admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
    const res = await t.app.inject({ method: 'GET', url: '/api/lgsp/availability', headers: admin.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ items: expect.any(Array), pollSeconds: 10 });
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/lgsp/availability' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('has its error codes in the catalogue with both languages', () => {
    for (const code of ['LGSP_AVAILABILITY_RANGE_INVALID', 'LGSP_AVAILABILITY_SERVICE_INACTIVE'] as const) {
      expect(catalogue[code].vi.length).toBeGreaterThan(0);
      expect(catalogue[code].en.length).toBeGreaterThan(0);
    }
  });
});

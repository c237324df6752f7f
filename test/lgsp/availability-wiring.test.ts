/**
 * The availability part as the composition root builds it (src/lgsp/index.ts, src/app.ts): its probe job
 * on the platform's scheduler, its routes under /api/lgsp behind IAM's gate, its codes in the catalogue.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../src/errors.ts';
import { PROBE_JOB } from '../../src/lgsp/availability/index.ts';
import { hmacApplication, restService } from '../../src/lgsp/registry/testing.ts';
import { buildProvince } from '../../src/org/testing.ts';
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

  it('probes the services registered in the registry, and marks one that answers 503 offline', async () => {
    const healthy: Server = createServer((_req, res) => res.end('ok'));
    const failing: Server = createServer((_req, res) => {
      res.statusCode = 503;
      res.end('down');
    });
    await Promise.all([healthy, failing].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    try {
      const registry = t.services.lgsp.registry.service;
      const p = await buildProvince(t.services.org);
      const provider = await hmacApplication(registry, p.finance);
      const up = await restService(registry, provider.app.id, { baseUrl: url(healthy) });
      const down = await restService(registry, provider.app.id, { baseUrl: url(failing) });
      // Two failed rounds take a service offline (hysteresis); one good round finds it online.
      for (let round = 0; round < 2; round++) {
        const run = await t.services.scheduler.runNow(PROBE_JOB);
        expect(run.outcome, run.message ?? '').toBe('success');
      }
      expect(t.services.lgsp.availability.state(up.id)?.online).toBe(true);
      expect(t.services.lgsp.availability.state(down.id)?.online).toBe(false);
    } finally {
      await Promise.all([healthy, failing].map((s) => new Promise((r) => s.close(r))));
    }
  });

  it('has its error codes in the catalogue with both languages', () => {
    for (const code of ['LGSP_AVAILABILITY_RANGE_INVALID', 'LGSP_AVAILABILITY_SERVICE_INACTIVE'] as const) {
      expect(catalogue[code].vi.length).toBeGreaterThan(0);
      expect(catalogue[code].en.length).toBeGreaterThan(0);
    }
  });
});

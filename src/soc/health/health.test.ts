import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { systemCtx } from '../../core/context.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { NormalisedEvent } from '../contracts.ts';
import { sourceRowsOf } from '../sources/testing.ts';
import { SiemTotals } from './counters.ts';
import type { SiemHealthView } from './routes.ts';
import { SiemSampler } from './sampler.ts';

describe('SiemSampler', () => {
  it('turns counter deltas into per-second rates per input, drop and parse-error rates, and the interval lag', () => {
    const counters = new SiemTotals();
    let mono = 0;
    let depth = 0;
    const sampler = new SiemSampler(
      { counters, depth: () => depth, now: () => new Date('2026-12-07T00:00:00Z'), onError: () => {} },
      { intervalMs: 10_000, capacity: 3, mono: () => mono },
    );
    counters.received('syslog-udp', 1000, 100_000);
    counters.received('bulk', 500, 400_000);
    counters.dropped('syslog-udp', 50, 'queue-full');
    counters.parsed(1500, 30);
    counters.stored(1000, 800);
    counters.stored(400, 2500);
    counters.stored(100, 300);
    depth = 123;
    mono = 10_000;
    const first = sampler.sample();
    expect(first).toEqual({
      at: '2026-12-07T00:00:00.000Z',
      inputs: { 'syslog-udp': 100, bulk: 50 },
      receivedPerSecond: 150,
      droppedPerSecond: 5,
      queueDepth: 123,
      parseErrorRate: 0.02,
      storedPerSecond: 150,
      storageLagMs: 2500,
    });
    // A quiet interval: rates fall to zero and no lag is claimed for batches that were not stored.
    mono = 20_000;
    expect(sampler.sample()).toMatchObject({
      inputs: { 'syslog-udp': 0, bulk: 0 },
      storedPerSecond: 0,
      storageLagMs: null,
    });
    for (let i = 3; i <= 5; i++) {
      mono = i * 10_000;
      counters.received('bulk', i, 0);
      sampler.sample();
    }
    // The ring keeps the last `capacity` samples, oldest first.
    expect(sampler.history().map((s) => s.inputs.bulk)).toEqual([0.3, 0.4, 0.5]);
  });
});

describe('GET /api/soc/health and /api/soc/metrics', () => {
  let t: TestApp;
  let p: Province;
  let reader: LoggedIn;
  let plain: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    p = await buildProvince(t.services.org, systemCtx());
    reader = await loginAs(t, { roles: ['business_admin'], unitId: p.finance.id, scope: 'own' });
    plain = await loginAs(t, { roles: ['user'], unitId: p.finance.id, scope: 'own' });
  });
  afterAll(() => t.close());

  it('returns the figures now, the history and the inventory of the caller’s units after counters move', async () => {
    const { counters, health, sources } = t.services.soc;
    // Two sources: one of the caller's unit (through its range), one without a unit (not counted for the caller).
    await sourceRowsOf(sources, p.finance.id, t.clock.now.getTime());
    const at = t.clock.now.getTime();
    const lone: NormalisedEvent = {
      ts: at,
      receivedAt: at,
      input: 'bulk',
      doc: { host: { name: 'health-b' } },
    };
    await sources.enrich([lone]);
    expect(lone.unitId).toBeNull();
    health.sampler.sample();
    counters.received('syslog-tcp', 200, 20_000);
    counters.dropped('syslog-udp', 7, 'queue-full');
    counters.parsed(200, 10);
    counters.stored(200, 1200);
    health.sampler.sample();

    const res = await t.app.inject({ method: 'GET', url: '/api/soc/health', headers: reader.headers });
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json() as SiemHealthView;
    expect(view.totals).toMatchObject({
      received: 200,
      dropped: 7,
      parsed: 200,
      parseErrors: 10,
      stored: 200,
    });
    expect(view.totals.inputs).toContainEqual({
      input: 'syslog-udp',
      events: 0,
      bytes: 0,
      dropped: 7,
      dropReasons: { 'queue-full': 7 },
    });
    // The test app processes on its own thread (soc.processing.threads 0).
    expect(view.processing).toEqual({ mode: 'main', threads: null });
    expect(view.history).toHaveLength(2);
    const last = view.history.at(-1)!;
    expect(last.inputs['syslog-tcp']).toBeGreaterThan(0);
    expect(last.parseErrorRate).toBe(0.05);
    expect(last.storageLagMs).toBe(1200);
    expect(view.now.queueDepth).toBe(0);
    expect(view.inventory).toEqual({ sources: 1, silent: 0, never: 0, openAlerts: 0 });

    expect(
      (await t.app.inject({ method: 'GET', url: '/api/soc/health', headers: plain.headers })).statusCode,
    ).toBe(403);
  });

  it('serves the SIEM figures in the platform’s own /metrics, beside the HTTP metrics', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('tinhso_soc_received_events_total{input="syslog-tcp"} 200');
    expect(res.body).toContain('tinhso_http_request_duration_seconds');
    // One HELP line per metric: the SIEM's registry is included once, not per scrape.
    expect(res.body.match(/# HELP tinhso_soc_parse_errors_total/g)).toHaveLength(1);
  });

  it('exposes the same figures as tinhso_soc_* Prometheus metrics', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/soc/metrics' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('tinhso_soc_received_events_total{input="syslog-tcp"} 200');
    expect(res.body).toContain('tinhso_soc_dropped_events_total{input="syslog-udp",reason="queue-full"} 7');
    expect(res.body).toContain('tinhso_soc_parse_errors_total 10');
    expect(res.body).toContain('tinhso_soc_storage_lag_seconds 1.2');
    expect(res.body).toContain('tinhso_soc_queue_depth 0');
    expect(res.body).toMatch(/tinhso_soc_sources\{state="reporting"\} 2/);
    expect(res.body).toContain('tinhso_soc_source_alerts_open 0');
  });
});

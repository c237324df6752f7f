/**
 * Online/offline detection on one node (LGSP-15, LGSP-17): active probes against real local HTTP servers
 * (healthy, 503, hanging past the timeout, closed port), hysteresis, passive counting of forwarded calls,
 * and the connection history with its exact times.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows, sql } from '../../src/core/db/index.ts';
import { PROBE_JOB, TRAFFIC_HOLD_DOWN_MS } from '../../src/lgsp/availability/index.ts';
import { PROBE_TIMEOUT_CAP_MS, probeTarget, probeTimeoutMs } from '../../src/lgsp/availability/probe.ts';
import { buildProvince, type Province } from '../../src/org/testing.ts';
import { loginAs } from '../helpers/app.ts';
import {
  closedPortUrl,
  destination,
  type FakeDestination,
  type FakeRegistry,
  fakeDestination,
  fakeRegistry,
  type Node,
  startNode,
} from './availability-harness.ts';

let node: Node;
let registry: FakeRegistry;
let p: Province;
const servers: FakeDestination[] = [];
const INTERVAL_MS = 30_000;

beforeAll(async () => {
  registry = fakeRegistry();
  node = await startNode(registry, { nodeId: 'probe-node' });
  p = await buildProvince(node.services.org);
});

afterAll(async () => {
  await node?.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function server(mode?: FakeDestination['mode']) {
  const s = await fakeDestination(mode);
  servers.push(s);
  return s;
}

/** One scheduled probe round: the clock moves one interval, then the scheduler claims and runs the job. */
async function round() {
  node.clock.advance(INTERVAL_MS);
  const runs = await node.scheduler.tick();
  const run = runs.find((r) => r.job === PROBE_JOB);
  expect(run?.outcome, run?.message ?? '').toBe('success');
  await node.availability.settled();
  return run!;
}

/** A timestamp column as a Date (raw rows carry text on PGlite, Dates on pg). */
const at = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

async function events(serviceId: string) {
  const rows = await queryRows<{
    online: boolean;
    since: Date;
    until: Date | null;
    cause: string;
    detail: string | null;
  }>(
    node.platform.db,
    sql`select online, since, until, cause, detail from lgsp_availability_events
        where service_id = ${serviceId} order by id`,
  );
  return rows.map((r) => ({ ...r, since: at(r.since)!, until: at(r.until) }));
}

describe('active probes (LGSP-15)', () => {
  it('finds a healthy destination online at once, and a 503, a hanging one and a closed port offline after two failed rounds', async () => {
    const healthy = await server();
    const failing = await server({ kind: 'status', status: 503 });
    const hanging = await server({ kind: 'hang' });
    const ok = destination(p.finance, healthy.url);
    const bad = destination(p.finance, failing.url);
    const slow = destination(p.health, hanging.url, { timeoutMs: 300 });
    const gone = destination(p.health, await closedPortUrl(), { healthPath: null });
    for (const d of [ok, bad, slow, gone]) registry.services.set(d.serviceId, d);

    const first = await round();
    const firstAt = node.platform.now();
    expect(first.message).toMatch(/^4 probed: 1 online, 0 offline; 1 changes/);
    expect(node.availability.state(ok.serviceId)).toEqual({ online: true, since: firstAt });
    // One failure is not enough to call a destination down.
    for (const d of [bad, slow, gone]) expect(node.availability.state(d.serviceId)).toBeNull();
    expect(healthy.hits).toBe(1);
    expect(hanging.hits).toBe(1);

    const started = performance.now();
    await round();
    // The hanging destination costs its own timeout (300 ms), not the round's whole budget.
    expect(performance.now() - started).toBeLessThan(3000);
    const secondAt = node.platform.now();
    for (const d of [bad, slow, gone]) {
      expect(node.availability.state(d.serviceId)).toEqual({ online: false, since: secondAt });
    }
    const [badRow] = await events(bad.serviceId);
    expect(badRow).toMatchObject({ online: false, cause: 'probe', detail: 'HTTP 503', until: null });
    expect(badRow!.since).toEqual(secondAt);
    expect((await events(slow.serviceId))[0]!.detail).toBe('timeout after 300 ms');
    expect((await events(gone.serviceId))[0]!.detail).toBe('ECONNREFUSED');
    // Probed again, still answering: no new period for the healthy one.
    expect(await events(ok.serviceId)).toHaveLength(1);

    const [state] = await queryRows<{ last_ok_at: Date | null; last_failure_at: Date; last_error: string }>(
      node.platform.db,
      sql`select last_ok_at, last_failure_at, last_error from lgsp_availability_states
          where service_id = ${slow.serviceId}`,
    );
    expect({ ...state, last_failure_at: at(state!.last_failure_at) }).toEqual({
      last_ok_at: null,
      last_failure_at: secondAt,
      last_error: 'timeout after 300 ms',
    });
    for (const d of [ok, bad, slow, gone]) registry.services.delete(d.serviceId);
  });

  it('brings an offline destination back only after two successful probes, and a flapping one writes no events', async () => {
    const s = await server({ kind: 'status', status: 500 });
    const d = destination(p.finance, s.url);
    registry.services.set(d.serviceId, d);
    await round();
    await round();
    const offlineSince = node.platform.now();
    expect(node.availability.state(d.serviceId)).toEqual({ online: false, since: offlineSince });

    s.mode = { kind: 'status', status: 204 };
    await round();
    expect(node.availability.state(d.serviceId)?.online).toBe(false);
    await round();
    const onlineSince = node.platform.now();
    expect(node.availability.state(d.serviceId)).toEqual({ online: true, since: onlineSince });
    expect((await events(d.serviceId)).map((e) => [e.online, e.since, e.until])).toEqual([
      [false, offlineSince, onlineSince],
      [true, onlineSince, null],
    ]);

    // Every other probe fails: a single failure never takes it down, so nothing is written.
    for (let i = 0; i < 6; i++) {
      s.mode = { kind: 'status', status: i % 2 === 0 ? 503 : 200 };
      await round();
    }
    expect(await events(d.serviceId)).toHaveLength(2);
    expect(node.availability.state(d.serviceId)?.online).toBe(true);
    registry.services.delete(d.serviceId);
  });

  it('treats an answer below 500 as online (a 404 or 401 proves the system is up) and probes HEAD of the base URL without a health path', async () => {
    const s = await server({ kind: 'status', status: 404 });
    const d = destination(p.health, s.url, { healthPath: null });
    registry.services.set(d.serviceId, d);
    await round();
    expect(node.availability.state(d.serviceId)?.online).toBe(true);
    registry.services.delete(d.serviceId);
  });
});

describe('probe target and timeout', () => {
  it('joins the health path to the base URL, HEADs the base URL without one, and caps the timeout at 5 s', () => {
    const unit = { id: crypto.randomUUID(), code: '000.00.01.H99' };
    expect(probeTarget(destination(unit, 'http://h:8080/api/', { healthPath: '/health?deep=0' }))).toEqual({
      url: 'http://h:8080/api/health?deep=0',
      method: 'GET',
    });
    expect(probeTarget(destination(unit, 'http://h/api', { healthPath: null }))).toEqual({
      url: 'http://h/api',
      method: 'HEAD',
    });
    expect(probeTimeoutMs(destination(unit, 'http://h', { timeoutMs: 30_000 }))).toBe(PROBE_TIMEOUT_CAP_MS);
    expect(PROBE_TIMEOUT_CAP_MS).toBe(5000);
    expect(probeTimeoutMs(destination(unit, 'http://h', { timeoutMs: 800 }))).toBe(800);
  });
});

describe('registry changes', () => {
  it('marks a service suspended in the registry offline with cause registry, not probed, not revived by traffic, and back after one good probe once active', async () => {
    const s = await server();
    const d = destination(p.health, s.url);
    registry.services.set(d.serviceId, d);
    await round();
    expect(node.availability.state(d.serviceId)?.online).toBe(true);

    registry.services.set(d.serviceId, { ...d, active: false });
    registry.change({ kind: 'service', id: d.serviceId });
    await vi.waitFor(() => expect(node.availability.state(d.serviceId)?.online).toBe(false));
    expect((await events(d.serviceId)).at(-1)).toMatchObject({
      cause: 'registry',
      detail: 'suspended in the registry',
    });
    const hits = s.hits;
    await round();
    expect(s.hits).toBe(hits);
    node.clock.advance(TRAFFIC_HOLD_DOWN_MS);
    node.availability.recordOutcome(d.serviceId, true);
    expect(node.availability.state(d.serviceId)?.online).toBe(false);
    // A suspension is no outage: nobody is told of it.
    node.clock.advance(3_600_000);
    await node.availability.sendDueNotices();
    const [row] = await queryRows<{ notified_at: unknown }>(
      node.platform.db,
      sql`select notified_at from lgsp_availability_states where service_id = ${d.serviceId}`,
    );
    expect(row!.notified_at).toBeNull();

    registry.services.set(d.serviceId, d);
    await round();
    expect(node.availability.state(d.serviceId)).toEqual({ online: true, since: node.platform.now() });
    registry.services.delete(d.serviceId);
  });

  it('takes an offline service out of the outage when the registry removes it: no notice for it later', async () => {
    const s = await server({ kind: 'status', status: 503 });
    const d = destination(p.health, s.url);
    registry.services.set(d.serviceId, d);
    await round();
    await round();
    expect(node.availability.state(d.serviceId)?.online).toBe(false);
    registry.services.delete(d.serviceId);
    registry.change({ kind: 'service', id: d.serviceId });
    await vi.waitFor(async () =>
      expect((await events(d.serviceId)).map((e) => [e.online, e.cause])).toEqual([
        [false, 'probe'],
        [false, 'registry'],
      ]),
    );
    expect((await events(d.serviceId)).at(-1)!.detail).toBe('removed from the registry');
    node.clock.advance(3_600_000);
    await node.availability.sendDueNotices();
    const [row] = await queryRows<{ notified_at: unknown; cause: string }>(
      node.platform.db,
      sql`select notified_at, cause from lgsp_availability_states where service_id = ${d.serviceId}`,
    );
    expect(row).toEqual({ notified_at: null, cause: 'registry' });
  });
});

describe('passive counting of forwarded calls (LGSP-15)', () => {
  it('takes a destination offline at the fifth consecutive failed call and back online at the next success after the hold-down', async () => {
    const s = await server();
    const d = destination(p.finance, s.url);
    registry.services.set(d.serviceId, d);
    await round();
    registry.services.delete(d.serviceId);
    const a = node.availability;
    expect(a.state(d.serviceId)?.online).toBe(true);
    node.clock.advance(TRAFFIC_HOLD_DOWN_MS);

    for (let i = 0; i < 4; i++) a.recordOutcome(d.serviceId, false);
    a.recordOutcome(d.serviceId, true);
    for (let i = 0; i < 4; i++) a.recordOutcome(d.serviceId, false);
    expect(a.state(d.serviceId)?.online).toBe(true);
    a.recordOutcome(d.serviceId, false);
    const downAt = node.platform.now();
    // Known at once, before anything is written: the next call is already told.
    expect(a.state(d.serviceId)).toEqual({ online: false, since: downAt });
    await a.settled();
    expect((await events(d.serviceId)).at(-1)).toMatchObject({
      online: false,
      since: downAt,
      cause: 'traffic',
      detail: '5 consecutive forwarded calls failed',
    });

    // Within the hold-down a success does not flip it back (a flapping service writes few events).
    node.clock.advance(TRAFFIC_HOLD_DOWN_MS - 1000);
    a.recordOutcome(d.serviceId, true);
    expect(a.state(d.serviceId)?.online).toBe(false);
    node.clock.advance(1000);
    a.recordOutcome(d.serviceId, true);
    const upAt = node.platform.now();
    expect(a.state(d.serviceId)).toEqual({ online: true, since: upAt });
    await a.settled();
    const history = await events(d.serviceId);
    expect(history.map((e) => [e.online, e.cause])).toEqual([
      [true, 'probe'],
      [false, 'traffic'],
      [true, 'traffic'],
    ]);
    expect(history[1]!.until).toEqual(upAt);
  });

  it('needs two good probes after an outage seen in traffic, however many good probes came before it', async () => {
    const s = await server();
    const d = destination(p.communeB, s.url);
    registry.services.set(d.serviceId, d);
    for (let i = 0; i < 3; i++) await round();
    node.clock.advance(TRAFFIC_HOLD_DOWN_MS);
    for (let i = 0; i < 5; i++) node.availability.recordOutcome(d.serviceId, false);
    await node.availability.settled();
    const downAt = node.platform.now();
    await round();
    expect(node.availability.state(d.serviceId)).toEqual({ online: false, since: downAt });
    await round();
    expect(node.availability.state(d.serviceId)).toEqual({ online: true, since: node.platform.now() });
    registry.services.delete(d.serviceId);
  });

  it('records a service flapping in traffic at most once per hold-down period', async () => {
    const s = await server();
    const d = destination(p.communeB, s.url);
    registry.services.set(d.serviceId, d);
    await round();
    registry.services.delete(d.serviceId);
    const before = (await events(d.serviceId)).length;
    // Ten minutes at ten calls a second, five failures then one success, over and over.
    const calls = 6000;
    for (let i = 0; i < calls; i++) {
      node.clock.advance(100);
      node.availability.recordOutcome(d.serviceId, i % 6 === 5);
    }
    await node.availability.settled();
    const written = (await events(d.serviceId)).length - before;
    console.log(JSON.stringify({ bench: 'availability.flapping', calls, changesWritten: written }));
    // Without the hold-down each cycle of six calls would write two changes (2000); with it, one per 30 s at most.
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual((calls * 100) / TRAFFIC_HOLD_DOWN_MS + 1);
  });

  it('keeps the hot path in memory: 200 000 outcomes take well under a second and write nothing until the flush', async () => {
    const s = await server();
    const d = destination(p.health, s.url);
    registry.services.set(d.serviceId, d);
    await round();
    registry.services.delete(d.serviceId);
    node.clock.advance(TRAFFIC_HOLD_DOWN_MS);
    const lastOk = async () =>
      (
        await queryRows<{ last_ok_at: Date | null }>(
          node.platform.db,
          sql`select last_ok_at from lgsp_availability_states where service_id = ${d.serviceId}`,
        )
      ).map((r) => at(r.last_ok_at))[0];
    const before = await lastOk();
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) node.availability.recordOutcome(d.serviceId, true);
    const ms = performance.now() - started;
    console.log(JSON.stringify({ bench: 'availability.recordOutcome', calls: 200_000, ms: Math.round(ms) }));
    expect(ms).toBeLessThan(1000);
    expect(await lastOk()).toEqual(before);
    await node.availability.flushContacts();
    expect(await lastOk()).toEqual(node.platform.now());
  });
});

describe('connection history and the live view (LGSP-17)', () => {
  it('lists current states with last contact times and the reason, and pages the history of a service', async () => {
    const s = await server({ kind: 'status', status: 502 });
    const d = destination(p.communeA, s.url, { name: 'Tra cứu hộ tịch' });
    registry.services.set(d.serviceId, d);
    await round();
    await round();
    const downAt = node.platform.now();
    s.mode = { kind: 'status', status: 200 };
    await round();
    await round();
    const upAt = node.platform.now();
    const admin = await loginAs(node, { roles: ['tech_admin'], scope: 'all' });

    const res = await node.app.inject({
      method: 'GET',
      url: '/api/lgsp/availability',
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Record<string, unknown>[]; pollSeconds: number };
    expect(body.pollSeconds).toBe(10);
    const item = body.items.find((i) => i.serviceId === d.serviceId);
    expect(item).toMatchObject({
      serviceCode: d.serviceCode,
      serviceName: 'Tra cứu hộ tịch',
      unitId: p.communeA.id,
      unitCode: p.communeA.code,
      unitName: p.communeA.name,
      state: 'online',
      online: true,
      since: upAt.toISOString(),
      cause: 'probe',
      lastOkAt: upAt.toISOString(),
      lastFailureAt: downAt.toISOString(),
      lastError: 'HTTP 502',
      notified: false,
    });

    const page1 = await node.app.inject({
      method: 'GET',
      url: `/api/lgsp/availability/${d.serviceId}/history?limit=1`,
      headers: admin.headers,
    });
    expect(page1.statusCode, page1.body).toBe(200);
    const h1 = page1.json() as { items: Record<string, unknown>[]; nextCursor: string };
    expect(h1.items).toEqual([
      expect.objectContaining({ online: true, since: upAt.toISOString(), until: null, cause: 'probe' }),
    ]);
    const page2 = await node.app.inject({
      method: 'GET',
      url: `/api/lgsp/availability/${d.serviceId}/history?limit=1&cursor=${h1.nextCursor}`,
      headers: admin.headers,
    });
    const h2 = page2.json() as { items: Record<string, unknown>[]; nextCursor: string | null };
    expect(h2.items).toEqual([
      expect.objectContaining({
        online: false,
        since: downAt.toISOString(),
        until: upAt.toISOString(),
        durationSeconds: (upAt.getTime() - downAt.getTime()) / 1000,
        detail: 'HTTP 502',
      }),
    ]);
    expect(h2.nextCursor).toBeNull();
    registry.services.delete(d.serviceId);
  });

  it('probes one service on demand for an operator, audited, and refuses a suspended service', async () => {
    const s = await server({ kind: 'status', status: 200 });
    const d = destination(p.finance, s.url);
    registry.services.set(d.serviceId, d);
    const admin = await loginAs(node, { roles: ['tech_admin'], scope: 'all' });
    const res = await node.app.inject({
      method: 'POST',
      url: `/api/lgsp/availability/${d.serviceId}/probe`,
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, status: 200, error: null, state: { state: 'online' } });
    expect(s.hits).toBe(1);
    const [entry] = await queryRows<{ action: string; unit_id: string }>(
      node.platform.db,
      sql`select action, unit_id from audit_log where action = 'lgsp.availability.probe'
          and target_id = ${d.serviceId}`,
    );
    expect(entry).toEqual({ action: 'lgsp.availability.probe', unit_id: p.finance.id });

    registry.services.set(d.serviceId, { ...d, active: false });
    const refused = await node.app.inject({
      method: 'POST',
      url: `/api/lgsp/availability/${d.serviceId}/probe`,
      headers: admin.headers,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('LGSP_AVAILABILITY_SERVICE_INACTIVE');
    registry.services.delete(d.serviceId);
  });
});

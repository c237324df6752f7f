/**
 * Telling people and reporting (LGSP-15, LGSP-17, LGSP-18): the notice of an outage past the threshold
 * (once per outage) to operators, the provider unit and the units with rights to the service, the notice
 * of its end, statistics of disconnections and offline time over a constructed history (Vietnam days),
 * and the row scope of every read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../../src/core/context.ts';
import { queryRows, sql } from '../../src/core/db/index.ts';
import { formatDateTimeVn } from '../../src/core/time/format.ts';
import { applyTransitions, type Transition } from '../../src/lgsp/availability/store.ts';
import { buildProvince, type Province } from '../../src/org/testing.ts';
import { loginAs } from '../helpers/app.ts';
import {
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

beforeAll(async () => {
  registry = fakeRegistry();
  node = await startNode(registry, {
    nodeId: 'report-node',
    overrides: { 'lgsp.offlineNotifyAfterSeconds': 600 },
  });
  p = await buildProvince(node.services.org);
});

afterAll(async () => {
  await node?.close();
  await Promise.all(servers.map((s) => s.close()));
});

let n = 0;
async function account(roles: string[], unitId: string | null, scope: 'own' | 'subtree' | 'all') {
  const { account } = await node.services.iam.accounts.create(systemCtx(), {
    username: `avail${process.pid}x${++n}`,
    fullName: `Cán bộ ${n}`,
    unitId,
    scope,
    roles,
  });
  return account.id;
}

async function noticesOf(kind: string) {
  return queryRows<{ recipient_id: string; title_vi: string; body_vi: string; body_en: string }>(
    node.platform.db,
    sql`select recipient_id, title_vi, body_vi, body_en from core_notifications where kind = ${kind}`,
  );
}

describe('notices of long outages (LGSP-15: the source is told)', () => {
  it('tells operators, the provider unit and the units with rights once the outage passes the threshold, once, and again when it is back', async () => {
    const operator = await account(['tech_admin'], null, 'all');
    const provider = await account(['business_admin'], p.finance.id, 'own');
    const source = await account(['business_admin'], p.health.id, 'own');
    const bystander = await account(['business_admin'], p.communeA.id, 'own');
    const plainUser = await account(['user'], p.finance.id, 'own');
    const s = await fakeDestination({ kind: 'status', status: 503 });
    servers.push(s);
    const d = destination(p.finance, s.url, { name: 'Cấp mã số thuế' });
    registry.services.set(d.serviceId, d);
    registry.rights.set(d.serviceId, [p.health.id]);
    const a = node.availability;

    await a.probeRound();
    node.clock.advance(30_000);
    await a.probeRound();
    const since = node.platform.now();
    expect(a.state(d.serviceId)).toEqual({ online: false, since });

    node.clock.advance(599_000);
    expect(await a.sendDueNotices()).toBe(0);
    node.clock.advance(2000);
    const round = await a.probeRound();
    expect(round.notices).toBe(1);
    const offline = await noticesOf('lgsp.destination.offline');
    const told = offline.map((o) => o.recipient_id);
    for (const id of [operator, provider, source]) expect(told.filter((x) => x === id)).toHaveLength(1);
    for (const id of [bystander, plainUser]) expect(told).not.toContain(id);
    const mine = offline.find((o) => o.recipient_id === source)!;
    const minute = formatDateTimeVn(since).slice(0, 16);
    expect(mine.title_vi).toBe(`Dịch vụ Cấp mã số thuế của ${p.finance.code} ngừng kết nối`);
    expect(mine.body_vi).toContain(
      `của ${p.finance.name} (${p.finance.code}) ngừng kết nối từ ${minute} (HTTP 503)`,
    );
    expect(mine.body_en).toContain(`has been offline since ${minute}`);

    // Once per outage: later rounds do not repeat it.
    node.clock.advance(30_000);
    expect((await a.probeRound()).notices).toBe(0);
    expect(await noticesOf('lgsp.destination.offline')).toHaveLength(offline.length);

    const admin = await loginAs(node, { roles: ['tech_admin'], scope: 'all' });
    const view = await node.app.inject({
      method: 'GET',
      url: '/api/lgsp/availability',
      headers: admin.headers,
    });
    expect(view.json().items.find((i: { serviceId: string }) => i.serviceId === d.serviceId)).toMatchObject({
      state: 'offline',
      since: since.toISOString(),
      notified: true,
    });

    s.mode = { kind: 'status', status: 200 };
    node.clock.advance(30_000);
    await a.probeRound();
    node.clock.advance(30_000);
    await a.probeRound();
    await a.settled();
    const back = await noticesOf('lgsp.destination.online');
    const toldBack = back.map((b) => b.recipient_id);
    // The same audience (the operator who signed in meanwhile holds the permission too).
    for (const id of [operator, provider, source, admin.accountId]) {
      expect(toldBack.filter((x) => x === id)).toHaveLength(1);
    }
    for (const id of [bystander, plainUser]) expect(toldBack).not.toContain(id);
    expect(back[0]!.body_vi).toContain(`sau 12 phút ngừng kết nối (từ ${minute})`);
  });

  it('does not notify an outage shorter than the threshold, nor its end', async () => {
    const s = await fakeDestination({ kind: 'status', status: 500 });
    servers.push(s);
    const d = destination(p.health, s.url);
    registry.services.set(d.serviceId, d);
    const before = (await noticesOf('lgsp.destination.offline')).length;
    const a = node.availability;
    await a.probeRound();
    node.clock.advance(30_000);
    await a.probeRound();
    expect(a.state(d.serviceId)?.online).toBe(false);
    s.mode = { kind: 'status', status: 200 };
    node.clock.advance(30_000);
    await a.probeRound();
    node.clock.advance(30_000);
    await a.probeRound();
    expect(a.state(d.serviceId)?.online).toBe(true);
    node.clock.advance(3_600_000);
    expect(await a.sendDueNotices()).toBe(0);
    expect(await noticesOf('lgsp.destination.offline')).toHaveLength(before);
    registry.services.delete(d.serviceId);
  });
});

/** 00:00 of a Vietnam day plus hours:minutes, as an instant. */
const vn = (day: string, hhmm = '00:00') => new Date(`${day}T${hhmm}:00+07:00`);

describe('statistics of connections and disconnections (LGSP-18) and row scope', () => {
  let s1: string;
  let s2: string;
  let s3: string;

  beforeAll(async () => {
    const db = node.platform.db;
    s1 = `stat-${crypto.randomUUID()}`;
    s2 = `stat-${crypto.randomUUID()}`;
    s3 = `stat-${crypto.randomUUID()}`;
    const t = (
      serviceId: string,
      unitId: string,
      online: boolean,
      at: Date,
      cause: Transition['cause'] = 'probe',
    ) => ({
      serviceId,
      unitId,
      online,
      at,
      cause,
      detail: null,
    });
    // Recorded in time order, as the service records them.
    const steps: Transition[][] = [
      [t(s3, p.health.id, false, vn('2026-09-29', '08:00'))],
      [t(s1, p.finance.id, true, vn('2026-10-01'))],
      [t(s3, p.health.id, true, vn('2026-10-01', '06:00'))],
      [t(s1, p.finance.id, false, vn('2026-10-01', '10:00'))],
      [t(s1, p.finance.id, true, vn('2026-10-01', '10:30'))],
      [t(s2, p.finance.id, true, vn('2026-10-01', '12:00'))],
      [t(s2, p.finance.id, false, vn('2026-10-02'), 'registry')],
      [t(s2, p.finance.id, true, vn('2026-10-02', '06:00'))],
      [t(s1, p.finance.id, false, vn('2026-10-02', '23:50'))],
      [t(s1, p.finance.id, true, vn('2026-10-03', '00:20'))],
    ];
    for (const batch of steps) expect(await applyTransitions(db, batch)).toHaveLength(1);
  });

  type Stats = {
    from: string;
    to: string;
    units: {
      unitId: string;
      services: number;
      disconnections: number;
      offlineMinutes: number;
      observedMinutes: number;
      uptimePercent: number;
    }[];
    services: {
      serviceId: string;
      disconnections: number;
      offlineMinutes: number;
      observedMinutes: number;
      uptimePercent: number;
    }[];
  };

  it('counts disconnections that began in the days, offline minutes clipped to them, and uptime, per service and per unit', async () => {
    const admin = await loginAs(node, { roles: ['tech_admin'], scope: 'all' });
    const res = await node.app.inject({
      method: 'GET',
      url: '/api/lgsp/availability/statistics?from=2026-10-01&to=2026-10-02',
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Stats;
    expect(body.from).toBe('2026-10-01');
    const svc = (id: string) => body.services.find((x) => x.serviceId === id);
    // Two outages began inside: 30 min on day 1, and 10 of the 30 min that cross midnight into day 3.
    expect(svc(s1)).toMatchObject({
      disconnections: 2,
      offlineMinutes: 40,
      observedMinutes: 2880,
      uptimePercent: 98.61,
    });
    // The suspension (registry) is neither uptime nor downtime.
    expect(svc(s2)).toMatchObject({
      disconnections: 0,
      offlineMinutes: 0,
      observedMinutes: 1800,
      uptimePercent: 100,
    });
    // Offline since before the period: its 6 hours inside count, not as a disconnection in the period.
    expect(svc(s3)).toMatchObject({
      disconnections: 0,
      offlineMinutes: 360,
      observedMinutes: 2880,
      uptimePercent: 87.5,
    });
    const unit = (id: string) => body.units.find((x) => x.unitId === id);
    expect(unit(p.finance.id)).toMatchObject({
      services: 2,
      disconnections: 2,
      offlineMinutes: 40,
      observedMinutes: 4680,
      uptimePercent: 99.15,
    });
    expect(unit(p.health.id)).toMatchObject({ services: 1, disconnections: 0, offlineMinutes: 360 });

    // Day boundaries are Vietnam days: 2026-10-03 alone holds the last 20 minutes of s1's outage.
    const day3 = await node.app.inject({
      method: 'GET',
      url: '/api/lgsp/availability/statistics?from=2026-10-03&to=2026-10-03',
      headers: admin.headers,
    });
    expect((day3.json() as Stats).services.find((x) => x.serviceId === s1)).toMatchObject({
      disconnections: 0,
      offlineMinutes: 20,
    });
  });

  it('refuses a reversed, too long or impossible period with LGSP_AVAILABILITY_RANGE_INVALID', async () => {
    const admin = await loginAs(node, { roles: ['tech_admin'], scope: 'all' });
    for (const q of [
      'from=2026-10-05&to=2026-10-01',
      'from=2024-01-01&to=2026-01-01',
      'from=2026-02-30&to=2026-03-01',
    ]) {
      const res = await node.app.inject({
        method: 'GET',
        url: `/api/lgsp/availability/statistics?${q}`,
        headers: admin.headers,
      });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBe('LGSP_AVAILABILITY_RANGE_INVALID');
    }
  });

  it('shows a unit user only the services and figures of their unit; another unit’s history is not found; probing needs lgsp.registry.write', async () => {
    const s = await fakeDestination();
    servers.push(s);
    const own = destination(p.health, s.url);
    const other = destination(p.finance, s.url);
    registry.services.set(own.serviceId, own);
    registry.services.set(other.serviceId, other);
    await node.availability.probeRound();
    const clerk = await loginAs(node, { roles: ['business_admin'], unitId: p.health.id, scope: 'own' });

    const list = await node.app.inject({
      method: 'GET',
      url: '/api/lgsp/availability',
      headers: clerk.headers,
    });
    expect(list.statusCode, list.body).toBe(200);
    const ids = (list.json().items as { serviceId: string; unitId: string }[]).map((i) => i.serviceId);
    expect(ids).toContain(own.serviceId);
    expect(ids).not.toContain(other.serviceId);
    expect(new Set((list.json().items as { unitId: string }[]).map((i) => i.unitId))).toEqual(
      new Set([p.health.id]),
    );

    const stats = await node.app.inject({
      method: 'GET',
      url: '/api/lgsp/availability/statistics?from=2026-10-01&to=2026-10-02',
      headers: clerk.headers,
    });
    expect((stats.json() as Stats).units.map((u) => u.unitId)).toEqual([p.health.id]);

    const history = await node.app.inject({
      method: 'GET',
      url: `/api/lgsp/availability/${other.serviceId}/history`,
      headers: clerk.headers,
    });
    expect(history.statusCode).toBe(404);
    expect(history.json().code).toBe('NOT_FOUND');
    const ownHistory = await node.app.inject({
      method: 'GET',
      url: `/api/lgsp/availability/${own.serviceId}/history`,
      headers: clerk.headers,
    });
    expect(ownHistory.statusCode).toBe(200);

    const probe = await node.app.inject({
      method: 'POST',
      url: `/api/lgsp/availability/${own.serviceId}/probe`,
      headers: clerk.headers,
    });
    expect(probe.statusCode).toBe(403);

    const user = await loginAs(node, { roles: ['user'], unitId: p.health.id, scope: 'own' });
    const denied = await node.app.inject({
      method: 'GET',
      url: '/api/lgsp/availability',
      headers: user.headers,
    });
    expect(denied.statusCode).toBe(403);

    const districtAdmin = await loginAs(node, {
      roles: ['tech_admin'],
      unitId: p.district.id,
      scope: 'subtree',
    });
    const outside = await node.app.inject({
      method: 'POST',
      url: `/api/lgsp/availability/${own.serviceId}/probe`,
      headers: districtAdmin.headers,
    });
    expect(outside.statusCode).toBe(404);
    registry.services.delete(own.serviceId);
    registry.services.delete(other.serviceId);
  });
});

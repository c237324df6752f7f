/**
 * Exchange records through the real app (LGSP-17, LGSP-18, LGSP-37): a unit's staff see the calls whose
 * source or destination is their unit or a subordinate, newest first with a keyset cursor; statistics per
 * unit and Vietnam day with latency percentiles; error summary; CSV export; retention job.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../../src/core/context.ts';
import { queryRows, sql } from '../../src/core/db/index.ts';
import type { ExchangeRecord } from '../../src/lgsp/exchange/index.ts';
import { exchangeRetentionJob } from '../../src/lgsp/exchange/index.ts';
import type { OrgUnit } from '../../src/org/index.ts';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let a: OrgUnit;
let a1: OrgUnit;
let b: OrgUnit;
let c: OrgUnit;
let staffA: LoggedIn;
let staffB: LoggedIn;
let admin: LoggedIn;
const ids: Record<string, string> = {};

function record(name: string, over: Partial<ExchangeRecord>): ExchangeRecord {
  const id = randomUUID();
  ids[name] = id;
  const timeIn = over.timeIn ?? new Date('2026-11-22T03:00:00Z');
  return {
    id,
    requestId: `req-${name}`,
    timeIn,
    timeOut: new Date(timeIn.getTime() + (over.latencyMs ?? 10)),
    sourceApplicationId: randomUUID(),
    sourceApplicationCode: `app-${name}`,
    sourceUnitId: null,
    sourceUnitCode: null,
    destinationServiceId: randomUUID(),
    serviceCode: 'hotich',
    destinationUnitId: null,
    destinationUnitCode: '000.00.99.H99',
    method: 'GET',
    path: '/giay-khai-sinh',
    requestBytes: 0,
    responseBytes: 100,
    status: 200,
    errorCode: null,
    latencyMs: 10,
    node: 'n1',
    mode: 'one-step',
    ...over,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  const ctx = systemCtx();
  const root = await t.services.org.createUnit(ctx, {
    parentId: null,
    name: 'UBND tỉnh Thử',
    code: '000.00.00.H98',
  });
  a = await t.services.org.createUnit(ctx, { parentId: root.id, name: 'Sở Tư pháp' });
  a1 = await t.services.org.createUnit(ctx, { parentId: a.id, name: 'Phòng Hộ tịch' });
  b = await t.services.org.createUnit(ctx, { parentId: root.id, name: 'Sở Y tế' });
  c = await t.services.org.createUnit(ctx, { parentId: root.id, name: 'Sở Tài chính' });
  const unit = (u: OrgUnit) => ({ unitId: u.id, unitCode: u.code });
  const src = (u: OrgUnit) => ({ sourceUnitId: u.id, sourceUnitCode: u.code });
  const dst = (u: OrgUnit) => ({ destinationUnitId: u.id, destinationUnitCode: u.code });
  void unit;
  const rows = [
    // 23/11 00:30 Vietnam time (still 22/11 in UTC).
    record('a1-to-b', { ...src(a1), ...dst(b), timeIn: new Date('2026-11-22T17:30:00Z'), latencyMs: 20 }),
    record('b-to-a', {
      ...src(b),
      ...dst(a),
      timeIn: new Date('2026-11-22T18:00:00Z'),
      status: 504,
      errorCode: 'LGSP_DESTINATION_TIMEOUT',
      latencyMs: 300,
    }),
    record('b-to-c', { ...src(b), ...dst(c), timeIn: new Date('2026-11-22T19:00:00Z'), latencyMs: 40 }),
    record('refused', {
      sourceApplicationId: null,
      timeIn: new Date('2026-11-22T20:00:00Z'),
      status: 401,
      errorCode: 'LGSP_SIGNATURE_INVALID',
      mode: 'refused',
    }),
  ];
  for (const r of rows) t.services.lgsp.gateway.recorder.record(r);
  await t.services.lgsp.gateway.flush();
  staffA = await loginAs(t, { roles: ['business_admin'], unitId: a.id, scope: 'subtree' });
  staffB = await loginAs(t, { roles: ['business_admin'], unitId: b.id, scope: 'own' });
  admin = await loginAs(t, { roles: ['tech_admin'], unitId: null, scope: 'all' });
});
afterAll(async () => {
  await t.close();
});

async function get(user: LoggedIn, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: user.headers });
  const json = res.headers['content-type']?.toString().includes('json')
    ? (res.json() as Record<string, unknown>)
    : {};
  return { status: res.statusCode, json, body: res.body };
}

type Item = { id: string; path: string; sourceUnitCode: string | null };

describe('GET /api/lgsp/exchanges (LGSP-17, LGSP-37)', () => {
  it('shows a unit the calls it or a subordinate sent or received, newest first', async () => {
    const seenByA = (await get(staffA, '/api/lgsp/exchanges')).json.items as Item[];
    expect(seenByA.map((i) => i.id)).toEqual([ids['b-to-a'], ids['a1-to-b']]);
    const seenByB = (await get(staffB, '/api/lgsp/exchanges')).json.items as Item[];
    expect(seenByB.map((i) => i.id)).toEqual([ids['b-to-c'], ids['b-to-a'], ids['a1-to-b']]);
    const all = (await get(admin, '/api/lgsp/exchanges')).json.items as Item[];
    expect(all.map((i) => i.id).slice(0, 4)).toEqual([
      ids.refused,
      ids['b-to-c'],
      ids['b-to-a'],
      ids['a1-to-b'],
    ]);
  });

  it('pages with a keyset cursor and filters by status class, error code and units', async () => {
    const first = await get(staffB, '/api/lgsp/exchanges?limit=2');
    expect((first.json.items as Item[]).map((i) => i.id)).toEqual([ids['b-to-c'], ids['b-to-a']]);
    const next = await get(staffB, `/api/lgsp/exchanges?limit=2&cursor=${first.json.nextCursor as string}`);
    expect((next.json.items as Item[]).map((i) => i.id)).toEqual([ids['a1-to-b']]);
    expect(next.json.nextCursor).toBeNull();
    const failed = await get(staffB, '/api/lgsp/exchanges?statusClass=5');
    expect((failed.json.items as Item[]).map((i) => i.id)).toEqual([ids['b-to-a']]);
    const byCode = await get(admin, '/api/lgsp/exchanges?errorCode=LGSP_SIGNATURE_INVALID');
    expect((byCode.json.items as Item[]).map((i) => i.id)).toEqual([ids.refused]);
    const toC = await get(admin, `/api/lgsp/exchanges?destinationUnitId=${c.id}`);
    expect((toC.json.items as Item[]).map((i) => i.id)).toEqual([ids['b-to-c']]);
    // The X-Lgsp-Request-Id an agency quotes finds its call, within the reader's scope only.
    const quoted = await get(admin, '/api/lgsp/exchanges?requestId=req-b-to-c');
    expect((quoted.json.items as Item[]).map((i) => i.id)).toEqual([ids['b-to-c']]);
    const foreign = await get(staffA, '/api/lgsp/exchanges?requestId=req-b-to-c');
    expect(foreign.json.items).toEqual([]);
    const bad = await get(admin, '/api/lgsp/exchanges?cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
  });

  it('refuses readers without lgsp.exchange.read', async () => {
    const plain = await loginAs(t, { roles: ['user'], unitId: a.id });
    const res = await get(plain, '/api/lgsp/exchanges');
    expect(res.status).toBe(403);
  });

  it('exports what the reader may see as CSV', async () => {
    const res = await get(staffA, '/api/lgsp/exchanges/export?format=csv');
    expect(res.status).toBe(200);
    expect(res.body).toContain('LGSP_DESTINATION_TIMEOUT');
    expect(res.body).toContain(a1.code);
    expect(res.body).not.toContain('req-b-to-c');
    const xlsx = await t.app.inject({
      method: 'GET',
      url: '/api/lgsp/exchanges/export?format=xlsx',
      headers: staffA.headers,
    });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('GET /api/lgsp/statistics and /errors (LGSP-18, LGSP-37)', () => {
  it('counts sent and received calls per unit and Vietnam day with latency percentiles', async () => {
    const res = await get(admin, '/api/lgsp/statistics?from=2026-11-22&to=2026-11-23');
    expect(res.status).toBe(200);
    const items = res.json.items as {
      unitId: string;
      day: string;
      sent: number;
      received: number;
      errors: number;
      p50Ms: number;
    }[];
    const of = (u: OrgUnit) => items.filter((i) => i.unitId === u.id);
    // Every call fell on 23/11 in Vietnam (22/11 in UTC).
    expect(of(b)).toEqual([expect.objectContaining({ day: '2026-11-23', sent: 2, received: 1, errors: 1 })]);
    expect(of(a1)).toEqual([
      expect.objectContaining({ day: '2026-11-23', sent: 1, received: 0, errors: 0, p50Ms: 20 }),
    ]);
    expect(of(a)).toEqual([expect.objectContaining({ received: 1, errors: 1, p50Ms: 300 })]);
    const scoped = (await get(staffA, '/api/lgsp/statistics?from=2026-11-22&to=2026-11-23')).json.items as {
      unitId: string;
    }[];
    expect(new Set(scoped.map((i) => i.unitId))).toEqual(new Set([a.id, a1.id]));
    const reversed = await get(admin, '/api/lgsp/statistics?from=2026-11-23&to=2026-11-22');
    expect(reversed.status).toBe(400);
  });

  it('summarises error codes per unit as source and destination', async () => {
    const res = await get(staffA, '/api/lgsp/errors?from=2026-11-23&to=2026-11-23');
    expect(res.json.items).toEqual([
      {
        unitId: a.id,
        unitCode: a.code,
        errorCode: 'LGSP_DESTINATION_TIMEOUT',
        asSource: 0,
        asDestination: 1,
      },
    ]);
  });
});

describe('retention', () => {
  it('deletes records older than lgsp.exchangeRetentionDays', async () => {
    t.services.lgsp.gateway.recorder.record(
      record('old', { timeIn: new Date(Date.now() - 400 * 86_400_000) }),
    );
    await t.services.lgsp.gateway.flush();
    const message = await exchangeRetentionJob(t.platform).run(systemCtx(), {} as never);
    expect(String(message)).toMatch(/removed 1 exchange records older than 365 days/);
    const left = await queryRows<{ n: number }>(
      t.platform.db,
      sql`select count(*)::int as n from lgsp_exchange where id = ${ids.old!}::uuid`,
    );
    expect(left[0]!.n).toBe(0);
  });
});

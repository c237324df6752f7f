import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { systemCtx } from '../../core/context.ts';
import type { NormalisedEvent } from '../contracts.ts';

let t: TestApp;
let admin: LoggedIn;
let unitReader: LoggedIn;
let unitA: string;
let unitB: string;
const SRC_A = 'a1a1a1a1-0000-4000-8000-000000000001';
const SRC_B = 'b2b2b2b2-0000-4000-8000-000000000002';
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;

beforeAll(async () => {
  t = await createTestApp();
  const ctx = systemCtx();
  const root = await t.services.org.createUnit(ctx, {
    parentId: null,
    name: 'UBND tỉnh Thử',
    code: '000.00.00.H97',
  });
  unitA = (await t.services.org.createUnit(ctx, { parentId: root.id, name: 'Sở Tư pháp' })).id;
  unitB = (await t.services.org.createUnit(ctx, { parentId: root.id, name: 'Sở Y tế' })).id;
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  unitReader = await loginAs(t, { roles: ['business_admin'], scope: 'own', unitId: unitA });
  const ev = (ts: number, sourceId: string, unitId: string, dataset: string): NormalisedEvent => ({
    ts,
    receivedAt: Date.now(),
    input: 'test',
    sourceId,
    unitId,
    doc: { event: { dataset }, message: 'x'.repeat(100) },
  });
  await t.services.soc.store.write([
    ...Array.from({ length: 5 }, () => ev(today + 3_600_000, SRC_A, unitA, 'nginx.access')),
    ...Array.from({ length: 2 }, () => ev(today - DAY + 3_600_000, SRC_A, unitA, 'system.auth')),
    ...Array.from({ length: 7 }, () => ev(today + 7_200_000, SRC_B, unitB, 'suricata.eve')),
  ]);
});

afterAll(async () => {
  await t.close();
});

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('GET /api/soc/store/report', () => {
  it('gives an all-units reader partitions (rows, bytes), daily volume, per-source volume and totals', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/soc/store/report?from=${iso(today - DAY)}&to=${iso(today)}`,
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.days.map((d: { day: string; events: number }) => [d.day, d.events])).toEqual([
      [iso(today - DAY), 2],
      [iso(today), 12],
    ]);
    expect(
      body.sources.map((s: { sourceId: string; dataset: string; events: number }) => [
        s.sourceId,
        s.dataset,
        s.events,
      ]),
    ).toEqual([
      [SRC_B, 'suricata.eve', 7],
      [SRC_A, 'nginx.access', 5],
      [SRC_A, 'system.auth', 2],
    ]);
    const parts = body.partitions as { day: string; rows: number; bytes: number }[];
    expect(parts.map((p) => [p.day, p.rows])).toEqual([
      [iso(today - DAY), 2],
      [iso(today), 12],
    ]);
    expect(parts.every((p) => p.bytes > 8192)).toBe(true);
    expect(body.totals).toMatchObject({ events: 14, partitions: 2 });
    expect(body.totals.bytes).toBeGreaterThan(14 * 100);
    expect(body.totals.storedBytes).toBe(parts.reduce((n, p) => n + p.bytes, 0));
  });

  it('shows a unit-scoped reader only its unit’s volume and no partition figures', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/soc/store/report?from=${iso(today - DAY)}&to=${iso(today)}`,
      headers: unitReader.headers,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.partitions).toBeNull();
    expect(body.sources.every((s: { unitId: string }) => s.unitId === unitA)).toBe(true);
    expect(body.totals).toMatchObject({ events: 7, storedBytes: null, partitions: null });
  });

  it('refuses readers without soc.sources.read and reversed or over-long ranges', async () => {
    const plain = await loginAs(t, { roles: ['user'], scope: 'all' });
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/soc/store/report',
      headers: plain.headers,
    });
    expect(denied.statusCode).toBe(403);
    const reversed = await t.app.inject({
      method: 'GET',
      url: `/api/soc/store/report?from=${iso(today)}&to=${iso(today - DAY)}`,
      headers: admin.headers,
    });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().code).toBe('VALIDATION_FAILED');
  });
});

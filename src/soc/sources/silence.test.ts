import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { systemCtx } from '../../core/context.ts';
import { queryRows, sql } from '../../core/db/index.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { NormalisedEvent } from '../contracts.ts';
import type { AlertView, SourceView } from './schema.ts';
import { SILENCE_JOB, SOURCE_BACK, SOURCE_SILENT } from './service.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;
let financeReader: LoggedIn;
let healthReader: LoggedIn;
const published: { topic: string; payload: Record<string, unknown> }[] = [];
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  admin = await loginAs(t, { roles: ['tech_admin'], unitId: p.root.id, scope: 'all' });
  financeReader = await loginAs(t, { roles: ['business_admin'], unitId: p.finance.id, scope: 'own' });
  healthReader = await loginAs(t, { roles: ['business_admin'], unitId: p.health.id, scope: 'own' });
  for (const topic of [SOURCE_SILENT, SOURCE_BACK]) {
    t.services.bus.subscribe(topic, (payload) => {
      published.push({ topic, payload: payload as Record<string, unknown> });
    });
  }
});
afterAll(() => t.close());

const sources = () => t.services.soc.sources;

function ev(host: string, input = 'syslog-udp'): NormalisedEvent {
  const at = t.clock.now.getTime();
  return { ts: at, receivedAt: at, input, doc: { host: { hostname: host } } };
}

/** A source of `unitId` that must report every `interval` seconds, seen now. */
async function watched(unitId: string | null, interval: number, input = 'syslog-udp') {
  n++;
  const name = `silence-${n}`;
  const e = ev(name, input);
  await sources().enrich([e]);
  await sources().updateSource(systemCtx(), e.sourceId as string, {
    expectedIntervalSeconds: interval,
    ...(unitId ? { unitId } : {}),
  });
  await sources().flush();
  return { id: e.sourceId as string, name };
}

async function notices(who: LoggedIn, kind: string): Promise<{ titleVi?: string; title?: unknown }[]> {
  const rows = await queryRows<{ kind: string; title_vi: string }>(
    t.platform.db,
    sql`select kind, title_vi from core_notifications where recipient_id = ${who.accountId} and kind = ${kind}`,
  );
  return rows.map((r) => ({ titleVi: r.title_vi }));
}

async function sourceView(who: LoggedIn, id: string): Promise<SourceView> {
  const res = await t.app.inject({ method: 'GET', url: `/api/soc/sources/${id}`, headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as SourceView;
}

describe('silence alerts (SOC-25)', () => {
  it('registers its check as a scheduler job', () => {
    expect(t.services.scheduler.registered).toContain(SILENCE_JOB);
  });

  it('raises one alert and one notice when a source stays silent past interval × grace, and clears both on return', async () => {
    const src = await watched(p.finance.id, 60);
    const grace = t.platform.config.soc.sources.graceFactor;
    const before = published.length;

    t.clock.advance(60 * grace * 1000 - 1000);
    expect(await sources().checkSilence()).toMatchObject({ raised: 0 });

    t.clock.advance(2000);
    expect(await sources().checkSilence()).toMatchObject({ raised: 1 });
    // A later round (or another node's) raises nothing more while the alert is open.
    t.clock.advance(60_000);
    expect(await sources().checkSilence()).toMatchObject({ raised: 0 });
    const open = await queryRows<{ n: number }>(
      t.platform.db,
      sql`select count(*)::int as n from soc_source_alerts where source_id = ${src.id} and cleared_at is null`,
    );
    expect(open[0]?.n).toBe(1);

    expect(published.slice(before).map((m) => [m.topic, m.payload.sourceId])).toEqual([
      [SOURCE_SILENT, src.id],
    ]);
    expect(await notices(financeReader, 'soc.source.silent')).toEqual([
      { titleVi: expect.stringContaining(src.name) },
    ]);
    expect(await notices(healthReader, 'soc.source.silent')).toEqual([]);
    expect((await notices(admin, 'soc.source.silent')).length).toBe(1);
    expect(await sourceView(financeReader, src.id)).toMatchObject({ state: 'silent' });
    const alerts = (
      await t.app.inject({
        method: 'GET',
        url: '/api/soc/sources/alerts?open=true',
        headers: financeReader.headers,
      })
    ).json() as AlertView[];
    expect(alerts.filter((a) => a.sourceId === src.id)).toEqual([
      expect.objectContaining({ open: true, clearedAt: null, unitId: p.finance.id, sourceName: src.name }),
    ]);

    // It reports again: the flush of last-seen times clears the alert and tells the same people.
    await sources().enrich([ev(src.name)]);
    await sources().flush();
    expect(published.slice(before).map((m) => m.topic)).toEqual([SOURCE_SILENT, SOURCE_BACK]);
    expect(await notices(financeReader, 'soc.source.back')).toHaveLength(1);
    expect(await notices(healthReader, 'soc.source.back')).toEqual([]);
    expect(await sourceView(financeReader, src.id)).toMatchObject({ state: 'reporting', silentSince: null });
    const recent = (
      await t.app.inject({
        method: 'GET',
        url: '/api/soc/sources/alerts',
        headers: financeReader.headers,
      })
    ).json() as AlertView[];
    expect(recent.find((a) => a.sourceId === src.id)).toMatchObject({
      open: false,
      clearedAt: t.clock.now.toISOString(),
    });
    // Nothing left to clear or raise.
    expect(await sources().checkSilence()).toEqual({ raised: 0, cleared: 0 });
  });

  it('clears in the check a report that a node wrote while the alert was being raised', async () => {
    const src = await watched(p.finance.id, 30);
    t.clock.advance(10 * 60_000);
    await sources().checkSilence();
    const openOf = async () =>
      (
        await queryRows<{ n: number }>(
          t.platform.db,
          sql`select count(*)::int as n from soc_source_alerts where source_id = ${src.id} and cleared_at is null`,
        )
      )[0]?.n;
    expect(await openOf()).toBe(1);
    // Another node's flush wrote a later last-seen directly (its own clearing raced the raise).
    await t.platform.db.execute(
      sql`update soc_sources set last_seen = ${t.clock.now.toISOString()} where id = ${src.id}`,
    );
    expect((await sources().checkSilence()).cleared).toBeGreaterThanOrEqual(1);
    expect(await openOf()).toBe(0);
  });

  it('tells only holders seeing every unit about a source without a unit, and never watches imported files', async () => {
    const lone = await watched(null, 30);
    const imported = await watched(null, 0, 'file:abc');
    const defaultImport = ev(`import-${n}`, 'file:def');
    await sources().enrich([defaultImport]);
    await sources().flush();
    t.clock.advance(24 * 3_600_000);
    await sources().checkSilence();
    const states = await queryRows<{ source_id: string }>(
      t.platform.db,
      sql`select source_id from soc_source_alerts where cleared_at is null
        and source_id = any(${sql.param([lone.id, imported.id, defaultImport.sourceId as string])}::uuid[])`,
    );
    expect(states.map((s) => s.source_id)).toEqual([lone.id]);
    const adminNotices = await notices(admin, 'soc.source.silent');
    expect(adminNotices.some((x) => x.titleVi?.includes(lone.name))).toBe(true);
    expect(
      (await notices(financeReader, 'soc.source.silent')).some((x) => x.titleVi?.includes(lone.name)),
    ).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { systemCtx } from '../../core/context.ts';
import { queryRows, sql } from '../../core/db/index.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import type { NormalisedEvent } from '../contracts.ts';
import type { AlertView, RangeView, SourceView, SystemView } from './schema.ts';

let t: TestApp;
let p: Province;
let admin: LoggedIn;
let financeAdmin: LoggedIn;
let healthReader: LoggedIn;
let plain: LoggedIn;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  await t.services.iam.roles.save(systemCtx(), {
    id: 'soc_unit_admin',
    nameVi: 'Quản trị nguồn nhật ký của đơn vị',
    nameEn: 'Unit log-source administrator',
    permissions: ['org.read', 'soc.sources.read', 'soc.sources.write'],
  });
  admin = await loginAs(t, { roles: ['tech_admin'], unitId: p.root.id, scope: 'all' });
  financeAdmin = await loginAs(t, { roles: ['soc_unit_admin'], unitId: p.finance.id, scope: 'own' });
  healthReader = await loginAs(t, { roles: ['business_admin'], unitId: p.health.id, scope: 'own' });
  plain = await loginAs(t, { roles: ['user'], unitId: p.finance.id, scope: 'own' });
});
afterAll(() => t.close());

function call(who: LoggedIn, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return t.app.inject(
    payload === undefined
      ? { method, url, headers: who.headers }
      : { method, url, headers: who.headers, payload },
  );
}

async function ok<T>(
  who: LoggedIn,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
): Promise<T> {
  const res = await call(who, method, url, payload);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json() as T;
}

const ev = (doc: Record<string, unknown>, input = 'syslog-tcp'): NormalisedEvent => {
  const at = t.clock.now.getTime();
  return { ts: at, receivedAt: at, input, doc };
};

async function auditActions(targetId: string): Promise<string[]> {
  const rows = await queryRows<{ action: string; category: string }>(
    t.platform.db,
    sql`select action, category from audit_log where target_id = ${targetId} order by seq`,
  );
  expect(rows.every((r) => r.category === 'config')).toBe(true);
  return rows.map((r) => r.action);
}

/** A system with a range in `unitId`, and a source inventoried from an address in it. */
async function fixture(who: LoggedIn, unitId: string) {
  n++;
  const system = await ok<SystemView>(who, 'POST', '/api/soc/systems', {
    unitId,
    code: `he-thong-${n}`,
    name: `Hệ thống điều hành số ${n}`,
    securityLevel: 3,
  });
  const range = await ok<RangeView>(who, 'POST', '/api/soc/ip-ranges', {
    cidr: `100.64.${n}.9/24`,
    systemId: system.id,
  });
  await t.services.soc.sources.ready();
  const event = ev({ host: { hostname: `may-${n}` }, log: { source: { address: `100.64.${n}.20` } } });
  await t.services.soc.sources.enrich([event]);
  return { system, range, sourceId: event.sourceId as string, n };
}

describe('permissions', () => {
  it('refuses reading without soc.sources.read and changing without soc.sources.write', async () => {
    for (const url of [
      '/api/soc/sources',
      '/api/soc/sources/alerts',
      '/api/soc/systems',
      '/api/soc/ip-ranges',
    ]) {
      expect((await call(plain, 'GET', url)).statusCode, url).toBe(403);
      expect((await call(healthReader, 'GET', url)).statusCode, url).toBe(200);
    }
    const res = await call(healthReader, 'POST', '/api/soc/systems', {
      unitId: p.health.id,
      code: 'khong-duoc',
      name: 'Không được',
      securityLevel: 1,
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('information systems and IP ranges', () => {
  it('registers a system and a normalised range, audited as configuration changes', async () => {
    const { system, range } = await fixture(financeAdmin, p.finance.id);
    expect(system).toMatchObject({ unitId: p.finance.id, unitCode: p.finance.code, securityLevel: 3 });
    expect(range).toMatchObject({ cidr: `100.64.${n}.0/24`, systemCode: system.code, unitId: p.finance.id });
    expect((await ok<SystemView>(financeAdmin, 'GET', `/api/soc/systems/${system.id}`)).ranges).toBe(1);
    expect(await auditActions(system.id)).toEqual(['soc.system.create']);
    expect(await auditActions(range.id)).toEqual(['soc.ip_range.create']);

    const changed = await ok<SystemView>(financeAdmin, 'PATCH', `/api/soc/systems/${system.id}`, {
      securityLevel: 4,
    });
    expect(changed.securityLevel).toBe(4);
    expect(await auditActions(system.id)).toEqual(['soc.system.create', 'soc.system.update']);
  });

  it('refuses a taken code, an invalid or duplicate range, and deleting a system that still has ranges', async () => {
    const { system, range } = await fixture(financeAdmin, p.finance.id);
    const taken = await call(financeAdmin, 'POST', '/api/soc/systems', {
      unitId: p.finance.id,
      code: system.code,
      name: 'Trùng mã',
      securityLevel: 1,
    });
    expect([taken.statusCode, taken.json().code]).toEqual([409, 'SOC_SYSTEM_CODE_TAKEN']);
    const invalid = await call(financeAdmin, 'POST', '/api/soc/ip-ranges', {
      cidr: '10.1/16',
      systemId: system.id,
    });
    expect([invalid.statusCode, invalid.json().code]).toEqual([400, 'SOC_IP_RANGE_INVALID']);
    const dup = await call(financeAdmin, 'POST', '/api/soc/ip-ranges', {
      cidr: range.cidr,
      systemId: system.id,
    });
    expect([dup.statusCode, dup.json().code]).toEqual([409, 'SOC_IP_RANGE_TAKEN']);
    const del = await call(financeAdmin, 'DELETE', `/api/soc/systems/${system.id}`);
    expect([del.statusCode, del.json().code]).toEqual([409, 'SOC_SYSTEM_HAS_RANGES']);
    expect((await call(financeAdmin, 'DELETE', `/api/soc/ip-ranges/${range.id}`)).statusCode).toBe(204);
    expect((await call(financeAdmin, 'DELETE', `/api/soc/systems/${system.id}`)).statusCode).toBe(204);
    expect(await auditActions(system.id)).toEqual(['soc.system.create', 'soc.system.delete']);
  });

  it('moves a range and events are tagged by its new place at once; a tag string stays a tag', async () => {
    const { system, range } = await fixture(financeAdmin, p.finance.id);
    const moved = await ok<RangeView>(financeAdmin, 'PATCH', `/api/soc/ip-ranges/${range.id}`, {
      cidr: '2001:DB8:AB::7/64',
      description: 'Dải IPv6 của cổng',
    });
    expect(moved).toMatchObject({ cidr: '2001:db8:ab::/64', description: 'Dải IPv6 của cổng' });
    expect(await auditActions(range.id)).toEqual(['soc.ip_range.create', 'soc.ip_range.update']);
    const hit = ev({ destination: { ip: '2001:db8:ab::443' }, tags: 'nginx' }, 'bulk');
    const old = ev({ destination: { ip: range.cidr.replace('.0/24', '.5') } }, 'bulk');
    await t.services.soc.sources.enrich([hit, old]);
    expect(hit).toMatchObject({ systemId: system.id, unitId: p.finance.id });
    expect(hit.doc.tags).toEqual(['nginx', `system:${system.code}`]);
    expect(old.systemId).toBeNull();
  });

  it('reports overlapping ranges, naming only those the caller may see', async () => {
    const mine = await fixture(financeAdmin, p.finance.id);
    const theirs = await fixture(admin, p.health.id);
    const inside = await ok<RangeView>(financeAdmin, 'POST', '/api/soc/ip-ranges', {
      cidr: `100.64.${mine.n}.128/25`,
      systemId: mine.system.id,
    });
    expect(inside.overlaps.map((o) => o.id)).toEqual([mine.range.id]);
    const wide = await ok<RangeView>(admin, 'POST', '/api/soc/ip-ranges', {
      cidr: `100.64.${mine.n}.0/23`,
      systemId: theirs.system.id,
    });
    expect(wide.overlaps.length).toBeGreaterThanOrEqual(2);
    const seen = await ok<RangeView>(financeAdmin, 'GET', `/api/soc/ip-ranges/${mine.range.id}`);
    expect(seen.overlaps.map((o) => o.id)).toEqual([inside.id]);
    expect(seen.overlapsOutsideScope).toBe(1);
  });
});

describe('sources', () => {
  it('lists sources with filters and a diacritic-insensitive search, and shows one', async () => {
    const { system, sourceId } = await fixture(financeAdmin, p.finance.id);
    const src = await ok<SourceView>(financeAdmin, 'GET', `/api/soc/sources/${sourceId}`);
    expect(src).toMatchObject({
      unitId: p.finance.id,
      systemId: system.id,
      kind: 'host',
      inputKind: 'syslog',
      state: 'reporting',
      effectiveIntervalSeconds: 3600,
    });
    await ok(financeAdmin, 'PATCH', `/api/soc/sources/${sourceId}`, { name: 'Máy chủ Kế toán Đông Hưng' });
    const found = await ok<{ items: SourceView[] }>(
      financeAdmin,
      'GET',
      '/api/soc/sources?q=may%20chu%20ke%20toan%20dong',
    );
    expect(found.items.map((s) => s.id)).toEqual([sourceId]);
    const bySystem = await ok<{ items: SourceView[] }>(
      financeAdmin,
      'GET',
      `/api/soc/sources?systemId=${system.id}&kind=host&state=reporting`,
    );
    expect(bySystem.items.map((s) => s.id)).toEqual([sourceId]);
    const silent = await ok<{ items: SourceView[] }>(
      financeAdmin,
      'GET',
      `/api/soc/sources?systemId=${system.id}&state=silent`,
    );
    expect(silent.items).toEqual([]);
  });

  it('changes a source, audits it, and every enricher follows at once (bus)', async () => {
    const { sourceId, n: k } = await fixture(admin, p.finance.id);
    const other = await fixture(admin, p.finance.id);
    const changed = await ok<SourceView>(admin, 'PATCH', `/api/soc/sources/${sourceId}`, {
      kind: 'network-device',
      systemId: other.system.id,
      expectedIntervalSeconds: 120,
      retentionDays: 400,
    });
    expect(changed).toMatchObject({
      kind: 'network-device',
      systemId: other.system.id,
      effectiveIntervalSeconds: 120,
      retentionDays: 400,
    });
    expect(await auditActions(sourceId)).toEqual(['soc.source.update']);
    const next = ev({ host: { hostname: `may-${k}` } });
    await t.services.soc.sources.enrich([next]);
    expect(next).toMatchObject({ sourceId, systemId: other.system.id, unitId: p.finance.id });
    const plan = await t.services.soc.sources.retention();
    expect(plan.defaultDays).toBe(t.platform.config.soc.store.defaultRetentionDays);
    expect(plan.perSource).toContainEqual({ sourceId, days: 400 });
    // null returns a setting to its default; it must not arrive as 0 ("not watched").
    const reset = await ok<SourceView>(admin, 'PATCH', `/api/soc/sources/${sourceId}`, {
      expectedIntervalSeconds: null,
      retentionDays: null,
    });
    expect(reset).toMatchObject({ expectedIntervalSeconds: null, retentionDays: null });
    expect(reset.effectiveIntervalSeconds).toBeGreaterThan(0);
  });

  it('shows sources without a unit only to actors who see every unit', async () => {
    n++;
    const lone = ev({ host: { hostname: `lone-${n}` } }, 'bulk');
    await t.services.soc.sources.enrich([lone]);
    const id = lone.sourceId as string;
    expect(lone.unitId).toBeNull();
    expect((await call(admin, 'GET', `/api/soc/sources/${id}`)).statusCode).toBe(200);
    expect((await call(financeAdmin, 'GET', `/api/soc/sources/${id}`)).statusCode).toBe(404);
    const listed = await ok<{ items: SourceView[] }>(financeAdmin, 'GET', `/api/soc/sources?q=lone-${n}`);
    expect(listed.items).toEqual([]);
    // Taking it into one's own unit needs the source to be visible first.
    expect(
      (await call(financeAdmin, 'PATCH', `/api/soc/sources/${id}`, { unitId: p.finance.id })).statusCode,
    ).toBe(404);
    await ok(admin, 'PATCH', `/api/soc/sources/${id}`, { unitId: p.finance.id });
    expect((await call(financeAdmin, 'GET', `/api/soc/sources/${id}`)).statusCode).toBe(200);
  });
});

describe('unit isolation', () => {
  it("never shows or changes another unit's systems, ranges, sources or alerts through any route", async () => {
    const health = await fixture(admin, p.health.id);
    const finance = await fixture(financeAdmin, p.finance.id);
    // Raise an alert on the health source so that the alert list has something to leak.
    await ok(admin, 'PATCH', `/api/soc/sources/${health.sourceId}`, { expectedIntervalSeconds: 60 });
    await t.services.soc.sources.flush();
    t.clock.advance(10 * 60_000);
    await t.services.soc.sources.checkSilence();

    const reads = [
      `/api/soc/systems/${health.system.id}`,
      `/api/soc/ip-ranges/${health.range.id}`,
      `/api/soc/sources/${health.sourceId}`,
    ];
    for (const url of reads) {
      const res = await call(financeAdmin, 'GET', url);
      expect(res.statusCode, url).toBe(404);
    }
    const writes: [string, object][] = [
      [`/api/soc/systems/${health.system.id}`, { name: 'Đổi tên' }],
      [`/api/soc/ip-ranges/${health.range.id}`, { description: 'x' }],
      [`/api/soc/sources/${health.sourceId}`, { name: 'Đổi tên' }],
    ];
    for (const [url, body] of writes)
      expect((await call(financeAdmin, 'PATCH', url, body)).statusCode, url).toBe(404);
    for (const url of [`/api/soc/systems/${health.system.id}`, `/api/soc/ip-ranges/${health.range.id}`]) {
      expect((await call(financeAdmin, 'DELETE', url)).statusCode, url).toBe(404);
    }
    // Moving one's own rows into a unit outside the scope, or registering there, is refused too.
    expect(
      (await call(financeAdmin, 'PATCH', `/api/soc/sources/${finance.sourceId}`, { unitId: p.health.id }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await call(financeAdmin, 'PATCH', `/api/soc/sources/${finance.sourceId}`, {
          systemId: health.system.id,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await call(financeAdmin, 'POST', '/api/soc/ip-ranges', {
          cidr: '100.127.0.0/24',
          systemId: health.system.id,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await call(financeAdmin, 'POST', '/api/soc/systems', {
          unitId: p.health.id,
          code: `lan-${n}`,
          name: 'Lấn sân',
          securityLevel: 1,
        })
      ).statusCode,
    ).toBe(404);

    const lists = await Promise.all([
      ok<{ items: SourceView[] }>(financeAdmin, 'GET', '/api/soc/sources?limit=500'),
      ok<{ items: SystemView[] }>(financeAdmin, 'GET', '/api/soc/systems?limit=500'),
      ok<{ items: RangeView[] }>(financeAdmin, 'GET', '/api/soc/ip-ranges?limit=500'),
      ok<AlertView[]>(financeAdmin, 'GET', '/api/soc/sources/alerts'),
      ok<{ items: SourceView[] }>(financeAdmin, 'GET', `/api/soc/sources?unitId=${p.health.id}`),
    ]);
    const [sources, systems, ranges, alerts, filtered] = lists;
    expect(sources.items.length).toBeGreaterThan(0);
    expect(sources.items.every((s) => s.unitId === p.finance.id)).toBe(true);
    expect(systems.items.every((s) => s.unitId === p.finance.id)).toBe(true);
    expect(ranges.items.every((r) => r.unitId === p.finance.id)).toBe(true);
    expect(alerts.every((a) => a.unitId === p.finance.id)).toBe(true);
    expect(filtered.items).toEqual([]);
    for (const body of lists.map((l) => JSON.stringify(l))) {
      expect(body).not.toContain(health.sourceId);
      expect(body).not.toContain(health.system.id);
      expect(body).not.toContain(health.range.id);
    }
    // The health unit's reader sees the alert of its source.
    const theirs = await ok<AlertView[]>(healthReader, 'GET', '/api/soc/sources/alerts?open=true');
    expect(theirs.map((a) => a.sourceId)).toContain(health.sourceId);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type TestApp } from '../../test/helpers/app.ts';
import { searchAudit } from '../core/audit/index.ts';
import { systemCtx } from '../core/context.ts';
import { codeLevel, isChildCodeOf, type OrgUnit, parseCode } from '../org/index.ts';
import {
  type DemoResult,
  demoAccounts,
  demoApplications,
  demoProvince,
  demoRights,
  fillDemoProvince,
  placeUnits,
} from './index.ts';
import type { DemoUnit } from './province.ts';

let t: TestApp;
let result: DemoResult;
let units: OrgUnit[];
const steps: [number, number][] = [];

function count(u: DemoUnit): number {
  return 1 + (u.children ?? []).reduce((n, c) => n + count(c), 0);
}

beforeAll(async () => {
  t = await createTestApp();
  result = await fillDemoProvince(t.services, { onProgress: (done, total) => steps.push([done, total]) });
  units = await t.services.org.tree(systemCtx());
}, 120_000);
afterAll(() => t.close());

describe('tinhso demo: the data exchange (LGSP)', () => {
  it('registers applications with keys, their services and the rights between them, through the registry', async () => {
    const services = demoApplications.flatMap((a) => a.provides);
    expect(result.exchange).toEqual({
      applications: demoApplications.length,
      services: services.length,
      rights: demoRights.length,
    });
    const registry = t.services.lgsp.registry.service;
    const apps = await registry.listApplications(systemCtx(), { limit: 500 });
    expect(apps.items.map((a) => a.code).sort()).toEqual(demoApplications.map((a) => a.code).sort());
    expect(apps.items.every((a) => a.activeAccessKey !== null)).toBe(true);
    const matrix = await registry.rightsMatrix(systemCtx());
    expect(JSON.stringify(matrix)).toContain('tiem-chung');
    // Found by a visitor in the directory without diacritics.
    const found = await registry.directory(systemCtx(), { q: 'tiem chung' });
    expect(JSON.stringify(found)).toContain('Tra cứu tiêm chủng');
  });
});

describe('tinhso demo: the province', () => {
  it('creates a few hundred units: the province, about twenty departments with divisions, nine districts with communes', () => {
    expect(result.units).toBe(count(demoProvince));
    expect(units).toHaveLength(result.units);
    expect(units.length).toBeGreaterThanOrEqual(200);
    const kinds = (k: string) => units.filter((u) => u.kind === k).length;
    expect(kinds('province')).toBe(1);
    expect(kinds('department')).toBe(20);
    expect(kinds('district')).toBe(9);
    expect(kinds('commune')).toBeGreaterThanOrEqual(60);
    expect(units.filter((u) => u.kind === 'unit' && u.depth === 2).length).toBeGreaterThanOrEqual(60);
    expect(result.root).toEqual({ code: '000.00.00.H99', name: 'Ủy ban nhân dân tỉnh Sơn Hà' });
  });

  it('gives every unit a valid QCVN 102:2016 code under its parent, and an NFC name with diacritics', () => {
    const byId = new Map(units.map((u) => [u.id, u]));
    for (const u of units) {
      expect(parseCode(u.code), u.code).not.toBeNull();
      expect(u.name).toBe(u.name.normalize('NFC'));
      if (u.parentId === null) {
        expect(codeLevel(u.code)).toBe(1);
      } else {
        expect(isChildCodeOf(u.code, byId.get(u.parentId)!.code), `${u.code} under its parent`).toBe(true);
      }
    }
    expect(new Set(units.map((u) => u.code)).size).toBe(units.length);
    expect(units.map((u) => u.name)).toContain('Ủy ban nhân dân phường Đống Đa');
  });

  it('writes the units through the org import: one audited operation', async () => {
    const entries = await searchAudit(t.platform.db, { categories: ['org'], limit: 10 });
    expect(entries.filter((e) => e.action.startsWith('org.'))).toHaveLength(1);
    expect(entries[0]!.description).toContain(`${result.units} tạo mới`);
  });

  it('reports progress up to the total of units and accounts', () => {
    const total = result.units + demoAccounts.length;
    expect(steps[0]).toEqual([0, total]);
    expect(steps.at(-1)).toEqual([total, total]);
  });

  it('is found by the global search without diacritics', async () => {
    const search = (q: string) => t.services.search.search(systemCtx(), { q });
    expect((await search('dong da')).items.map((i) => i.title)).toContain('Ủy ban nhân dân phường Đống Đa');
    expect((await search('ha noi')).items.map((i) => i.title)).toContain(
      'Văn phòng đại diện tỉnh Sơn Hà tại Hà Nội',
    );
  });
});

describe('tinhso demo: the accounts', () => {
  it('creates accounts of each built-in role, in several units, each with a name', async () => {
    expect(result.accounts).toHaveLength(demoAccounts.length);
    for (const role of ['tech_admin', 'business_admin', 'user']) {
      const listed = await t.services.iam.accounts.list(systemCtx(), {
        role,
        offset: 0,
        limit: 100,
        sort: 'username',
        order: 'asc',
      });
      expect(listed.total, role).toBeGreaterThan(0);
    }
    expect(new Set(result.accounts.map((a) => a.unitName)).size).toBeGreaterThanOrEqual(6);
    const admin = result.accounts.find((a) => a.username === 'demo.kythuat')!;
    expect(admin).toMatchObject({ role: 'tech_admin', scope: 'all', fullName: 'Nguyễn Văn Hùng' });
  });

  it('gives one-time passwords that must be changed at the first login', async () => {
    const a = result.accounts.find((x) => x.username === 'soyte.canbo1')!;
    expect(a.oneTimePassword).toMatch(/^\S{16,}$/);
    const account = await t.services.iam.accounts.byUsername(a.username);
    expect(account).toMatchObject({ mustChangePassword: true, fullName: 'Dương Văn Khải' });
    expect((await login(t, a.username, a.oneTimePassword!)).stage).toBe('password_change');
  });

  it('puts each account in its unit with its scope', async () => {
    const health = units.find((u) => u.name === 'Sở Y tế')!;
    const listed = await t.services.iam.accounts.list(systemCtx(), {
      unitId: health.id,
      offset: 0,
      limit: 100,
      sort: 'username',
      order: 'asc',
    });
    expect(listed.items.map((a) => [a.username, a.scope, a.roles])).toEqual([
      ['soyte.canbo1', 'own', ['user']],
      ['soyte.canbo2', 'own', ['user']],
      ['soyte.quantri', 'subtree', ['business_admin']],
    ]);
  });
});

describe('tinhso demo: a second run', () => {
  it('is refused with DEMO_DATABASE_NOT_EMPTY and changes nothing', async () => {
    await expect(fillDemoProvince(t.services)).rejects.toMatchObject({
      code: 'DEMO_DATABASE_NOT_EMPTY',
      details: { units: result.units },
    });
    expect(await t.services.org.tree(systemCtx())).toHaveLength(result.units);
  });
});

describe('placing the tree', () => {
  it('numbers children in order under each parent, under any level-1 code', () => {
    const placed = placeUnits(demoProvince, '000.00.00.K42');
    expect(placed[0]!.code).toBe('000.00.00.K42');
    expect(placed.slice(1, 3).map((p) => p.code)).toEqual(['000.00.01.K42', '000.00.02.K42']);
    expect(placed.filter((p) => p.unit.kind === 'district').map((p) => p.code)[0]).toBe('000.00.21.K42');
  });
});

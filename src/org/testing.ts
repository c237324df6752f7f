/**
 * @module org/testing
 * Builders for the organisation tests: an org service over a test database with a settable clock,
 * actors with a unit and a scope, and a fresh province per test (its own level-1 code), so tests
 * sharing one database never see each other's units.
 */
import type { Ctx, DataScope } from '../core/context.ts';
import type { Db } from '../core/db/index.ts';
import { createOrgService, type OrgService } from './service.ts';
import type { OrgUnit } from './types.ts';

/** An org service with a clock tests can set. */
export interface TestOrg {
  org: OrgService;
  clock: { now: Date };
}

/** Creates the org service over `db` with a clock fixed at `now`. */
export function testOrg(db: Db, now = new Date('2026-03-02T03:00:00Z')): TestOrg {
  const clock = { now };
  return { org: createOrgService({ db, now: () => clock.now }), clock };
}

let actorCount = 0;

/** A user context with the given unit, scope and permissions (org.read and org.write by default). */
export function actor(
  options: { unitId?: string | null; scope?: DataScope; permissions?: string[]; lang?: 'vi' | 'en' } = {},
): Ctx {
  actorCount++;
  return {
    actor: {
      kind: 'user',
      id: `00000000-0000-4000-8000-${String(actorCount).padStart(12, '0')}`,
      name: `tester${actorCount}`,
      unitId: options.unitId ?? null,
      permissions: new Set(options.permissions ?? ['org.read', 'org.write']),
      scope: options.scope ?? 'all',
    },
    ip: '10.0.0.7',
    requestId: `req-${actorCount}`,
    lang: options.lang ?? 'en',
  };
}

/** An administrator who sees the whole tree. */
export const admin = (): Ctx => actor({ scope: 'all' });

let groupCount = 0;

/** A level-1 code no other test in this process uses (`A01`…`Z99`). */
export function freshGroup(): string {
  const n = groupCount++;
  const letter = String.fromCharCode(65 + (Math.floor(n / 99) % 26));
  return `${letter}${String((n % 99) + 1).padStart(2, '0')}`;
}

/** A small province: the People's Committee, two departments, a district with two communes. */
export interface Province {
  group: string;
  root: OrgUnit;
  finance: OrgUnit;
  health: OrgUnit;
  district: OrgUnit;
  communeA: OrgUnit;
  communeB: OrgUnit;
}

/** Builds a fresh province tree as an administrator. */
export async function buildProvince(org: OrgService, ctx: Ctx = admin()): Promise<Province> {
  const group = freshGroup();
  const root = await org.createUnit(ctx, {
    code: group,
    name: `Ủy ban nhân dân tỉnh ${group}`,
    kind: 'province',
  });
  const finance = await org.createUnit(ctx, { parentId: root.id, name: 'Sở Tài chính', kind: 'department' });
  const health = await org.createUnit(ctx, { parentId: root.id, name: 'Sở Y tế', kind: 'department' });
  const district = await org.createUnit(ctx, {
    parentId: root.id,
    code: `000.00.31.${group}`,
    name: 'Ủy ban nhân dân huyện Đông Hưng',
    kind: 'district',
  });
  const communeA = await org.createUnit(ctx, {
    parentId: district.id,
    name: 'Ủy ban nhân dân xã Đông La',
    kind: 'commune',
  });
  const communeB = await org.createUnit(ctx, {
    parentId: district.id,
    name: 'Ủy ban nhân dân xã Đông Xá',
    kind: 'commune',
  });
  return { group, root, finance, health, district, communeA, communeB };
}

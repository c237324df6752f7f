import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { searchAudit } from '../core/audit/index.ts';
import { systemCtx } from '../core/context.ts';
import type { OrgService } from './service.ts';
import { registerCodes, uniqueViolation } from './store.ts';
import { actor, admin, buildProvince, freshGroup, testOrg } from './testing.ts';

let database: TestDatabase;
let org: OrgService;
beforeAll(async () => {
  database = await createTestDatabase();
  org = testOrg(database.db).org;
});
afterAll(() => database.close());

const orgAudit = (unitId: string) =>
  searchAudit(database.db, { categories: ['org'], unitIds: [unitId], limit: 50 });

describe('creating units', () => {
  it('issues the next free child code under the parent and writes history and audit', async () => {
    const p = await buildProvince(org);
    expect(p.root.code).toBe(`000.00.00.${p.group}`);
    expect(p.finance.code).toBe(`000.00.01.${p.group}`);
    expect(p.health.code).toBe(`000.00.02.${p.group}`);
    expect(p.communeA.code).toBe(`000.01.31.${p.group}`);
    expect(p.communeB).toMatchObject({ code: `000.02.31.${p.group}`, parentId: p.district.id, depth: 2 });
    expect(p.finance).toMatchObject({
      status: 'active',
      validTo: null,
      validFrom: '2026-03-02',
      kind: 'department',
    });

    const history = await org.history(admin(), { id: p.finance.id });
    expect(history.events).toHaveLength(1);
    expect(history.events[0]).toMatchObject({
      eventType: 'create',
      operation: 'create',
      newCode: p.finance.code,
    });
    expect(history.codes).toEqual([{ code: p.finance.code, validFrom: '2026-03-02', validTo: null }]);

    const [entry] = await orgAudit(p.finance.id);
    expect(entry).toMatchObject({
      category: 'org',
      action: 'org.unit.create',
      targetType: 'org_unit',
      targetId: p.finance.id,
      outcome: 'success',
      sourceIp: '10.0.0.7',
    });
    expect(entry!.description).toContain('Sở Tài chính');
  });

  it('stores names in NFC and accepts the short code forms', async () => {
    const group = freshGroup();
    const nfd = 'Ủy ban nhân dân tỉnh'.normalize('NFD');
    const root = await org.createUnit(admin(), { code: group.toLowerCase(), name: `  ${nfd}   ${group} ` });
    expect(root.name).toBe(`Ủy ban nhân dân tỉnh ${group}`.normalize('NFC'));
    expect(root.kind).toBe('province');
    const child = await org.createUnit(admin(), {
      parentId: root.id,
      code: `07.${group}`,
      name: 'Văn phòng',
    });
    expect(child.code).toBe(`000.00.07.${group}`);
    // The next suggestion continues after the highest issued number.
    expect(await org.suggestChildCode(admin(), root.id)).toBe(`000.00.08.${group}`);
  });

  it('refuses invalid, inconsistent and reused codes', async () => {
    const p = await buildProvince(org);
    await expect(
      org.createUnit(admin(), { parentId: p.root.id, code: 'H55.242', name: 'X' }),
    ).rejects.toMatchObject({
      code: 'ORG_CODE_INVALID',
    });
    await expect(
      org.createUnit(admin(), { parentId: p.root.id, code: `000.05.31.${p.group}`, name: 'X' }),
    ).rejects.toMatchObject({ code: 'ORG_CODE_PARENT_MISMATCH' });
    await expect(
      org.createUnit(admin(), { parentId: p.root.id, code: p.finance.code, name: 'X' }),
    ).rejects.toMatchObject({ code: 'ORG_CODE_TAKEN' });
    await expect(org.createUnit(admin(), { code: `000.00.09.${p.group}`, name: 'X' })).rejects.toMatchObject({
      code: 'ORG_CODE_PARENT_MISMATCH',
    });
    await expect(org.createUnit(admin(), { name: 'Gốc không mã' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('never reissues a closed code', async () => {
    const p = await buildProvince(org);
    await org.reorganise(admin(), {
      type: 'dissolve',
      unitId: p.health.id,
      decisionRef: 'Quyết định số 5/QĐ-UBND',
    });
    await expect(
      org.createUnit(admin(), { parentId: p.root.id, code: p.health.code, name: 'Sở Y tế mới' }),
    ).rejects.toMatchObject({ code: 'ORG_CODE_TAKEN' });
    const next = await org.createUnit(admin(), { parentId: p.root.id, name: 'Sở Y tế mới' });
    expect(next.code).not.toBe(p.health.code);
  });

  it('the code registry itself refuses a second issue of a code (the guard behind the checks)', async () => {
    const p = await buildProvince(org);
    const err = await database.db
      .transaction((tx) =>
        registerCodes(tx, [{ code: p.health.code, unitId: p.finance.id, validFrom: '2026-03-02' }]),
      )
      .catch((e: unknown) => e);
    expect(uniqueViolation(err)).toBe(p.health.code);
    expect(uniqueViolation(new Error('other'))).toBeNull();
  });

  it('refuses a sub-unit below level 4 and a child of a closed unit', async () => {
    const p = await buildProvince(org);
    const l4 = await org.createUnit(admin(), { parentId: p.communeA.id, name: 'Thôn 1' });
    expect(l4.code).toBe(`001.01.31.${p.group}`);
    await expect(org.createUnit(admin(), { parentId: l4.id, name: 'Xóm' })).rejects.toMatchObject({
      code: 'ORG_CODE_LEVEL_EXCEEDED',
    });
    await org.reorganise(admin(), { type: 'dissolve', unitId: l4.id, decisionRef: 'QĐ 1' });
    await expect(org.createUnit(admin(), { parentId: l4.id, name: 'Xóm' })).rejects.toMatchObject({
      code: 'ORG_UNIT_CLOSED',
    });
  });

  it('validates contact fields', async () => {
    const p = await buildProvince(org);
    await expect(
      org.createUnit(admin(), { parentId: p.root.id, name: 'Sở A', email: 'not-an-email' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      org.createUnit(admin(), { parentId: p.root.id, name: 'Sở A', phone: 'call me' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const ok = await org.createUnit(admin(), {
      parentId: p.root.id,
      name: 'Sở Nội vụ',
      shortName: 'SNV',
      address: '12 Lê Lợi',
      email: 'snv@example.gov.vn',
      phone: '+84 227 3831 234',
    });
    expect(ok).toMatchObject({ shortName: 'SNV', email: 'snv@example.gov.vn', phone: '+84 227 3831 234' });
  });
});

describe('updating units', () => {
  it('renames keeping the code and records the name history', async () => {
    const p = await buildProvince(org);
    const renamed = await org.updateUnit(admin(), {
      id: p.finance.id,
      name: 'Sở Tài chính – Kế hoạch',
      decisionRef: 'Quyết định số 123/QĐ-UBND',
      effectiveDate: '2026-03-03',
    });
    expect(renamed).toMatchObject({ code: p.finance.code, name: 'Sở Tài chính – Kế hoạch' });
    const { events } = await org.history(admin(), { id: p.finance.id });
    expect(events[0]).toMatchObject({
      eventType: 'rename',
      operation: 'update',
      decisionRef: 'Quyết định số 123/QĐ-UBND',
      effectiveDate: '2026-03-03',
      oldCode: p.finance.code,
      newCode: p.finance.code,
      before: { name: 'Sở Tài chính' },
      after: { name: 'Sở Tài chính – Kế hoạch' },
    });
    const [entry] = await orgAudit(p.finance.id);
    expect(entry).toMatchObject({ action: 'org.unit.update' });
    expect(entry!.description).toContain('Đổi tên');
  });

  it('writes nothing when nothing changes', async () => {
    const p = await buildProvince(org);
    await org.updateUnit(admin(), { id: p.health.id, name: 'Sở Y tế' });
    expect((await org.history(admin(), { id: p.health.id })).events).toHaveLength(1);
  });

  it('records contact changes as an update and refuses closed units', async () => {
    const p = await buildProvince(org);
    await org.updateUnit(admin(), { id: p.health.id, phone: '0227 3831 000' });
    const { events } = await org.history(admin(), { id: p.health.id });
    expect(events[0]).toMatchObject({ eventType: 'update', after: { phone: '0227 3831 000' } });
    await org.reorganise(admin(), { type: 'dissolve', unitId: p.health.id, decisionRef: 'QĐ 2' });
    await expect(org.updateUnit(admin(), { id: p.health.id, name: 'X' })).rejects.toMatchObject({
      code: 'ORG_UNIT_CLOSED',
    });
  });
});

describe('listing and searching', () => {
  it('finds units by name without diacritics (đ → d) and by code', async () => {
    const p = await buildProvince(org);
    const byName = await org.listUnits(admin(), { q: 'dong la' });
    expect(byName.items.map((u) => u.id)).toContain(p.communeA.id);
    const byUpper = await org.listUnits(admin(), { q: 'ĐÔNG XÁ' });
    expect(byUpper.items.map((u) => u.id)).toContain(p.communeB.id);
    const byCode = await org.listUnits(admin(), { q: `31.${p.group}` });
    expect(byCode.items.map((u) => u.id).sort()).toEqual(
      [p.district.id, p.communeA.id, p.communeB.id].sort(),
    );
    const children = await org.listUnits(admin(), { parentId: p.district.id });
    expect(children.total).toBe(2);
  });

  it('treats LIKE wildcards in the search as text', async () => {
    await buildProvince(org);
    expect((await org.listUnits(admin(), { q: '%' })).total).toBe(0);
    expect((await org.listUnits(admin(), { q: '_' })).total).toBe(0);
    expect((await org.listUnits(admin(), { q: 'Đông\u0000 La' })).total).toBeGreaterThan(0);
  });

  it('returns the tree parent before child with siblings in Vietnamese order', async () => {
    const p = await buildProvince(org);
    const tree = await org.tree(admin(), { rootId: p.root.id });
    expect(tree.map((u) => u.name)).toEqual([
      p.root.name,
      'Sở Tài chính',
      'Sở Y tế',
      'Ủy ban nhân dân huyện Đông Hưng',
      'Ủy ban nhân dân xã Đông La',
      'Ủy ban nhân dân xã Đông Xá',
    ]);
  });
});

describe('scope', () => {
  it('an actor of one unit cannot read or change another unit, and is told only NOT_FOUND', async () => {
    const p = await buildProvince(org);
    const financeClerk = actor({ unitId: p.finance.id, scope: 'own' });
    expect((await org.getUnit(financeClerk, p.finance.id)).id).toBe(p.finance.id);
    await expect(org.getUnit(financeClerk, p.health.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(org.getUnit(financeClerk, '00000000-0000-4000-8000-00000000beef')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(org.getUnit(financeClerk, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(org.updateUnit(financeClerk, { id: p.health.id, name: 'Bị đổi' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(org.history(financeClerk, { id: p.health.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      org.reorganise(financeClerk, { type: 'dissolve', unitId: p.health.id, decisionRef: 'QĐ' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(org.resolveCode(financeClerk, p.health.code)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const listed = await org.listUnits(financeClerk, {});
    expect(listed.items.map((u) => u.id)).toEqual([p.finance.id]);
    expect((await org.getUnit(admin(), p.health.id)).name).toBe('Sở Y tế');
  });

  it('a subtree actor sees and manages its unit and subordinates only', async () => {
    const p = await buildProvince(org);
    const districtAdmin = actor({ unitId: p.district.id, scope: 'subtree' });
    const tree = await org.tree(districtAdmin);
    expect(tree.map((u) => u.id)).toEqual([p.district.id, p.communeA.id, p.communeB.id]);
    expect(tree[0]!.parentId).toBe(p.root.id);
    const hamlet = await org.createUnit(districtAdmin, { parentId: p.communeA.id, name: 'Thôn Đông' });
    expect(hamlet.code).toBe(`001.01.31.${p.group}`);
    await expect(
      org.createUnit(districtAdmin, { parentId: p.root.id, name: 'Sở mới' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      org.createUnit(districtAdmin, { code: freshGroup(), name: 'Tỉnh mới' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      org.reorganise(districtAdmin, {
        type: 'move',
        unitId: p.communeA.id,
        newParentId: p.finance.id,
        decisionRef: 'QĐ',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('visibleUnitIds, assertUnitInScope and subtreeIds answer with sets from one query', async () => {
    const p = await buildProvince(org);
    expect(await org.visibleUnitIds(admin())).toBe('all');
    expect(await org.visibleUnitIds(systemCtx())).toBe('all');
    expect(await org.visibleUnitIds(actor({ unitId: p.finance.id, scope: 'own' }))).toEqual([p.finance.id]);
    expect(await org.visibleUnitIds(actor({ unitId: null, scope: 'subtree' }))).toEqual([]);
    const districtAdmin = actor({ unitId: p.district.id, scope: 'subtree' });
    expect((await org.visibleUnitIds(districtAdmin)) as string[]).toEqual(
      expect.arrayContaining([p.district.id, p.communeA.id, p.communeB.id]),
    );
    expect(((await org.visibleUnitIds(districtAdmin)) as string[]).length).toBe(3);
    await expect(org.assertUnitInScope(districtAdmin, p.communeB.id)).resolves.toBeUndefined();
    await expect(org.assertUnitInScope(districtAdmin, p.finance.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(org.assertUnitInScope(districtAdmin, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await org.subtreeIds(p.district.id)).sort()).toEqual(
      [p.district.id, p.communeA.id, p.communeB.id].sort(),
    );
    expect(await org.subtreeIds('00000000-0000-4000-8000-000000000000')).toEqual([]);
    expect(await org.unitIdsInScope(districtAdmin, [p.communeA.id, p.root.id, 'junk'])).toEqual([
      p.communeA.id,
    ]);
  });

  it('refuses actors without the permission', async () => {
    const p = await buildProvince(org);
    const reader = actor({ permissions: ['org.read'] });
    await expect(org.createUnit(reader, { parentId: p.root.id, name: 'X' })).rejects.toMatchObject({
      code: 'IAM_FORBIDDEN',
    });
    await expect(org.getUnit(actor({ permissions: [] }), p.root.id)).rejects.toMatchObject({
      code: 'IAM_FORBIDDEN',
    });
    // The platform itself (CLI, scheduler) acts without listing permissions.
    expect((await org.getUnit(systemCtx(), p.root.id)).id).toBe(p.root.id);
  });
});

describe('ancestorIds', () => {
  it("lists a unit's ancestors nearest first, and nothing for an unknown or malformed id", async () => {
    const p = await buildProvince(org);
    expect(await org.ancestorIds(p.communeA.id)).toEqual([p.district.id, p.root.id]);
    expect(await org.ancestorIds(p.root.id)).toEqual([]);
    expect(await org.ancestorIds('00000000-0000-4000-8000-000000000000')).toEqual([]);
    expect(await org.ancestorIds('not-a-uuid')).toEqual([]);
  });
});

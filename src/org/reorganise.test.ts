import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { searchAudit, verifyChain } from '../core/audit/index.ts';
import type { OrgService } from './service.ts';
import { actor, admin, buildProvince, testOrg } from './testing.ts';

let database: TestDatabase;
let org: OrgService;
beforeAll(async () => {
  database = await createTestDatabase();
  org = testOrg(database.db).org;
});
afterAll(() => database.close());

const decision = 'Quyết định số 123/QĐ-UBND ngày 01/03/2026';

async function lastOrgAudit(unitId: string) {
  const [entry] = await searchAudit(database.db, { categories: ['org'], unitIds: [unitId], limit: 1 });
  return entry!;
}

describe('move', () => {
  it('re-parents a unit, re-issues its code and its subordinates’ codes, and keeps the old codes resolvable', async () => {
    const p = await buildProvince(org);
    const hamlet = await org.createUnit(admin(), { parentId: p.communeA.id, name: 'Thôn Nam' });
    const district2 = await org.createUnit(admin(), {
      parentId: p.root.id,
      code: `000.00.32.${p.group}`,
      name: 'UBND huyện Tiền Hải',
      kind: 'district',
    });
    const input = {
      type: 'move' as const,
      unitId: p.communeA.id,
      newParentId: district2.id,
      decisionRef: decision,
      effectiveDate: '2026-03-05',
    };

    const preview = await org.previewReorganisation(admin(), input);
    expect(preview.operationId).toBeNull();
    expect(preview.changes).toEqual([
      {
        action: 'move',
        unitId: p.communeA.id,
        name: p.communeA.name,
        oldCode: `000.01.31.${p.group}`,
        newCode: `000.01.32.${p.group}`,
        parentId: district2.id,
      },
      {
        action: 'recode',
        unitId: hamlet.id,
        name: 'Thôn Nam',
        oldCode: `001.01.31.${p.group}`,
        newCode: `001.01.32.${p.group}`,
        parentId: p.communeA.id,
      },
    ]);
    // The preview wrote nothing.
    expect((await org.getUnit(admin(), p.communeA.id)).code).toBe(p.communeA.code);

    const done = await org.reorganise(admin(), input);
    expect(done.changes).toEqual(preview.changes);
    expect(done.operationId).toMatch(/^[0-9a-f-]{36}$/);

    const moved = await org.getUnit(admin(), p.communeA.id);
    expect(moved).toMatchObject({ parentId: district2.id, code: `000.01.32.${p.group}`, depth: 2 });
    expect((await org.getUnit(admin(), hamlet.id)).code).toBe(`001.01.32.${p.group}`);
    // Subtree queries follow the new path.
    expect((await org.subtreeIds(district2.id)).sort()).toEqual(
      [district2.id, p.communeA.id, hamlet.id].sort(),
    );
    expect(await org.subtreeIds(p.district.id)).not.toContain(hamlet.id);

    const history = await org.history(admin(), { id: p.communeA.id });
    expect(history.events[0]).toMatchObject({
      eventType: 'move',
      operation: 'move',
      oldCode: p.communeA.code,
      newCode: moved.code,
      decisionRef: decision,
      effectiveDate: '2026-03-05',
      before: { parentId: p.district.id },
      after: { parentId: district2.id },
    });
    expect(history.codes).toEqual([
      { code: p.communeA.code, validFrom: '2026-03-02', validTo: '2026-03-05' },
      { code: moved.code, validFrom: '2026-03-05', validTo: null },
    ]);
    expect((await org.history(admin(), { id: hamlet.id })).events[0]).toMatchObject({ eventType: 'recode' });

    const resolved = await org.resolveCode(admin(), p.communeA.code);
    expect(resolved).toMatchObject({ status: 'recoded', unit: { id: p.communeA.id } });
    expect(resolved.current.map((u) => u.code)).toEqual([moved.code]);
    expect((await org.resolveCode(admin(), `01.32.${p.group}`)).status).toBe('current');

    const entry = await lastOrgAudit(p.communeA.id);
    expect(entry).toMatchObject({ action: 'org.unit.move', severity: 'notice' });
    expect(entry.description).toContain(decision);
    expect(entry.details).toMatchObject({ operationId: done.operationId, decisionRef: decision });

    // The old code is retired for good.
    await expect(
      org.createUnit(admin(), { parentId: p.district.id, code: p.communeA.code, name: 'X' }),
    ).rejects.toMatchObject({ code: 'ORG_CODE_TAKEN' });
  });

  it('accepts an explicit new code that fits the new parent', async () => {
    const p = await buildProvince(org);
    await org.reorganise(admin(), {
      type: 'move',
      unitId: p.communeB.id,
      newParentId: p.finance.id,
      code: `000.45.01.${p.group}`,
      decisionRef: decision,
    });
    expect((await org.getUnit(admin(), p.communeB.id)).code).toBe(`000.45.01.${p.group}`);
    await expect(
      org.reorganise(admin(), {
        type: 'move',
        unitId: p.communeA.id,
        newParentId: p.finance.id,
        code: `000.46.02.${p.group}`,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'ORG_CODE_PARENT_MISMATCH' });
  });

  it('refuses moving a unit under itself or its subordinate, and beyond level 4', async () => {
    const p = await buildProvince(org);
    await expect(
      org.reorganise(admin(), {
        type: 'move',
        unitId: p.district.id,
        newParentId: p.communeA.id,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'ORG_CYCLE' });
    await expect(
      org.reorganise(admin(), {
        type: 'move',
        unitId: p.district.id,
        newParentId: p.district.id,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'ORG_CYCLE' });
    // district (level 2) with communes (level 3) under a level-3 unit would put the communes at level 5.
    const hamlet = await org.createUnit(admin(), { parentId: p.communeA.id, name: 'Thôn' });
    await expect(
      org.reorganise(admin(), {
        type: 'move',
        unitId: p.communeB.id,
        newParentId: hamlet.id,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'ORG_CODE_LEVEL_EXCEEDED' });
    await expect(
      org.reorganise(admin(), {
        type: 'move',
        unitId: p.communeA.id,
        newParentId: p.district.id,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      org.reorganise(admin(), {
        type: 'move',
        unitId: p.communeA.id,
        newParentId: p.finance.id,
        decisionRef: '',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('split', () => {
  it('closes the unit, creates the parts with successor links, and moves each subordinate to its part', async () => {
    const p = await buildProvince(org);
    const input = {
      type: 'split' as const,
      unitId: p.district.id,
      decisionRef: decision,
      effectiveDate: '2026-04-01',
      parts: [
        { name: 'UBND huyện Đông Hưng Bắc', childIds: [p.communeA.id] },
        { name: 'UBND huyện Đông Hưng Nam', childIds: [p.communeB.id], code: `000.00.40.${p.group}` },
      ],
    };
    const preview = await org.previewReorganisation(admin(), input);
    expect(preview.changes.map((c) => [c.action, c.oldCode, c.newCode])).toEqual([
      ['create', null, `000.00.32.${p.group}`],
      ['create', null, `000.00.40.${p.group}`],
      ['move', `000.01.31.${p.group}`, `000.01.32.${p.group}`],
      ['move', `000.02.31.${p.group}`, `000.02.40.${p.group}`],
      ['close', `000.00.31.${p.group}`, null],
    ]);
    const done = await org.reorganise(admin(), input);
    expect(done.changes.map((c) => c.newCode)).toEqual(preview.changes.map((c) => c.newCode));

    const old = await org.getUnit(admin(), p.district.id);
    expect(old).toMatchObject({ status: 'closed', validTo: '2026-04-01', code: p.district.code });
    const history = await org.history(admin(), { id: p.district.id });
    expect(history.successors.map((u) => u.name).sort()).toEqual([
      'UBND huyện Đông Hưng Bắc',
      'UBND huyện Đông Hưng Nam',
    ]);
    expect(history.events[0]).toMatchObject({ eventType: 'split', oldCode: p.district.code, newCode: null });
    const north = history.successors.find((u) => u.name.endsWith('Bắc'))!;
    expect(north).toMatchObject({ kind: 'district', validFrom: '2026-04-01', parentId: p.root.id });
    expect((await org.history(admin(), { id: north.id })).predecessors.map((u) => u.id)).toEqual([
      p.district.id,
    ]);
    expect((await org.getUnit(admin(), p.communeA.id)).parentId).toBe(north.id);

    const resolved = await org.resolveCode(admin(), p.district.code);
    expect(resolved.status).toBe('succeeded');
    expect(resolved.current.map((u) => u.code)).toEqual([`000.00.32.${p.group}`, `000.00.40.${p.group}`]);
    expect((await lastOrgAudit(p.district.id)).action).toBe('org.unit.split');
  });

  it('refuses a split that leaves subordinates without a new parent', async () => {
    const p = await buildProvince(org);
    await expect(
      org.reorganise(admin(), {
        type: 'split',
        unitId: p.district.id,
        decisionRef: decision,
        parts: [{ name: 'A', childIds: [p.communeA.id] }, { name: 'B' }],
      }),
    ).rejects.toMatchObject({ code: 'ORG_UNIT_HAS_CHILDREN', details: { count: 1 } });
    await expect(
      org.reorganise(admin(), {
        type: 'split',
        unitId: p.district.id,
        decisionRef: decision,
        parts: [
          { name: 'A', childIds: [p.communeA.id, p.communeB.id] },
          { name: 'B', childIds: [p.finance.id] },
        ],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // Nothing was written by the refused operations.
    expect((await org.getUnit(admin(), p.district.id)).status).toBe('active');
    expect((await org.history(admin(), { id: p.district.id })).events).toHaveLength(1);
  });
});

describe('merge', () => {
  it('merges units into an existing unit that keeps its code; the others close with successor links', async () => {
    const p = await buildProvince(org);
    const result = await org.reorganise(admin(), {
      type: 'merge',
      sourceIds: [p.communeB.id],
      targetId: p.communeA.id,
      decisionRef: decision,
    });
    expect(result.changes).toEqual([
      expect.objectContaining({
        action: 'close',
        unitId: p.communeB.id,
        oldCode: p.communeB.code,
        newCode: null,
      }),
    ]);
    expect((await org.getUnit(admin(), p.communeB.id)).status).toBe('closed');
    expect(await org.getUnit(admin(), p.communeA.id)).toMatchObject({
      status: 'active',
      code: p.communeA.code,
    });
    const target = await org.history(admin(), { id: p.communeA.id });
    expect(target.events[0]).toMatchObject({ eventType: 'merge', relatedUnitIds: [p.communeB.id] });
    expect(target.predecessors.map((u) => u.id)).toEqual([p.communeB.id]);
    const resolved = await org.resolveCode(admin(), p.communeB.code);
    expect(resolved).toMatchObject({ status: 'succeeded', current: [{ id: p.communeA.id }] });
  });

  it('merges into a new unit, moving subordinates under it and following chains of successors', async () => {
    const p = await buildProvince(org);
    const d2 = await org.createUnit(admin(), {
      parentId: p.root.id,
      name: 'UBND huyện Vũ Thư',
      kind: 'district',
    });
    const c3 = await org.createUnit(admin(), { parentId: d2.id, name: 'UBND xã Vũ Hội', kind: 'commune' });
    const result = await org.reorganise(admin(), {
      type: 'merge',
      sourceIds: [p.district.id, d2.id],
      newUnit: { name: 'UBND huyện Đông Hưng – Vũ Thư', kind: 'district' },
      decisionRef: decision,
    });
    const created = result.changes.find((c) => c.action === 'create')!;
    expect(d2.code).toBe(`000.00.32.${p.group}`);
    expect(created.newCode).toBe(`000.00.33.${p.group}`);
    // Subordinates keep their numbers when free under the new parent, and take the next free one otherwise.
    expect(result.changes.filter((c) => c.action === 'move').map((c) => [c.oldCode, c.newCode])).toEqual([
      [p.communeA.code, `000.01.33.${p.group}`],
      [p.communeB.code, `000.02.33.${p.group}`],
      [c3.code, `000.03.33.${p.group}`],
    ]);
    expect(result.changes.filter((c) => c.action === 'close').map((c) => c.unitId)).toEqual([
      p.district.id,
      d2.id,
    ]);
    const merged = await org.getUnit(admin(), created.unitId);
    expect(merged).toMatchObject({ parentId: p.root.id, kind: 'district' });
    expect((await org.subtreeIds(merged.id, { activeOnly: true })).length).toBe(4);

    // Dissolving the merged unit into another one: the oldest code still leads to today's unit.
    await org.reorganise(admin(), {
      type: 'merge',
      sourceIds: [merged.id],
      targetId: p.finance.id,
      decisionRef: 'Quyết định số 200/QĐ-UBND',
    });
    const chain = await org.resolveCode(admin(), p.district.code);
    expect(chain).toMatchObject({ status: 'succeeded', current: [{ id: p.finance.id }] });
  });

  it('refuses merging a unit into its own subordinate', async () => {
    const p = await buildProvince(org);
    await expect(
      org.reorganise(admin(), {
        type: 'merge',
        sourceIds: [p.district.id],
        targetId: p.communeA.id,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'ORG_CYCLE' });
    await expect(
      org.reorganise(admin(), {
        type: 'merge',
        sourceIds: [p.district.id, p.communeA.id],
        newUnit: { name: 'X' },
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('dissolve', () => {
  it('refuses while active subordinates remain, unless they are moved in the same operation', async () => {
    const p = await buildProvince(org);
    await expect(
      org.reorganise(admin(), { type: 'dissolve', unitId: p.district.id, decisionRef: decision }),
    ).rejects.toMatchObject({ code: 'ORG_UNIT_HAS_CHILDREN', details: { count: 2 } });
    await expect(
      org.reorganise(admin(), {
        type: 'dissolve',
        unitId: p.district.id,
        moveChildrenTo: p.communeA.id,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'ORG_CYCLE' });

    const result = await org.reorganise(admin(), {
      type: 'dissolve',
      unitId: p.district.id,
      moveChildrenTo: p.root.id,
      successorId: p.finance.id,
      decisionRef: decision,
      effectiveDate: '2026-07-01',
    });
    // The communes move up a level. Their numbers 01 and 02 are taken there by the departments, so they
    // get the next free numbers after the highest issued (31, the district).
    expect(result.changes.map((c) => [c.action, c.oldCode, c.newCode])).toEqual([
      ['move', p.communeA.code, `000.00.32.${p.group}`],
      ['move', p.communeB.code, `000.00.33.${p.group}`],
      ['close', p.district.code, null],
    ]);
    const closed = await org.getUnit(admin(), p.district.id);
    expect(closed).toMatchObject({ status: 'closed', validTo: '2026-07-01' });
    expect(await org.getUnit(admin(), p.communeA.id)).toMatchObject({ parentId: p.root.id, depth: 1 });
    expect((await org.history(admin(), { id: p.district.id })).events[0]).toMatchObject({
      eventType: 'dissolve',
      after: { status: 'closed', childrenMovedTo: { id: p.root.id } },
    });
    expect((await org.resolveCode(admin(), p.district.code)).current.map((u) => u.id)).toEqual([
      p.finance.id,
    ]);
    expect((await lastOrgAudit(p.district.id)).action).toBe('org.unit.dissolve');
  });

  it('a dissolved unit without successor resolves to no current unit', async () => {
    const p = await buildProvince(org);
    await org.reorganise(admin(), { type: 'dissolve', unitId: p.health.id, decisionRef: decision });
    const resolved = await org.resolveCode(admin(), p.health.code);
    expect(resolved).toMatchObject({ status: 'closed', current: [] });
    const tree = await org.tree(admin(), { rootId: p.root.id });
    expect(tree.map((u) => u.id)).not.toContain(p.health.id);
    const withClosed = await org.tree(admin(), { rootId: p.root.id, includeClosed: true });
    expect(withClosed.map((u) => u.id)).toContain(p.health.id);
  });

  it('refuses an effective date before the unit started', async () => {
    const p = await buildProvince(org);
    await expect(
      org.reorganise(admin(), {
        type: 'dissolve',
        unitId: p.health.id,
        decisionRef: decision,
        effectiveDate: '2020-01-01',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      org.reorganise(admin(), {
        type: 'dissolve',
        unitId: p.health.id,
        decisionRef: decision,
        effectiveDate: '2026-02-30',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('reorganisation in scope and in the audit chain', () => {
  it('a district administrator can reorganise inside the district only', async () => {
    const p = await buildProvince(org);
    const districtAdmin = actor({ unitId: p.district.id, scope: 'subtree' });
    await org.reorganise(districtAdmin, {
      type: 'merge',
      sourceIds: [p.communeB.id],
      targetId: p.communeA.id,
      decisionRef: decision,
    });
    await expect(
      org.reorganise(districtAdmin, {
        type: 'merge',
        sourceIds: [p.communeA.id],
        targetId: p.finance.id,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      org.previewReorganisation(districtAdmin, {
        type: 'dissolve',
        unitId: p.health.id,
        decisionRef: decision,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Splitting the district itself creates units beside it, outside the administrator's reach.
    await expect(
      org.reorganise(districtAdmin, {
        type: 'split',
        unitId: p.district.id,
        decisionRef: decision,
        parts: [{ name: 'A', childIds: [p.communeA.id] }, { name: 'B' }],
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the audit hash chain valid through reorganisations', async () => {
    expect((await verifyChain(database.db)).ok).toBe(true);
  });
});

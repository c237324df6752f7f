/**
 * @module org/reorganise
 * Reorganisation of units (LGSP-22): move, split, merge, dissolve. Each operation is first turned into a
 * plan (units to create, subtrees to move, codes to re-issue, units to close, successor links, history
 * rows) without writing anything; the preview shows that plan, and the operation applies exactly it,
 * inside the transaction that computed it under the tree lock.
 */
import { randomUUID } from 'node:crypto';
import { audit } from '../core/audit/index.ts';
import type { Ctx } from '../core/context.ts';
import type { Db } from '../core/db/index.ts';
import { AppError } from '../core/errors/index.ts';
import { CodeAllocator } from './allocator.ts';
import { assertCodeFitsParent, codeLevel, normaliseCode, ownNumber } from './code.ts';
import {
  decisionRefOf,
  effectiveDateOf,
  fieldError,
  isUuid,
  kindOrDefault,
  limits,
  nameSearchOf,
  optionalEmail,
  optionalPhone,
  optionalText,
  requiredText,
} from './model.ts';
import {
  activeChildren,
  activeDescendants,
  closeUnits,
  findUnitsInScope,
  insertEvents,
  insertSuccessors,
  insertUnits,
  moveSubtree,
  type NewEventRow,
  type NewUnitRow,
  registerCodes,
  retireCodes,
  type Scope,
  setCodes,
  type UnitFieldsRow,
  type UnitRow,
  updateUnitFields,
} from './store.ts';
import type {
  DissolveInput,
  MergeInput,
  MoveInput,
  PlannedChange,
  ReorganisationInput,
  ReorganisationType,
  SplitInput,
  UnitFields,
} from './types.ts';

/** A history row before the operation id, actor and time are known. */
export type PlannedEvent = Pick<
  NewEventRow,
  'unitId' | 'eventType' | 'oldCode' | 'newCode' | 'before' | 'after' | 'relatedUnitIds'
>;

/** A subtree to re-parent: the unit, its new parent, and the path prefixes to swap. */
export interface PlannedMove {
  unitId: string;
  newParentId: string;
  oldPath: string;
  newPath: string;
  depthDelta: number;
}

/** Everything one operation will write. */
export interface Plan {
  /** The operation, recorded on every history row. */
  type: ReorganisationType | 'create' | 'update' | 'import';
  effectiveDate: string;
  decisionRef: string | null;
  /** The unit the audit entry is about; null when there is no single one (import). */
  mainUnitId: string | null;
  /** Vietnamese one-line summary for the audit log. */
  description: string;
  creates: NewUnitRow[];
  /** New editable fields of existing units (update, import). */
  updates: UnitFieldsRow[];
  moves: PlannedMove[];
  recodes: { unitId: string; oldCode: string; newCode: string }[];
  closes: string[];
  successors: { predecessorId: string; successorId: string }[];
  events: PlannedEvent[];
  changes: PlannedChange[];
  /** Audit details replacing the full change list (an import summarises counts instead). */
  auditDetails?: Record<string, unknown>;
}

/** A parent as it will be after the operation (a unit created by the same operation included). */
interface ParentNode {
  id: string;
  code: string;
  path: string;
  depth: number;
  name: string;
}

/** Builds plans; one per operation, since its code allocator remembers what it handed out. */
export class Planner {
  readonly alloc: CodeAllocator;

  constructor(
    private readonly db: Db,
    private readonly scope: Scope,
    private readonly now: Date,
  ) {
    this.alloc = new CodeAllocator(db);
  }

  /** Plans any reorganisation. */
  plan(input: ReorganisationInput): Promise<Plan> {
    switch (input?.type) {
      case 'move':
        return this.planMove(input);
      case 'split':
        return this.planSplit(input);
      case 'merge':
        return this.planMerge(input);
      case 'dissolve':
        return this.planDissolve(input);
      default:
        throw fieldError('type', 'must be one of move, split, merge, dissolve');
    }
  }

  /**
   * Loads active units the actor may change. Out of scope and missing look the same (NOT_FOUND), so a
   * write cannot be used to probe for units the actor may not see.
   */
  async loadActive(ids: readonly string[]): Promise<UnitRow[]> {
    if (!ids.every(isUuid)) throw new AppError('NOT_FOUND');
    const rows = await findUnitsInScope(this.db, this.scope, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      if (!row) throw new AppError('NOT_FOUND');
      if (row.status !== 'active') throw new AppError('ORG_UNIT_CLOSED', { code: row.code });
      return row;
    });
  }

  /** The parent new units go under: a unit in scope, or the root level (null), which needs scope `all`. */
  async loadParent(parentId: string | null): Promise<ParentNode | null> {
    if (parentId === null) {
      if (this.scope.kind !== 'all') throw new AppError('NOT_FOUND');
      return null;
    }
    const [row] = await this.loadActive([parentId]);
    return row!;
  }

  /**
   * The code for a new unit under `parent`: an explicit code (normalised, checked against the parent and
   * the registry) or the next free one. A root needs an explicit level-1 code: those are national.
   */
  async codeFor(explicit: string | undefined, parent: ParentNode | null, field: string): Promise<string> {
    if (explicit !== undefined && explicit !== '') {
      const code = normaliseCode(explicit);
      assertCodeFitsParent(code, parent?.code ?? null);
      await this.alloc.claim(code);
      return code;
    }
    if (!parent)
      throw fieldError(field, 'is required for a level-1 unit (level-1 codes are assigned nationally)');
    return this.alloc.next(parent.code);
  }

  /** Validates the fields of a new unit and plans its creation under `parent` with `code`. */
  createUnit(
    plan: Plan,
    fields: UnitFields,
    parent: ParentNode | null,
    code: string,
    field: string,
    related: string[],
    fallbackKind?: string,
  ): ParentNode {
    const id = randomUUID();
    const name = requiredText(fields.name, `${field}.name`, limits.name);
    const shortName = optionalText(fields.shortName, `${field}.shortName`, limits.shortName);
    const row: NewUnitRow = {
      id,
      code,
      name,
      nameSearch: nameSearchOf(name, shortName),
      shortName,
      kind: kindOrDefault(fields.kind ?? fallbackKind, codeLevel(code), `${field}.kind`),
      parentId: parent?.id ?? null,
      path: `${parent?.path ?? '/'}${id}/`,
      depth: parent ? parent.depth + 1 : 0,
      status: 'active',
      validFrom: plan.effectiveDate,
      validTo: null,
      address: optionalText(fields.address, `${field}.address`, limits.address),
      email: optionalEmail(fields.email, `${field}.email`),
      phone: optionalPhone(fields.phone, `${field}.phone`),
      createdAt: this.now,
      updatedAt: this.now,
    };
    plan.creates.push(row);
    plan.changes.push({
      action: 'create',
      unitId: id,
      name,
      oldCode: null,
      newCode: code,
      parentId: row.parentId ?? null,
    });
    plan.events.push({
      unitId: id,
      eventType: 'create',
      oldCode: null,
      newCode: code,
      before: null,
      after: snapshot(row),
      relatedUnitIds: related,
    });
    return { id, code, path: row.path, depth: row.depth!, name };
  }

  /**
   * Plans moving `unit` (with its subtree) under `parent`: the unit gets `code` or a new free code there,
   * and each active descendant a code under its re-coded parent, keeping its own number when free.
   */
  async carry(
    plan: Plan,
    unit: UnitRow,
    parent: ParentNode,
    code?: string,
    keepNumber = false,
  ): Promise<string> {
    assertNotBefore(plan, unit);
    const newCode =
      code ?? (await this.alloc.next(parent.code, keepNumber ? ownNumber(unit.code) : undefined));
    plan.moves.push({
      unitId: unit.id,
      newParentId: parent.id,
      oldPath: unit.path,
      newPath: `${parent.path}${unit.id}/`,
      depthDelta: parent.depth + 1 - unit.depth,
    });
    plan.recodes.push({ unitId: unit.id, oldCode: unit.code, newCode });
    plan.changes.push({
      action: 'move',
      unitId: unit.id,
      name: unit.name,
      oldCode: unit.code,
      newCode,
      parentId: parent.id,
    });
    plan.events.push({
      unitId: unit.id,
      eventType: 'move',
      oldCode: unit.code,
      newCode,
      before: { parentId: unit.parentId, code: unit.code },
      after: { parentId: parent.id, parentCode: parent.code, code: newCode },
      relatedUnitIds: [parent.id],
    });
    // A closed unit never has active subordinates (closing requires moving them), so the active
    // descendants form one tree under `unit` and a breadth-first walk reaches them all.
    const byParent = new Map<string, UnitRow[]>();
    for (const d of await activeDescendants(this.db, unit.path)) {
      const list = byParent.get(d.parentId!);
      if (list) list.push(d);
      else byParent.set(d.parentId!, [d]);
    }
    const queue: { id: string; code: string }[] = [{ id: unit.id, code: newCode }];
    while (queue.length) {
      const at = queue.shift()!;
      const kids = (byParent.get(at.id) ?? []).sort((a, b) => (a.code < b.code ? -1 : 1));
      for (const child of kids) {
        const childCode = await this.alloc.next(at.code, ownNumber(child.code));
        plan.recodes.push({ unitId: child.id, oldCode: child.code, newCode: childCode });
        plan.changes.push({
          action: 'recode',
          unitId: child.id,
          name: child.name,
          oldCode: child.code,
          newCode: childCode,
          parentId: child.parentId,
        });
        plan.events.push({
          unitId: child.id,
          eventType: 'recode',
          oldCode: child.code,
          newCode: childCode,
          before: { code: child.code },
          after: { code: childCode },
          relatedUnitIds: [unit.id],
        });
        queue.push({ id: child.id, code: childCode });
      }
    }
    return newCode;
  }

  /** Plans closing `unit` with a history row of `eventType`. */
  close(
    plan: Plan,
    unit: UnitRow,
    eventType: 'split' | 'merge' | 'dissolve',
    after: Record<string, unknown>,
    successors: ParentNode[],
  ): void {
    assertNotBefore(plan, unit);
    plan.closes.push(unit.id);
    for (const s of successors) plan.successors.push({ predecessorId: unit.id, successorId: s.id });
    plan.changes.push({
      action: 'close',
      unitId: unit.id,
      name: unit.name,
      oldCode: unit.code,
      newCode: null,
      parentId: unit.parentId,
    });
    plan.events.push({
      unitId: unit.id,
      eventType,
      oldCode: unit.code,
      newCode: null,
      before: { status: 'active' },
      after: {
        status: 'closed',
        ...after,
        successors: successors.map((s) => ({ id: s.id, code: s.code, name: s.name })),
      },
      relatedUnitIds: successors.map((s) => s.id),
    });
  }

  /** An empty plan with the common fields checked. */
  emptyPlan(
    type: Plan['type'],
    input: { effectiveDate?: string; decisionRef?: string },
    decisionRequired: boolean,
  ): Plan {
    return {
      type,
      effectiveDate: effectiveDateOf(input.effectiveDate, this.now),
      decisionRef: decisionRefOf(input.decisionRef, decisionRequired),
      mainUnitId: null,
      description: '',
      creates: [],
      updates: [],
      moves: [],
      recodes: [],
      closes: [],
      successors: [],
      events: [],
      changes: [],
    };
  }

  private async planMove(input: MoveInput): Promise<Plan> {
    const plan = this.emptyPlan('move', input, true);
    const [unit, parent] = await this.loadActive([input.unitId, input.newParentId]);
    if (unit!.id === parent!.id || parent!.path.startsWith(unit!.path)) throw new AppError('ORG_CYCLE');
    if (unit!.parentId === parent!.id)
      throw fieldError('newParentId', 'the unit is already under this parent');
    const code = input.code ? await this.codeFor(input.code, parent!, 'code') : undefined;
    const newCode = await this.carry(plan, unit!, parent!, code);
    plan.mainUnitId = unit!.id;
    plan.description = `Chuyển đơn vị ${unit!.name} về trực thuộc ${parent!.name}; mã ${unit!.code} → ${newCode}`;
    return plan;
  }

  private async planSplit(input: SplitInput): Promise<Plan> {
    const plan = this.emptyPlan('split', input, true);
    if (!Array.isArray(input.parts) || input.parts.length < 2) {
      throw fieldError('parts', 'a split creates at least two units');
    }
    const [unit] = await this.loadActive([input.unitId]);
    const parent = await this.loadParent(unit!.parentId);
    const children = await activeChildren(this.db, [unit!.id]);
    const childById = new Map(children.map((c) => [c.id, c]));
    const assigned = new Map<string, number>();
    input.parts.forEach((part, i) => {
      for (const childId of part.childIds ?? []) {
        if (!childById.has(childId)) {
          throw fieldError(
            `parts[${i}].childIds`,
            `${childId} is not an active subordinate of ${unit!.code}`,
          );
        }
        if (assigned.has(childId)) throw fieldError(`parts[${i}].childIds`, `${childId} is assigned twice`);
        assigned.set(childId, i);
      }
    });
    const left = children.length - assigned.size;
    if (left > 0) throw new AppError('ORG_UNIT_HAS_CHILDREN', { count: left });
    const parts: ParentNode[] = [];
    for (const [i, part] of input.parts.entries()) {
      const code = await this.codeFor(part.code, parent, `parts[${i}].code`);
      parts.push(this.createUnit(plan, part, parent, code, `parts[${i}]`, [unit!.id], unit!.kind));
    }
    for (const child of [...children].sort((a, b) => (a.code < b.code ? -1 : 1))) {
      const i = assigned.get(child.id);
      if (i !== undefined) await this.carry(plan, child, parts[i]!, undefined, true);
    }
    this.close(plan, unit!, 'split', {}, parts);
    plan.mainUnitId = unit!.id;
    plan.description = `Chia tách đơn vị ${unit!.name} (${unit!.code}) thành ${parts.map((p) => `${p.name} (${p.code})`).join(', ')}`;
    return plan;
  }

  private async planMerge(input: MergeInput): Promise<Plan> {
    const plan = this.emptyPlan('merge', input, true);
    const sourceIds = Array.isArray(input.sourceIds) ? input.sourceIds : [];
    if (sourceIds.length === 0) throw fieldError('sourceIds', 'name at least one unit to merge');
    if (new Set(sourceIds).size !== sourceIds.length) throw fieldError('sourceIds', 'lists a unit twice');
    if ((input.targetId === undefined) === (input.newUnit === undefined)) {
      throw fieldError('targetId', 'give either targetId (an existing unit) or newUnit');
    }
    const sources = await this.loadActive(sourceIds);
    for (const a of sources) {
      for (const b of sources) {
        if (a !== b && b.path.startsWith(a.path)) {
          throw fieldError('sourceIds', `${b.code} is a subordinate of ${a.code}; merge it separately`);
        }
      }
    }
    const inSources = (path: string) => sources.some((s) => path.startsWith(s.path));
    let target: ParentNode;
    if (input.targetId !== undefined) {
      if (sourceIds.includes(input.targetId)) throw fieldError('targetId', 'must not be one of sourceIds');
      const [t] = await this.loadActive([input.targetId]);
      if (inSources(t!.path)) throw new AppError('ORG_CYCLE');
      target = t!;
      plan.events.push({
        unitId: target.id,
        eventType: 'merge',
        oldCode: target.code,
        newCode: target.code,
        before: null,
        after: { absorbed: sources.map((s) => ({ id: s.id, code: s.code, name: s.name })) },
        relatedUnitIds: sourceIds,
      });
    } else {
      const spec = input.newUnit!;
      if (sources.length < 2)
        throw fieldError('sourceIds', 'merging into a new unit needs at least two units');
      let parentId: string | null;
      if (spec.parentId !== undefined) parentId = spec.parentId;
      else {
        const parents = new Set(sources.map((s) => s.parentId));
        if (parents.size !== 1) {
          throw fieldError('newUnit.parentId', 'is required when the merged units have different parents');
        }
        parentId = [...parents][0]!;
      }
      const parent = await this.loadParent(parentId);
      if (parent && inSources(parent.path)) throw new AppError('ORG_CYCLE');
      const code = await this.codeFor(spec.code, parent, 'newUnit.code');
      target = this.createUnit(plan, spec, parent, code, 'newUnit', sourceIds, sources[0]!.kind);
    }
    const children = await activeChildren(this.db, sourceIds);
    const order = new Map(sourceIds.map((id, i) => [id, i]));
    children.sort((a, b) => order.get(a.parentId!)! - order.get(b.parentId!)! || (a.code < b.code ? -1 : 1));
    for (const child of children) await this.carry(plan, child, target, undefined, true);
    for (const s of sources) this.close(plan, s, 'merge', {}, [target]);
    plan.mainUnitId = target.id;
    plan.description = `Sáp nhập ${sources.map((s) => `${s.name} (${s.code})`).join(', ')} vào ${target.name} (${target.code})`;
    return plan;
  }

  private async planDissolve(input: DissolveInput): Promise<Plan> {
    const plan = this.emptyPlan('dissolve', input, true);
    const [unit] = await this.loadActive([input.unitId]);
    const children = await activeChildren(this.db, [unit!.id]);
    let dest: UnitRow | undefined;
    if (children.length > 0) {
      if (!input.moveChildrenTo) throw new AppError('ORG_UNIT_HAS_CHILDREN', { count: children.length });
      [dest] = await this.loadActive([input.moveChildrenTo]);
      if (dest!.path.startsWith(unit!.path)) throw new AppError('ORG_CYCLE');
      children.sort((a, b) => (a.code < b.code ? -1 : 1));
      for (const child of children) await this.carry(plan, child, dest!, undefined, true);
    }
    const successors: ParentNode[] = [];
    if (input.successorId) {
      if (input.successorId === unit!.id) throw fieldError('successorId', 'must be another unit');
      const [s] = await this.loadActive([input.successorId]);
      successors.push(s!);
    }
    this.close(
      plan,
      unit!,
      'dissolve',
      dest ? { childrenMovedTo: { id: dest.id, code: dest.code } } : {},
      successors,
    );
    plan.mainUnitId = unit!.id;
    plan.description = `Giải thể đơn vị ${unit!.name} (${unit!.code})`;
    return plan;
  }
}

/** Writes a plan: units, moves, codes, closures, successor links, history rows and one audit entry. */
export async function applyPlan(tx: Db, ctx: Ctx, plan: Plan, now: Date): Promise<string> {
  const operationId = randomUUID();
  const date = plan.effectiveDate;
  await insertUnits(tx, plan.creates);
  await registerCodes(
    tx,
    plan.creates.map((c) => ({ code: c.code, unitId: c.id!, validFrom: date })),
  );
  await updateUnitFields(tx, plan.updates, now);
  for (const move of plan.moves) await moveSubtree(tx, move, now);
  if (plan.recodes.length) {
    await retireCodes(
      tx,
      plan.recodes.map((r) => r.oldCode),
      date,
    );
    await registerCodes(
      tx,
      plan.recodes.map((r) => ({ code: r.newCode, unitId: r.unitId, validFrom: date })),
    );
    await setCodes(
      tx,
      plan.recodes.map((r) => ({ unitId: r.unitId, code: r.newCode })),
      now,
    );
  }
  await closeUnits(tx, plan.closes, date, now);
  await insertSuccessors(
    tx,
    plan.successors.map((s) => ({ ...s, operationId, effectiveDate: date })),
  );
  await insertEvents(
    tx,
    plan.events.map((e) => ({
      ...e,
      operationId,
      operation: plan.type,
      effectiveDate: date,
      decisionRef: plan.decisionRef,
      actorId: ctx.actor.id,
      actorName: ctx.actor.name,
      recordedAt: now,
    })),
  );
  await audit(
    tx,
    ctx,
    {
      category: 'org',
      action: `org.unit.${plan.type}`,
      description: plan.decisionRef ? `${plan.description} (${plan.decisionRef})` : plan.description,
      severity: plan.type === 'create' || plan.type === 'update' ? 'info' : 'notice',
      ...(plan.mainUnitId
        ? { target: { type: 'org_unit', id: plan.mainUnitId }, unitId: plan.mainUnitId }
        : {}),
      details: {
        operationId,
        effectiveDate: date,
        decisionRef: plan.decisionRef,
        ...(plan.auditDetails ?? { changes: plan.changes }),
      },
    },
    now,
  );
  return operationId;
}

/** Refuses a change dated before the unit existed: its history would read backwards. */
export function assertNotBefore(
  plan: { effectiveDate: string },
  unit: { code: string; validFrom: string },
): void {
  if (plan.effectiveDate < unit.validFrom) {
    throw fieldError('effectiveDate', `is before ${unit.code} started (${unit.validFrom})`);
  }
}

/** The fields of a new unit as recorded in its `create` history row. */
function snapshot(row: NewUnitRow): Record<string, unknown> {
  return {
    code: row.code,
    name: row.name,
    shortName: row.shortName,
    kind: row.kind,
    parentId: row.parentId,
    address: row.address,
    email: row.email,
    phone: row.phone,
  };
}

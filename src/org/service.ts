/**
 * @module org/service
 * The organisation service: the province's unit tree with QCVN 102:2016 codes, reorganisation with
 * history (LGSP-20, LGSP-22), scope helpers for every other module, and import/export of the tree.
 * Every function takes the actor's context first; every read and write is limited to the actor's scope,
 * and anything outside it answers NOT_FOUND, exactly as a unit that does not exist.
 */
import type { Ctx } from '../core/context.ts';
import type { Db } from '../core/db/index.ts';
import { AppError } from '../core/errors/index.ts';
import { writeCsv } from '../core/files/spreadsheet.ts';
import type { Platform } from '../core/platform.ts';
import { foldForSearch, nfc } from '../core/text/vietnamese.ts';
import { codeLevel, normaliseCode, tryNormaliseCode } from './code.ts';
import { diffFields, planImport } from './importer.ts';
import {
  fieldError,
  isUuid,
  kindOrDefault,
  limits,
  nameSearchOf,
  optionalEmail,
  optionalPhone,
  optionalText,
  requiredText,
  requirePermission,
  scopeOf,
  todayIn,
  toUnit,
  treeOrder,
} from './model.ts';
import { applyPlan, assertNotBefore, Planner } from './reorganise.ts';
import {
  activeSuccessors,
  codeRecords,
  codesOfUnit,
  exportRows,
  findUnit,
  findUnitsInScope,
  idsInScope,
  linkedUnits,
  listEvents,
  listTree,
  listUnits,
  lockTree,
  searchUnits,
  subtreeIds,
  uniqueViolation,
  unitLabels,
  visibleIds,
} from './store.ts';
import {
  columns,
  decodeCsv,
  MAX_FILE_BYTES,
  parseCsv,
  readXlsx,
  rowsFromRecords,
  writeUnitsXlsx,
} from './transfer.ts';
import type {
  CodeResolution,
  CreateUnitInput,
  ExportFile,
  ImportInput,
  ImportResult,
  ListUnitsInput,
  OrgUnit,
  ReorganisationInput,
  ReorganisationResult,
  TransferFormat,
  UnitEvent,
  UnitHistory,
  UnitLabel,
  UnitSearchHit,
  UpdateUnitInput,
} from './types.ts';

/** What the organisation service needs from the platform (a whole `Platform` satisfies it). */
export type OrgPlatform = Pick<Platform, 'db' | 'now'>;

/** The organisation service, as returned by `createOrgService`. */
export type OrgService = ReturnType<typeof createOrgService>;

/** Creates the organisation service over the platform's database and clock. */
export function createOrgService(platform: OrgPlatform) {
  const { db } = platform;

  /**
   * Runs a write under the tree lock. The registry's primary key is the last guard against issuing a code
   * twice; its violation (possible only through a race the lock prevents) still reads as ORG_CODE_TAKEN.
   */
  async function write<T>(fn: (tx: Db, now: Date) => Promise<T>): Promise<T> {
    try {
      return await db.transaction(async (tx) => {
        await lockTree(tx);
        return fn(tx, platform.now());
      });
    } catch (err) {
      const duplicate = uniqueViolation(err);
      if (duplicate !== null) throw new AppError('ORG_CODE_TAKEN', { code: duplicate }, { cause: err });
      throw err;
    }
  }

  async function loadVisible(ctx: Ctx, id: string) {
    if (!isUuid(id)) throw new AppError('NOT_FOUND');
    const [row] = await findUnitsInScope(db, scopeOf(ctx), [id]);
    if (!row) throw new AppError('NOT_FOUND');
    return row;
  }

  async function reorganiseIn(tx: Db, ctx: Ctx, input: ReorganisationInput, now: Date, apply: boolean) {
    const planner = new Planner(tx, scopeOf(ctx), now);
    const plan = await planner.plan(input);
    const operationId = apply ? await applyPlan(tx, ctx, plan, now) : null;
    const result: ReorganisationResult = {
      type: input.type,
      operationId,
      effectiveDate: plan.effectiveDate,
      changes: plan.changes,
    };
    return result;
  }

  return {
    /** One page of the units the actor may see; `q` searches names without diacritics and codes. */
    async listUnits(ctx: Ctx, input: ListUnitsInput = {}): Promise<{ items: OrgUnit[]; total: number }> {
      requirePermission(ctx, 'org.read');
      // NUL cannot reach PostgreSQL in a text parameter; it never matches a stored name anyway.
      const q = input.q ? nfc(input.q.replaceAll('\u0000', '')).slice(0, limits.search) : '';
      if (input.parentId !== undefined && !isUuid(input.parentId)) return { items: [], total: 0 };
      const { rows, total } = await listUnits(db, scopeOf(ctx), {
        search: q ? foldForSearch(q) : undefined,
        codePart: /^[0-9A-Za-z.]+$/u.test(q) ? q.toUpperCase() : undefined,
        status: input.status === 'all' ? undefined : (input.status ?? 'active'),
        kind: input.kind,
        parentId: input.parentId,
        limit: Math.min(Math.max(input.limit ?? 50, 1), 500),
        offset: Math.max(input.offset ?? 0, 0),
      });
      return { items: rows.map(toUnit), total };
    },

    /**
     * The units the actor may see (under `rootId` when given), parent before child, siblings in
     * Vietnamese alphabetical order; each unit's `parentId` and `depth` let the console nest them.
     */
    async tree(ctx: Ctx, input: { rootId?: string; includeClosed?: boolean } = {}): Promise<OrgUnit[]> {
      requirePermission(ctx, 'org.read');
      if (input.rootId !== undefined) await loadVisible(ctx, input.rootId);
      const rows = await listTree(db, scopeOf(ctx), {
        rootId: input.rootId,
        includeClosed: input.includeClosed ?? false,
      });
      return treeOrder(rows.map(toUnit));
    },

    /** One unit the actor may see. */
    async getUnit(ctx: Ctx, id: string): Promise<OrgUnit> {
      requirePermission(ctx, 'org.read');
      return toUnit(await loadVisible(ctx, id));
    },

    /** The units among `ids` the actor may see (others are silently left out). */
    async getUnits(ctx: Ctx, ids: readonly string[]): Promise<OrgUnit[]> {
      requirePermission(ctx, 'org.read');
      const rows = await findUnitsInScope(db, scopeOf(ctx), ids.filter(isUuid));
      return rows.map(toUnit);
    },

    /**
     * The ids of a unit's ancestors, nearest first, read from its materialised path (`/root/…/id/`) in one
     * query; empty for an unknown unit. For platform-side checks (who covers this unit), not scoped.
     */
    async ancestorIds(unitId: string): Promise<string[]> {
      if (!isUuid(unitId)) return [];
      const row = await findUnit(db, unitId);
      return row
        ? row.path
            .split('/')
            .filter((id) => id && id !== unitId)
            .reverse()
        : [];
    },

    /** Creates a unit under a parent in scope, with an explicit or the next free code. */
    async createUnit(ctx: Ctx, input: CreateUnitInput): Promise<OrgUnit> {
      requirePermission(ctx, 'org.write');
      return write(async (tx, now) => {
        const planner = new Planner(tx, scopeOf(ctx), now);
        const plan = planner.emptyPlan('create', input, false);
        const parent = await planner.loadParent(input.parentId ?? null);
        const code = await planner.codeFor(input.code, parent, 'code');
        const node = planner.createUnit(plan, input, parent, code, 'unit', []);
        plan.mainUnitId = node.id;
        plan.description = `Tạo đơn vị ${node.name} (${code})${parent ? ` trực thuộc ${parent.name}` : ''}`;
        await applyPlan(tx, ctx, plan, now);
        return toUnit((await findUnit(tx, node.id))!);
      });
    },

    /** Changes names and contact fields (the code is kept); a name change is recorded as a rename. */
    async updateUnit(ctx: Ctx, input: UpdateUnitInput): Promise<OrgUnit> {
      requirePermission(ctx, 'org.write');
      return write(async (tx, now) => {
        const planner = new Planner(tx, scopeOf(ctx), now);
        const [unit] = await planner.loadActive([input.id]);
        const u = unit!;
        const next = {
          name: input.name !== undefined ? requiredText(input.name, 'name', limits.name) : u.name,
          shortName:
            input.shortName !== undefined
              ? optionalText(input.shortName, 'shortName', limits.shortName)
              : u.shortName,
          kind: input.kind !== undefined ? kindOrDefault(input.kind, codeLevel(u.code)) : u.kind,
          address:
            input.address !== undefined ? optionalText(input.address, 'address', limits.address) : u.address,
          email: input.email !== undefined ? optionalEmail(input.email) : u.email,
          phone: input.phone !== undefined ? optionalPhone(input.phone) : u.phone,
        };
        const changed = diffFields(u, next);
        if (!changed) return toUnit(u);
        const rename = 'name' in changed.after || 'shortName' in changed.after;
        const plan = planner.emptyPlan('update', input, false);
        assertNotBefore(plan, u);
        plan.mainUnitId = u.id;
        plan.description = rename
          ? `Đổi tên đơn vị ${u.code}: ${u.name} → ${next.name}`
          : `Cập nhật thông tin đơn vị ${u.name} (${u.code})`;
        plan.updates.push({ id: u.id, nameSearch: nameSearchOf(next.name, next.shortName), ...next });
        plan.events.push({
          unitId: u.id,
          eventType: rename ? 'rename' : 'update',
          oldCode: u.code,
          newCode: u.code,
          before: changed.before,
          after: changed.after,
          relatedUnitIds: [],
        });
        plan.auditDetails = { before: changed.before, after: changed.after };
        await applyPlan(tx, ctx, plan, now);
        return toUnit((await findUnit(tx, u.id))!);
      });
    },

    /** The code the next child of `parentId` would get (nothing is reserved). */
    async suggestChildCode(ctx: Ctx, parentId: string): Promise<string> {
      requirePermission(ctx, 'org.read');
      const planner = new Planner(db, scopeOf(ctx), platform.now());
      const [parent] = await planner.loadActive([parentId]);
      return planner.alloc.next(parent!.code);
    },

    /** What a reorganisation would change (units created, moved, re-coded, closed), without writing. */
    async previewReorganisation(ctx: Ctx, input: ReorganisationInput): Promise<ReorganisationResult> {
      requirePermission(ctx, 'org.write');
      return reorganiseIn(db, ctx, input, platform.now(), false);
    },

    /** Moves, splits, merges or dissolves units, with history, successor links and one audit entry. */
    async reorganise(ctx: Ctx, input: ReorganisationInput): Promise<ReorganisationResult> {
      requirePermission(ctx, 'org.write');
      return write((tx, now) => reorganiseIn(tx, ctx, input, now, true));
    },

    /** A unit's history (newest first), its predecessors and successors, and every code it held. */
    async history(ctx: Ctx, input: { id: string; limit?: number }): Promise<UnitHistory> {
      requirePermission(ctx, 'org.read');
      const unit = await loadVisible(ctx, input.id);
      const scope = scopeOf(ctx);
      const [events, preds, succs, codes] = await Promise.all([
        listEvents(db, unit.id, Math.min(Math.max(input.limit ?? 200, 1), 1000)),
        linkedUnits(db, unit.id, 'predecessors'),
        linkedUnits(db, unit.id, 'successors'),
        codesOfUnit(db, unit.id),
      ]);
      const visible = await idsInScope(
        db,
        scope,
        [...preds, ...succs].map((u) => u.id),
      );
      return {
        events: events.map(
          (e): UnitEvent => ({
            id: e.id,
            operationId: e.operationId,
            operation: e.operation as UnitEvent['operation'],
            unitId: e.unitId,
            eventType: e.eventType as UnitEvent['eventType'],
            effectiveDate: e.effectiveDate,
            decisionRef: e.decisionRef,
            oldCode: e.oldCode,
            newCode: e.newCode,
            before: e.before ?? null,
            after: e.after ?? null,
            relatedUnitIds: e.relatedUnitIds,
            actorName: e.actorName,
            recordedAt: e.recordedAt,
          }),
        ),
        predecessors: preds.filter((u) => visible.has(u.id)).map(toUnit),
        successors: succs.filter((u) => visible.has(u.id)).map(toUnit),
        codes,
      };
    },

    /**
     * Active units the actor may see matching a search text, best first, for the global search: by name
     * typed with or without diacritics (each word matches the start of a word of the name), by code (full or
     * short form), or by code ending (`31.H23` finds that unit's subtree). Rank 0 is the exact code, 1 a name
     * starting with the text or a code ending with it, 2 any other match. Empty without org.read: the global
     * search shows what each module lets the actor see, rather than refusing the whole search.
     */
    async searchUnits(ctx: Ctx, input: { q: string; limit?: number }): Promise<UnitSearchHit[]> {
      if (ctx.actor.kind !== 'system' && !ctx.actor.permissions.has('org.read')) return [];
      const text = nfc(input.q.replaceAll('\u0000', '')).slice(0, limits.search);
      if (!text) return [];
      const folded = foldForSearch(text);
      const compact = text.replace(/\s+/gu, '').toUpperCase();
      const rows = await searchUnits(db, scopeOf(ctx), {
        // Ten words are more than any unit name needs; the cap bounds the query a long text builds.
        words: folded
          .split(/[^a-z0-9]+/u)
          .filter(Boolean)
          .slice(0, 10),
        folded,
        exactCode: tryNormaliseCode(compact),
        codeSuffix: /^(\d{1,3}\.){0,3}[A-Z]\d{2}$/u.test(compact) ? compact : null,
        limit: Math.min(Math.max(input.limit ?? 10, 1), 100),
      });
      return rows.map((r) => ({
        unit: toUnit(r),
        rank: r.rank as UnitSearchHit['rank'],
        parentName: r.parentName,
      }));
    },

    /**
     * Code and name of units by id, whatever the actor's scope: for labelling a row the caller already
     * may see (an account's unit, the logged-in user's own unit). Unknown ids are left out.
     */
    async unitLabels(ids: readonly string[]): Promise<UnitLabel[]> {
      return unitLabels(db, ids.filter(isUuid));
    },

    /**
     * Where a code leads today: the unit that held it and the active units now responsible, following
     * re-issued codes and successor links. Codes in shorter forms are accepted.
     */
    async resolveCode(ctx: Ctx, code: string): Promise<CodeResolution> {
      requirePermission(ctx, 'org.read');
      const canonical = normaliseCode(code);
      const [record] = await codeRecords(db, [canonical]);
      if (!record) throw new AppError('NOT_FOUND');
      const unit = await loadVisible(ctx, record.unitId);
      let current = unit.status === 'active' ? [unit] : await activeSuccessors(db, unit.id);
      const visible = await idsInScope(
        db,
        scopeOf(ctx),
        current.map((u) => u.id),
      );
      current = current.filter((u) => visible.has(u.id));
      const status: CodeResolution['status'] =
        unit.status === 'active'
          ? unit.code === canonical
            ? 'current'
            : 'recoded'
          : current.length
            ? 'succeeded'
            : 'closed';
      return {
        code: canonical,
        status,
        unit: toUnit(unit),
        current: current.map(toUnit).sort((a, b) => (a.code < b.code ? -1 : 1)),
      };
    },

    /**
     * The unit ids the actor may see: `'all'`, or the actor's unit (scope `own`) or its whole subtree
     * (scope `subtree`), closed units included. For other modules' scoped queries.
     */
    async visibleUnitIds(ctx: Ctx): Promise<'all' | string[]> {
      const scope = scopeOf(ctx);
      if (scope.kind === 'all') return 'all';
      if (scope.kind === 'none') return [];
      return visibleIds(db, scope);
    },

    /** The subset of `unitIds` within the actor's scope, in one query. */
    async unitIdsInScope(ctx: Ctx, unitIds: readonly string[]): Promise<string[]> {
      return [...(await idsInScope(db, scopeOf(ctx), unitIds.filter(isUuid)))];
    },

    /** Throws NOT_FOUND unless the unit exists and lies within the actor's scope (never says which). */
    async assertUnitInScope(ctx: Ctx, unitId: string): Promise<void> {
      if (!isUuid(unitId) || !(await idsInScope(db, scopeOf(ctx), [unitId])).has(unitId)) {
        throw new AppError('NOT_FOUND');
      }
    },

    /** Ids of a unit and all units below it (closed ones too unless `activeOnly`); empty for an unknown id. */
    async subtreeIds(unitId: string, options: { activeOnly?: boolean } = {}): Promise<string[]> {
      if (!isUuid(unitId)) return [];
      return subtreeIds(db, unitId, options.activeOnly ?? false);
    },

    /**
     * Imports a unit list (CSV or XLSX; columns as in the export), all or nothing, upserting by code:
     * every row error is reported at once (ORG_IMPORT_INVALID with row numbers); otherwise all rows are
     * written in one transaction with one audit entry summarising the counts.
     */
    async importUnits(ctx: Ctx, input: ImportInput): Promise<ImportResult> {
      requirePermission(ctx, 'org.write');
      const format = input.format;
      const size = typeof input.data === 'string' ? Buffer.byteLength(input.data) : input.data.byteLength;
      if (size > MAX_FILE_BYTES) {
        throw new AppError('ORG_IMPORT_UNREADABLE', {
          format: format.toUpperCase(),
          reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`,
        });
      }
      const records =
        format === 'xlsx'
          ? await readXlsx(typeof input.data === 'string' ? Buffer.from(input.data, 'base64') : input.data)
          : parseCsv(decodeCsv(input.data));
      const rows = rowsFromRecords(records, format.toUpperCase());
      const dryRun = input.dryRun ?? false;
      const run = async (tx: Db, now: Date) => {
        const planner = new Planner(tx, scopeOf(ctx), now);
        const plan = planner.emptyPlan('import', {}, false);
        const counts = await planImport(tx, scopeOf(ctx), planner, plan, rows, ctx.lang);
        plan.description = `Nhập danh sách đơn vị từ tệp ${format.toUpperCase()}: ${counts.created} tạo mới, ${counts.updated} cập nhật, ${counts.unchanged} không đổi`;
        plan.auditDetails = { format, ...counts };
        if (!dryRun && plan.events.length > 0) await applyPlan(tx, ctx, plan, now);
        return { ...counts, dryRun };
      };
      return dryRun ? run(db, platform.now()) : write(run);
    },

    /**
     * Exports the active units the actor may see, parent before child and siblings in Vietnamese order,
     * as CSV (UTF-8 with BOM) or XLSX, with the columns the import reads.
     */
    async exportUnits(ctx: Ctx, input: { format: TransferFormat }): Promise<ExportFile> {
      requirePermission(ctx, 'org.read');
      const rows = treeOrder(await exportRows(db, scopeOf(ctx)));
      const records = [
        [...columns],
        ...rows.map((u) => [
          u.code,
          u.name,
          u.shortName ?? '',
          u.kind,
          u.parentCode ?? '',
          u.address ?? '',
          u.email ?? '',
          u.phone ?? '',
        ]),
      ];
      const stamp = todayIn(platform.now());
      if (input.format === 'xlsx') {
        return {
          filename: `don-vi-${stamp}.xlsx`,
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          body: await writeUnitsXlsx(records),
        };
      }
      if (input.format !== 'csv') throw fieldError('format', 'must be csv or xlsx');
      return {
        filename: `don-vi-${stamp}.csv`,
        contentType: 'text/csv; charset=utf-8',
        body: Buffer.from(writeCsv(records), 'utf8'),
      };
    },
  };
}

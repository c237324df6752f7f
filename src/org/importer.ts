/**
 * @module org/importer
 * Turns the rows of an imported unit list into one plan, all or nothing: every row is checked first
 * (code format, parent consistency, duplicates, closed and re-issued codes, the parent being in the file
 * or an active unit in the actor's scope) and every problem is reported with its row number; only a
 * file without errors becomes a plan. Rows are matched to units by code (upsert).
 */
import type { Db } from '../core/db/index.ts';
import { AppError, isAppError } from '../core/errors/index.ts';
import { codeLevel, normaliseCode, parentCodeOf } from './code.ts';
import {
  fieldError,
  kindOrDefault,
  limits,
  nameSearchOf,
  optionalEmail,
  optionalPhone,
  optionalText,
  requiredText,
} from './model.ts';
import type { Plan, Planner } from './reorganise.ts';
import { codeRecords, findUnitsByCode, idsInScope, type Scope, type UnitRow } from './store.ts';
import type { ColumnKey, SheetRow } from './transfer.ts';
import type { ImportRowError, UnitKind } from './types.ts';

/** A row that passed the file-level checks. */
interface CleanRow {
  row: number;
  code: string;
  level: number;
  name: string;
  // Undefined when the file has no such column (or, for kind, an empty cell): an update then keeps the
  // stored value, so a file with only code and name renames units without wiping their contact details.
  shortName: string | null | undefined;
  kind: UnitKind | undefined;
  address: string | null | undefined;
  email: string | null | undefined;
  phone: string | null | undefined;
}

/** Most row errors listed in one response; the count covers them all. */
const MAX_LISTED_ERRORS = 500;

/** Counts of what an import plan does. */
export interface ImportCounts {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Fills `plan` with the creates and updates of `rows`, or throws ORG_IMPORT_INVALID listing every row
 * error. Runs inside the write transaction (under the tree lock) so the checks still hold at write time.
 */
export async function planImport(
  db: Db,
  scope: Scope,
  planner: Planner,
  plan: Plan,
  rows: readonly SheetRow[],
  lang: 'vi' | 'en',
): Promise<ImportCounts> {
  const errors: ImportRowError[] = [];
  const fail = (row: number, field: ColumnKey, err: unknown) => {
    if (!isAppError(err)) throw err;
    errors.push({ row, field, error: err.code, message: err.localized(lang) });
  };

  // 1. Each row on its own.
  const clean: CleanRow[] = [];
  const firstRowOfCode = new Map<string, number>();
  for (const { row, values } of rows) {
    const before = errors.length;
    const attempt = <T>(field: ColumnKey, fn: () => T): T | undefined => {
      try {
        return fn();
      } catch (err) {
        fail(row, field, err);
        return undefined;
      }
    };
    const code = attempt('code', () => normaliseCode(values.code ?? ''));
    const name = attempt('name', () => requiredText(values.name ?? '', 'name', limits.name));
    const shortName = attempt('short_name', () =>
      values.short_name === undefined
        ? undefined
        : optionalText(values.short_name, 'short_name', limits.shortName),
    );
    const address = attempt('address', () =>
      values.address === undefined ? undefined : optionalText(values.address, 'address', limits.address),
    );
    const email = attempt('email', () =>
      values.email === undefined ? undefined : optionalEmail(values.email),
    );
    const phone = attempt('phone', () =>
      values.phone === undefined ? undefined : optionalPhone(values.phone),
    );
    let kind: UnitKind | undefined;
    if (code) {
      kind = attempt('kind', () =>
        values.kind?.trim() ? kindOrDefault(values.kind, codeLevel(code)) : undefined,
      );
      const given = values.parent_code?.trim();
      if (given) {
        attempt('parent_code', () => {
          // The parent is implied by the code; a parent column that disagrees is a mistake in the file.
          const parentCode = normaliseCode(given);
          if (parentCodeOf(code) !== parentCode) {
            throw new AppError('ORG_CODE_PARENT_MISMATCH', { code, parentCode });
          }
        });
      }
      const first = firstRowOfCode.get(code);
      if (first !== undefined) {
        fail(row, 'code', fieldError('code', `${code} is already on row ${first}`));
      } else firstRowOfCode.set(code, row);
    }
    if (errors.length === before) {
      clean.push({
        row,
        code: code!,
        level: codeLevel(code!),
        name: name!,
        shortName,
        kind,
        address,
        email,
        phone,
      });
    }
  }

  // 2. Against the database, in three set-based queries.
  const codes = clean.map((r) => r.code);
  const parentCodes = clean.map((r) => parentCodeOf(r.code)).filter((c): c is string => c !== null);
  const issued = new Map((await codeRecords(db, codes)).map((r) => [r.code, r]));
  const units = new Map(
    (await findUnitsByCode(db, [...new Set([...codes, ...parentCodes])])).map((u) => [u.code, u]),
  );
  const inScope = await idsInScope(
    db,
    scope,
    [...units.values()].map((u) => u.id),
  );

  const counts: ImportCounts = { rows: rows.length, created: 0, updated: 0, unchanged: 0 };
  const updates: { unit: UnitRow; row: CleanRow }[] = [];
  const creates: CleanRow[] = [];
  for (const r of clean) {
    const unit = units.get(r.code);
    if (unit) {
      // Scope first, so a row cannot tell whether a unit outside the actor's reach is closed.
      if (!inScope.has(unit.id)) fail(r.row, 'code', new AppError('NOT_FOUND'));
      else if (unit.status !== 'active')
        fail(r.row, 'code', new AppError('ORG_UNIT_CLOSED', { code: r.code }));
      else updates.push({ unit, row: r });
    } else if (issued.has(r.code)) {
      // Issued before and re-issued or closed since: never given out again.
      fail(r.row, 'code', new AppError('ORG_CODE_TAKEN', { code: r.code }));
    } else creates.push(r);
  }

  // 3. New units, parents first. A parent's code is one level shorter than its child's, so ordering by
  // level puts every parent before its children, and a file cannot describe a cycle.
  creates.sort((a, b) => a.level - b.level);
  const accepted = new Set<string>();
  const pending: { r: CleanRow; parent: UnitRow | string | null }[] = [];
  for (const r of creates) {
    const parentCode = parentCodeOf(r.code);
    const fromDb = parentCode ? units.get(parentCode) : undefined;
    let parent: UnitRow | string | null | undefined;
    if (parentCode === null) {
      if (scope.kind === 'all') parent = null;
      else fail(r.row, 'code', new AppError('NOT_FOUND'));
    } else if (accepted.has(parentCode)) parent = parentCode;
    else if (fromDb && inScope.has(fromDb.id)) {
      if (fromDb.status === 'active') parent = fromDb;
      else fail(r.row, 'parent_code', new AppError('ORG_UNIT_CLOSED', { code: parentCode }));
    } else if (firstRowOfCode.has(parentCode) && !fromDb) {
      fail(r.row, 'parent_code', fieldError('parent_code', `the row of ${parentCode} has errors`));
    } else {
      fail(
        r.row,
        'parent_code',
        fieldError('parent_code', `${parentCode} is neither in the file nor an active unit you can manage`),
      );
    }
    if (parent !== undefined) {
      accepted.add(r.code);
      pending.push({ r, parent });
    }
  }

  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    const rowsWithErrors = new Set(errors.map((e) => e.row)).size;
    const first = errors[0]!;
    throw new AppError('ORG_IMPORT_INVALID', {
      count: rowsWithErrors,
      first: `${first.row} (${first.field}): ${first.message}`,
      errors: errors.slice(0, MAX_LISTED_ERRORS).map((e) => ({ ...e, field: `row ${e.row}: ${e.field}` })),
    });
  }

  // 4. The plan: a new unit under a new unit takes its parent's id and path from the plan.
  const nodes = new Map<string, ReturnType<Planner['createUnit']>>();
  for (const { r, parent } of pending) {
    const parentNode = typeof parent === 'string' ? nodes.get(parent)! : parent;
    nodes.set(r.code, planner.createUnit(plan, r, parentNode, r.code, `row ${r.row}`, []));
    counts.created++;
  }
  for (const { unit, row: r } of updates) {
    const next = {
      name: r.name,
      shortName: r.shortName === undefined ? unit.shortName : r.shortName,
      kind: r.kind ?? unit.kind,
      address: r.address === undefined ? unit.address : r.address,
      email: r.email === undefined ? unit.email : r.email,
      phone: r.phone === undefined ? unit.phone : r.phone,
    };
    const changed = diffFields(unit, next);
    if (!changed) {
      counts.unchanged++;
      continue;
    }
    counts.updated++;
    plan.updates.push({ id: unit.id, nameSearch: nameSearchOf(next.name, next.shortName), ...next });
    plan.events.push({
      unitId: unit.id,
      eventType: 'name' in changed.after || 'shortName' in changed.after ? 'rename' : 'update',
      oldCode: unit.code,
      newCode: unit.code,
      before: changed.before,
      after: changed.after,
      relatedUnitIds: [],
    });
  }
  return counts;
}

/** The fields that differ between a stored unit and new values, or null when none do. */
export function diffFields(
  unit: UnitRow,
  next: {
    name: string;
    shortName: string | null;
    kind: string;
    address: string | null;
    email: string | null;
    phone: string | null;
  },
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const key of ['name', 'shortName', 'kind', 'address', 'email', 'phone'] as const) {
    if (unit[key] !== next[key]) {
      before[key] = unit[key];
      after[key] = next[key];
    }
  }
  return Object.keys(after).length ? { before, after } : null;
}

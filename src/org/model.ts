/**
 * @module org/model
 * Rules shared by every write path of the organisation module (create, update, reorganise, import):
 * field cleaning and validation, unit kinds, dates, the actor's scope and permissions, row mapping.
 * The service validates again what the HTTP schemas already checked, because the CLI, the import
 * and other modules reach the service without passing through HTTP.
 */
import type { Ctx } from '../core/context.ts';
import { AppError } from '../core/errors/index.ts';
import { foldForSearch, hasHiddenCharacters, nfc } from '../core/text/vietnamese.ts';
import type { CodeLevel } from './code.ts';
import type { Scope, UnitRow } from './store.ts';
import { type OrgUnit, type UnitKind, type UnitStatus, unitKinds } from './types.ts';

/** Length limits shared by the HTTP schemas and the service. */
export const limits = {
  name: 255,
  shortName: 100,
  address: 500,
  email: 254,
  phone: 30,
  decisionRef: 300,
  code: 40,
  search: 100,
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;
const PHONE = /^[0-9+()\-.\s/]{3,30}$/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;

/** A VALIDATION_FAILED error naming one field. */
export function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { summary: `${field}: ${message}`, errors: [{ field, message }] });
}

/** True for a syntactically valid UUID (anything else cannot name a unit, and must not reach SQL as uuid). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const HIDDEN_MESSAGE = 'must not contain control or invisible formatting characters';

/** A required name: NFC, trimmed, whitespace collapsed, 1..max characters, nothing hidden. */
export function requiredText(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw fieldError(field, 'is required');
  const clean = nfc(value);
  if (clean.length === 0) throw fieldError(field, 'must not be empty');
  if (clean.length > max) throw fieldError(field, `must be at most ${max} characters`);
  // An imported file can carry one past the HTTP checks.
  if (hasHiddenCharacters(clean)) throw fieldError(field, HIDDEN_MESSAGE);
  return clean;
}

/** An optional text: empty becomes null. */
export function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw fieldError(field, 'must be text');
  const clean = nfc(value);
  if (clean.length === 0) return null;
  if (clean.length > max) throw fieldError(field, `must be at most ${max} characters`);
  if (hasHiddenCharacters(clean)) throw fieldError(field, HIDDEN_MESSAGE);
  return clean;
}

/** An optional e-mail address (lower-cased domain is not forced: some agencies print mixed case). */
export function optionalEmail(value: unknown, field = 'email'): string | null {
  const v = optionalText(value, field, limits.email);
  if (v !== null && !EMAIL.test(v)) throw fieldError(field, 'is not an e-mail address');
  return v;
}

/** An optional telephone number: digits, spaces and + ( ) - . / only. */
export function optionalPhone(value: unknown, field = 'phone'): string | null {
  const v = optionalText(value, field, limits.phone);
  if (v !== null && !PHONE.test(v)) throw fieldError(field, 'is not a telephone number');
  return v;
}

// Vietnamese words accepted for kinds in imported files, folded (see foldForSearch).
const KIND_ALIASES: Record<string, UnitKind> = {
  tinh: 'province',
  'thanh pho': 'province',
  'ubnd tinh': 'province',
  so: 'department',
  ban: 'department',
  nganh: 'department',
  'so, ban, nganh': 'department',
  huyen: 'district',
  quan: 'district',
  'thi xa': 'district',
  xa: 'commune',
  phuong: 'commune',
  'thi tran': 'commune',
  'dac khu': 'commune',
  'don vi': 'unit',
  khac: 'unit',
  other: 'unit',
};

/** A unit kind from its key or a Vietnamese word (`sở`, `xã`…); null when unknown. */
export function parseKind(value: string): UnitKind | null {
  const v = foldForSearch(value);
  if ((unitKinds as readonly string[]).includes(v)) return v as UnitKind;
  return KIND_ALIASES[v] ?? null;
}

/** A kind given by a caller, or the usual kind for a code level when none is given. */
export function kindOrDefault(value: unknown, level: CodeLevel, field = 'kind'): UnitKind {
  if (value === undefined || value === null || value === '') return level === 1 ? 'province' : 'unit';
  const kind = typeof value === 'string' ? parseKind(value) : null;
  if (!kind) throw fieldError(field, `must be one of ${unitKinds.join(', ')}`);
  return kind;
}

/** Today's date in Vietnam (UTC+7), as YYYY-MM-DD. */
export function todayIn(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now);
}

/** An effective date given as YYYY-MM-DD (a real calendar day), or today when absent. */
export function effectiveDateOf(value: unknown, now: Date, field = 'effectiveDate'): string {
  if (value === undefined || value === null || value === '') return todayIn(now);
  const m = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!m) throw fieldError(field, 'must be a date YYYY-MM-DD');
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== value || Number(m[1]) < 1945) {
    throw fieldError(field, 'is not a valid date');
  }
  return value as string;
}

/** The decision reference a reorganisation must cite. */
export function decisionRefOf(value: unknown, required: boolean): string | null {
  if (required) return requiredText(value, 'decisionRef', limits.decisionRef);
  return optionalText(value, 'decisionRef', limits.decisionRef);
}

/** The folded text stored in `name_search`: name and short name. */
export function nameSearchOf(name: string, shortName: string | null): string {
  return foldForSearch(shortName ? `${name} ${shortName}` : name);
}

/** How far the actor reaches in the tree. An actor without a unit sees nothing unless its scope is `all`. */
export function scopeOf(ctx: Ctx): Scope {
  if (ctx.actor.scope === 'all') return { kind: 'all' };
  if (!ctx.actor.unitId) return { kind: 'none' };
  return { kind: ctx.actor.scope, unitId: ctx.actor.unitId };
}

/**
 * Refuses an actor without `permission`. The HTTP hook checks route permissions first; this guards the
 * same rule for callers that are not HTTP routes. The platform itself (scheduler, CLI) is trusted.
 */
export function requirePermission(ctx: Ctx, permission: 'org.read' | 'org.write'): void {
  if (ctx.actor.kind === 'system') return;
  if (!ctx.actor.permissions.has(permission)) throw new AppError('IAM_FORBIDDEN');
}

/** The public shape of a stored unit (the path stays internal). */
export function toUnit(row: UnitRow): OrgUnit {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    shortName: row.shortName,
    kind: row.kind as UnitKind,
    parentId: row.parentId,
    depth: row.depth,
    status: row.status as UnitStatus,
    validFrom: row.validFrom,
    validTo: row.validTo,
    address: row.address,
    email: row.email,
    phone: row.phone,
  };
}

/** Sorts units parent before child, siblings by Vietnamese collation of their names, then by code. */
export function treeOrder<T extends { id: string; parentId: string | null; name: string; code: string }>(
  units: readonly T[],
): T[] {
  const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<string | null, T[]>();
  for (const u of units) {
    // A unit whose parent is outside the set (out of scope, or filtered) starts its own branch.
    const key = u.parentId && ids.has(u.parentId) ? u.parentId : null;
    const list = children.get(key);
    if (list) list.push(u);
    else children.set(key, [u]);
  }
  const byName = (a: T, b: T) => collator.compare(a.name, b.name) || (a.code < b.code ? -1 : 1);
  const out: T[] = [];
  // Iterative depth-first walk: trees are shallow, but imported data should never overflow the stack.
  const stack: T[] = [...(children.get(null) ?? [])].sort(byName).reverse();
  while (stack.length) {
    const u = stack.pop()!;
    out.push(u);
    const kids = children.get(u.id);
    if (kids) stack.push(...[...kids].sort(byName).reverse());
  }
  return out;
}

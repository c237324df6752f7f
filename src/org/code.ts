/**
 * @module org/code
 * Agency identifier codes of QCVN 102:2016/BTTTT (amended by TT 01/2022/TT-BTTTT):
 * `V1V2V3.Z1Z2.Y1Y2.MX1X2`, read right to left. `MX1X2` is the level-1 unit (a letter and two digits,
 * `H23`), `Y1Y2` level 2, `Z1Z2` level 3, `V1V2V3` level 4; zeros mean "no such level".
 * `000.00.00.H23` is the province's People's Committee, `000.00.31.H23` a level-2 body under it,
 * `000.12.31.H23` a level-3 unit under that, `001.12.31.H23` a level-4 unit.
 * Pure functions only: no database, so they are cheap to property-test.
 */
import { AppError } from '../core/errors/index.ts';

/** A code split into its segments; numbers are 0 when the level is absent. */
export interface ParsedCode {
  /** Level 4, 0..999. */
  readonly v: number;
  /** Level 3, 0..99. */
  readonly z: number;
  /** Level 2, 0..99. */
  readonly y: number;
  /** Level 1: one upper-case letter and two digits, e.g. `H23`. */
  readonly group: string;
}

/** The four levels of QCVN 102:2016. */
export type CodeLevel = 1 | 2 | 3 | 4;

/** Highest number a unit can have at each level (level 1 numbers are assigned nationally). */
const MAX_AT_LEVEL: Record<2 | 3 | 4, number> = { 2: 99, 3: 99, 4: 999 };

// The full form and the shorter right-aligned forms seen in practice (`00.01.H03`, `28.22.H17`, `22.W00`, `H23`).
// A shorter form drops leading segments only, so it maps to exactly one full code; anything else (`H55.242`,
// `1.2.31.H23`) is ambiguous or foreign and is refused rather than guessed.
const FORMS: readonly RegExp[] = [
  /^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$/,
  /^()(\d{2})\.(\d{2})\.([A-Z]\d{2})$/,
  /^()()(\d{2})\.([A-Z]\d{2})$/,
  /^()()()([A-Z]\d{2})$/,
];

/** The canonical regular expression of a stored code. */
export const CODE_PATTERN = '^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}$';

/** Parses a code in full or shorter form; null when it is not a valid QCVN 102 code. */
export function parseCode(input: string): ParsedCode | null {
  if (typeof input !== 'string' || input.length > 40) return null;
  const compact = input.replace(/\s+/gu, '').toUpperCase();
  for (const form of FORMS) {
    const m = form.exec(compact);
    if (!m) continue;
    const v = Number(m[1] || '0');
    const z = Number(m[2] || '0');
    const y = Number(m[3] || '0');
    const group = m[4]!;
    // Zeros mean "no lower level", so levels fill from the right without gaps: 000.12.00.H23 names a
    // level-3 unit under no level-2 unit, which cannot exist.
    if (z !== 0 && y === 0) return null;
    if (v !== 0 && z === 0) return null;
    return { v, z, y, group };
  }
  return null;
}

/** Writes parsed segments in the canonical four-segment form. */
export function formatCode(p: ParsedCode): string {
  return `${pad(p.v, 3)}.${pad(p.z, 2)}.${pad(p.y, 2)}.${p.group}`;
}

/** The canonical form of a code, or null when it is invalid. */
export function tryNormaliseCode(input: string): string | null {
  const parsed = parseCode(input);
  return parsed ? formatCode(parsed) : null;
}

/** The canonical form of a code; throws ORG_CODE_INVALID when it is not a QCVN 102 code. */
export function normaliseCode(input: string): string {
  const code = tryNormaliseCode(input);
  if (code === null) throw new AppError('ORG_CODE_INVALID', { code: String(input).slice(0, 40) });
  return code;
}

/** The level (1..4) of a canonical or short code; throws ORG_CODE_INVALID when invalid. */
export function codeLevel(code: string): CodeLevel {
  return levelOf(mustParse(code));
}

/** The code of the unit directly above, or null for a level-1 code. */
export function parentCodeOf(code: string): string | null {
  const p = mustParse(code);
  switch (levelOf(p)) {
    case 1:
      return null;
    case 2:
      return formatCode({ ...p, y: 0 });
    case 3:
      return formatCode({ ...p, z: 0 });
    case 4:
      return formatCode({ ...p, v: 0 });
  }
}

/** The number a code carries at its own level (the `31` of `000.00.31.H23`); 0 for level 1. */
export function ownNumber(code: string): number {
  const p = mustParse(code);
  switch (levelOf(p)) {
    case 1:
      return 0;
    case 2:
      return p.y;
    case 3:
      return p.z;
    case 4:
      return p.v;
  }
}

/** Highest child number under a parent code, or 0 when the parent is at level 4 (no level 5 exists). */
export function maxChildNumber(parentCode: string): number {
  const level = codeLevel(parentCode);
  return level === 4 ? 0 : MAX_AT_LEVEL[(level + 1) as 2 | 3 | 4];
}

/**
 * The code of child number `n` under `parentCode`; throws ORG_CODE_LEVEL_EXCEEDED under a level-4
 * parent and ORG_CODE_INVALID when `n` does not fit the child's segment.
 */
export function childCode(parentCode: string, n: number): string {
  const p = mustParse(parentCode);
  const level = levelOf(p);
  if (level === 4) throw new AppError('ORG_CODE_LEVEL_EXCEEDED', { code: formatCode(p), level: 5 });
  const max = MAX_AT_LEVEL[(level + 1) as 2 | 3 | 4];
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new AppError('ORG_CODE_INVALID', { code: `${formatCode(p)}+${n}` });
  }
  if (level === 1) return formatCode({ ...p, y: n });
  if (level === 2) return formatCode({ ...p, z: n });
  return formatCode({ ...p, v: n });
}

/** True when `child` sits exactly one level below `parent` and extends its non-zero segments. */
export function isChildCodeOf(child: string, parent: string): boolean {
  const c = parseCode(child);
  const p = parseCode(parent);
  if (!c || !p || levelOf(c) === 1) return false;
  return parentCodeOf(formatCode(c)) === formatCode(p);
}

/**
 * Checks that a canonical `code` fits under `parentCode` (null = a root, which must be level 1);
 * throws ORG_CODE_PARENT_MISMATCH otherwise.
 */
export function assertCodeFitsParent(code: string, parentCode: string | null): void {
  const ok = parentCode === null ? codeLevel(code) === 1 : isChildCodeOf(code, parentCode);
  if (!ok) {
    throw new AppError('ORG_CODE_PARENT_MISMATCH', {
      code,
      parentCode: parentCode ?? '—',
      expected: parentCodeOf(code) ?? '—',
    });
  }
}

/**
 * Picks a child number: `preferred` when it fits and is unused, else the number after the highest used
 * (numbers follow issue order), else the lowest gap. Null when every number up to `max` is used.
 */
export function pickChildNumber(used: ReadonlySet<number>, max: number, preferred?: number): number | null {
  if (preferred !== undefined && Number.isInteger(preferred) && preferred >= 1 && preferred <= max) {
    if (!used.has(preferred)) return preferred;
  }
  let highest = 0;
  for (const n of used) if (n > highest) highest = n;
  if (highest < max) return highest + 1;
  for (let n = 1; n <= max; n++) if (!used.has(n)) return n;
  return null;
}

/**
 * The next free child code under `parentCode`, given every code ever issued (closed codes count:
 * they are never reused). Null when the level is full or the parent is at level 4.
 */
export function nextFreeChildCode(parentCode: string, usedCodes: Iterable<string>): string | null {
  const max = maxChildNumber(parentCode);
  if (max === 0) return null;
  const parent = formatCode(mustParse(parentCode));
  const used = new Set<number>();
  for (const code of usedCodes) {
    if (isChildCodeOf(code, parent)) used.add(ownNumber(code));
  }
  const n = pickChildNumber(used, max);
  return n === null ? null : childCode(parent, n);
}

/**
 * A LIKE pattern matching every code one level below `parentCode` (children use `_` wildcards in their
 * own segment), for reading used numbers from the code registry in one query.
 */
export function childCodeLikePattern(parentCode: string): string | null {
  const p = mustParse(parentCode);
  const g = p.group;
  switch (levelOf(p)) {
    case 1:
      return `000.00.__.${g}`;
    case 2:
      return `000.__.${pad(p.y, 2)}.${g}`;
    case 3:
      return `___.${pad(p.z, 2)}.${pad(p.y, 2)}.${g}`;
    case 4:
      return null;
  }
}

function levelOf(p: ParsedCode): CodeLevel {
  if (p.v !== 0) return 4;
  if (p.z !== 0) return 3;
  if (p.y !== 0) return 2;
  return 1;
}

function mustParse(code: string): ParsedCode {
  const p = parseCode(code);
  if (!p) throw new AppError('ORG_CODE_INVALID', { code: String(code).slice(0, 40) });
  return p;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * @module soc/pipelines/engine/condition
 * The `if:` of a processor and the `match:` of a pipeline: a small declarative form compiled into a
 * predicate (never evaluated as code). Forms:
 *   { field: f, equals: v } · { field: f, exists: true|false } · { field: f, in: [a, b] }
 *   { field: f, regex: '…' } · { field: f, contains: 'x' } · { field: f, starts_with: 'x' }
 *   { field: f, ends_with: 'x' } · { all: [c…] } · { any: [c…] } · { not: c }
 * Scalars compare as text (`4624` equals `'4624'`), and `equals`/`in`/`contains` take `ignore_case: true`.
 * A field holding a list matches when one of its items does. Fields `$kind`, `$input`, `$text`, `$peer`
 * read the raw event as received (its input kind, input id, text and sender).
 */
import type { EcsDoc, RawEvent } from '../../contracts.ts';
import { compileGetter } from './paths.ts';
import { isSeq, MapReader, type Node, type Source } from './yaml-reader.ts';

/** A compiled condition over the working document and the raw event. */
export type Condition = (doc: EcsDoc, raw: RawEvent) => boolean;

const rawFields: Record<string, (raw: RawEvent) => unknown> = {
  $kind: (raw) => raw.kind,
  $input: (raw) => raw.input,
  $text: (raw) => raw.text,
  $peer: (raw) => raw.peer,
};

function reader(field: string): (doc: EcsDoc, raw: RawEvent) => unknown {
  const rawField = rawFields[field];
  if (rawField) return (_doc, raw) => rawField(raw);
  if (field.startsWith('$'))
    throw new Error(`unknown raw field "${field}" (use $kind, $input, $text or $peer)`);
  // A getter ignores the second argument: no wrapper call on the hot path.
  return compileGetter(field) as (doc: EcsDoc, raw: RawEvent) => unknown;
}

function asText(v: unknown, fold: boolean): string | undefined {
  if (typeof v === 'string') return fold ? v.toLowerCase() : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A test of one scalar's text. */
type TextTest = (text: string) => boolean;

/**
 * True when `test` holds for the value or, for a list, for one of its items. The tests are built once at
 * compile time: no closure is created per event on this path.
 */
function some(v: unknown, test: TextTest, fold: boolean): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const t = asText(v[i], fold);
      if (t !== undefined && test(t)) return true;
    }
    return false;
  }
  const t = asText(v, fold);
  return t !== undefined && test(t);
}

const OPERATORS = ['equals', 'exists', 'in', 'regex', 'contains', 'starts_with', 'ends_with'] as const;

/** Compiles a condition node; errors carry the position of the offending node. */
export function compileCondition(node: Node | null | undefined, source: Source): Condition {
  const r = MapReader.of(node, source, 'condition');
  if (r.has('all') || r.has('any')) {
    const key = r.has('all') ? 'all' : 'any';
    const list = r.node_(key);
    if (!list || !isSeq(list) || list.items.length === 0) {
      throw source.error(list ?? r.node, `condition: "${key}" must be a non-empty list of conditions`);
    }
    const parts = list.items.map((item) => compileCondition(item as Node, source));
    r.done();
    if (key === 'all') {
      return (doc, raw) => {
        for (let i = 0; i < parts.length; i++) if (!(parts[i] as Condition)(doc, raw)) return false;
        return true;
      };
    }
    return (doc, raw) => {
      for (let i = 0; i < parts.length; i++) if ((parts[i] as Condition)(doc, raw)) return true;
      return false;
    };
  }
  if (r.has('not')) {
    const inner = compileCondition(r.node_('not'), source);
    r.done();
    return (doc, raw) => !inner(doc, raw);
  }
  const field = r.field('field', true);
  let read: (doc: EcsDoc, raw: RawEvent) => unknown;
  try {
    read = reader(field);
  } catch (err) {
    throw r.error('field', (err as Error).message);
  }
  const present = OPERATORS.filter((op) => r.has(op));
  if (present.length !== 1) {
    throw r.error(null, `condition: give exactly one of ${OPERATORS.join(', ')} (with "field")`);
  }
  const op = present[0] as (typeof OPERATORS)[number];
  const fold = op === 'equals' || op === 'in' || op === 'contains' ? r.bool('ignore_case', false) : false;
  let cond: Condition;
  switch (op) {
    case 'exists': {
      const want = r.bool('exists', true);
      cond = (doc, raw) => {
        const v = read(doc, raw);
        return (v !== undefined && v !== null) === want;
      };
      break;
    }
    case 'equals': {
      const n = r.node_('equals');
      const value = n?.toJSON() as unknown;
      const text = asText(value, fold);
      if (text === undefined) throw source.error(n, 'condition: "equals" takes a string, number or boolean');
      const test: TextTest = (t) => t === text;
      cond = (doc, raw) => some(read(doc, raw), test, fold);
      break;
    }
    case 'in': {
      const values = r.strList('in', true).map((v) => (fold ? v.toLowerCase() : v));
      const set = new Set(values);
      const test: TextTest = (t) => set.has(t);
      cond = (doc, raw) => some(read(doc, raw), test, fold);
      break;
    }
    case 'regex': {
      const pattern = r.str('regex', true);
      let re: RegExp;
      try {
        re = new RegExp(pattern, 'u');
      } catch (err) {
        throw r.error('regex', `condition: invalid regex: ${(err as Error).message}`);
      }
      const test: TextTest = (t) => re.test(t);
      cond = (doc, raw) => some(read(doc, raw), test, false);
      break;
    }
    case 'contains': {
      const needle = r.str('contains', true);
      const n = fold ? needle.toLowerCase() : needle;
      const test: TextTest = (t) => t.includes(n);
      cond = (doc, raw) => some(read(doc, raw), test, fold);
      break;
    }
    case 'starts_with': {
      const prefix = r.str('starts_with', true);
      const test: TextTest = (t) => t.startsWith(prefix);
      cond = (doc, raw) => some(read(doc, raw), test, false);
      break;
    }
    case 'ends_with': {
      const suffix = r.str('ends_with', true);
      const test: TextTest = (t) => t.endsWith(suffix);
      cond = (doc, raw) => some(read(doc, raw), test, false);
      break;
    }
  }
  r.done();
  return cond;
}

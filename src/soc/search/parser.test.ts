import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors/index.ts';
import type { QueryNode, Value } from './ast.ts';
import { parseQuery } from './parser.ts';
import { printQuery } from './print.ts';

/** The tree without value positions (they change when a query is printed differently). */
function strip(node: QueryNode): QueryNode {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'at' ? undefined : v))) as QueryNode;
}
const p = (q: string) => strip(parseQuery(q));
const word = (field: string | null, text: string): QueryNode => ({
  type: 'match',
  field,
  value: { kind: 'word', text },
});

function errorOf(q: string): { code: string; position?: unknown; reason?: unknown } {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof AppError)
      return { code: e.code, position: e.details.position, reason: e.details.reason };
    throw e;
  }
  throw new Error(`no error for ${q}`);
}

describe('query parser: constructs', () => {
  it('reads field:value, quoted phrases and bare terms (the message)', () => {
    expect(p('host.name:web-01')).toEqual(word('host.name', 'web-01'));
    expect(p('user.name:"Nguyễn Văn A"')).toEqual({
      type: 'match',
      field: 'user.name',
      value: { kind: 'phrase', text: 'Nguyễn Văn A' },
    });
    expect(p('failed')).toEqual(word(null, 'failed'));
    expect(p('"failed password"')).toEqual({
      type: 'match',
      field: null,
      value: { kind: 'phrase', text: 'failed password' },
    });
  });

  it('reads wildcards, keeping escaped ones literal', () => {
    expect(p('user.name:adm*')).toEqual({
      type: 'match',
      field: 'user.name',
      value: { kind: 'wildcard', pattern: 'adm*' },
    });
    expect(p('host.name:w?b')).toEqual({
      type: 'match',
      field: 'host.name',
      value: { kind: 'wildcard', pattern: 'w?b' },
    });
    expect(p('a:x\\*y*')).toEqual({
      type: 'match',
      field: 'a',
      value: { kind: 'wildcard', pattern: 'x\\*y*' },
    });
    expect(p('a:x\\*y')).toEqual(word('a', 'x*y'));
  });

  it('reads comparisons and ranges, inclusive and exclusive, open with *', () => {
    expect(p('event.severity >= 10')).toEqual({
      type: 'compare',
      field: 'event.severity',
      op: '>=',
      value: '10',
    });
    expect(p('@timestamp < 2026-12-01')).toEqual({
      type: 'compare',
      field: '@timestamp',
      op: '<',
      value: '2026-12-01',
    });
    expect(p('@timestamp>2026-12-01T10:00:00Z')).toEqual({
      type: 'compare',
      field: '@timestamp',
      op: '>',
      value: '2026-12-01T10:00:00Z',
    });
    expect(p('source.port:[10 TO 20]')).toEqual({
      type: 'range',
      field: 'source.port',
      low: { value: '10', inclusive: true },
      high: { value: '20', inclusive: true },
    });
    expect(p('source.port:{10 TO *}')).toEqual({
      type: 'range',
      field: 'source.port',
      low: { value: '10', inclusive: false },
      high: { value: null, inclusive: false },
    });
  });

  it('reads exists, CIDR (IPv4 and IPv6) and value lists', () => {
    expect(p('user.name:*')).toEqual({ type: 'exists', field: 'user.name' });
    expect(p('source.ip:10.0.0.0/8')).toEqual(word('source.ip', '10.0.0.0/8'));
    expect(p('source.ip:2001:db8::/32')).toEqual(word('source.ip', '2001:db8::/32'));
    expect(p('host.name:(a OR b OR "c d")')).toEqual({
      type: 'or',
      items: [
        word('host.name', 'a'),
        word('host.name', 'b'),
        { type: 'match', field: 'host.name', value: { kind: 'phrase', text: 'c d' } },
      ],
    });
    expect(p('source.ip:(::1 OR 10.0.0.1)')).toEqual({
      type: 'or',
      items: [word('source.ip', '::1'), word('source.ip', '10.0.0.1')],
    });
  });

  it('treats * and *:* as everything, and an empty query too', () => {
    expect(p('')).toEqual({ type: 'all' });
    expect(p('   ')).toEqual({ type: 'all' });
    expect(p('*')).toEqual({ type: 'all' });
    expect(p('*:*')).toEqual({ type: 'all' });
  });
});

describe('query parser: boolean structure', () => {
  it('binds NOT tighter than AND tighter than OR; juxtaposition is AND', () => {
    expect(p('a OR b c')).toEqual({
      type: 'or',
      items: [word(null, 'a'), { type: 'and', items: [word(null, 'b'), word(null, 'c')] }],
    });
    expect(p('a AND b OR c')).toEqual({
      type: 'or',
      items: [{ type: 'and', items: [word(null, 'a'), word(null, 'b')] }, word(null, 'c')],
    });
    expect(p('NOT a b')).toEqual({
      type: 'and',
      items: [{ type: 'not', item: word(null, 'a') }, word(null, 'b')],
    });
    expect(p('NOT (a OR b)')).toEqual({
      type: 'not',
      item: { type: 'or', items: [word(null, 'a'), word(null, 'b')] },
    });
  });

  it('accepts lower-case operators and flattens nested groups of the same kind', () => {
    expect(p('a and (b and c) or not d')).toEqual(p('a AND b AND c OR NOT d'));
    expect(p('(a AND b) AND c')).toEqual({
      type: 'and',
      items: [word(null, 'a'), word(null, 'b'), word(null, 'c')],
    });
  });

  it('keeps escaped operators and operator words after a colon as values', () => {
    expect(p('\\AND')).toEqual(word(null, 'AND'));
    expect(p('event.action:or')).toEqual(word('event.action', 'or'));
  });
});

describe('query parser: errors carry a code and the offset', () => {
  const cases: [string, number, string][] = [
    ['(a', 2, "expected ')'"],
    ['a)', 1, "unexpected ')'"],
    ['host.name:', 10, "expected a value after ':'"],
    ['"abc', 0, 'unterminated quoted phrase'],
    ['a AND', 5, 'the query ends too early'],
    ['x:[1 2]', 5, "expected 'TO' in the range"],
    ['x:[1 TO 2', 9, "expected ']' or '}'"],
    ['x:(OR a)', 3, 'expected a term'],
    ['ho*st:a', 0, 'wildcards are not allowed in field names'],
    ['a..b:c', 0, 'invalid field name'],
    ['x >= a*', 5, 'wildcards cannot be compared'],
    ['abc\\', 3, "nothing to escape after '\\'"],
    ['()', 0, 'empty parentheses'],
    ['a = b', 2, 'unexpected character'],
  ];
  it.each(cases)('%s → position %i', (q, position, reason) => {
    expect(errorOf(q)).toEqual({ code: 'SOC_QUERY_SYNTAX', position, reason });
  });

  it('refuses nesting and clause counts beyond the limits, and very long queries', () => {
    expect(errorOf(`${'('.repeat(40)}a${')'.repeat(40)}`).code).toBe('SOC_QUERY_TOO_COMPLEX');
    expect(errorOf(`${'NOT '.repeat(40)}a`).code).toBe('SOC_QUERY_TOO_COMPLEX');
    expect(errorOf(Array.from({ length: 1100 }, (_, i) => `a${i}`).join(' OR ')).code).toBe(
      'SOC_QUERY_TOO_COMPLEX',
    );
    expect(errorOf('a'.repeat(10_001)).code).toBe('SOC_QUERY_TOO_COMPLEX');
  });
});

describe('query parser: fuzzed', () => {
  const alphabet = fc.constantFrom(
    ...'ab:*?"\\()[]{}<>= \tTONDR.-/@01'.split(''),
    'AND ',
    'OR ',
    'NOT ',
    ' TO ',
    'ế',
    '\u0000',
    '😀',
  );

  it('never crashes: every input parses or fails with a query error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')),
        ),
        (q) => {
          try {
            parseQuery(q);
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
            expect(['SOC_QUERY_SYNTAX', 'SOC_QUERY_TOO_COMPLEX']).toContain((e as AppError).code);
            const pos = (e as AppError).details.position;
            if (pos !== undefined) expect(pos as number).toBeLessThanOrEqual(q.length);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('stays linear on adversarial input (no backtracking)', () => {
    const started = performance.now();
    for (const q of [
      'a'.repeat(9000),
      '"'.padEnd(9000, 'a'),
      `x:${'\\*'.repeat(4000)}`,
      `${'a OR '.repeat(1000)}b`,
    ]) {
      try {
        parseQuery(q);
      } catch {
        // errors are fine; time is what is measured
      }
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  const text = fc.string({
    minLength: 1,
    maxLength: 12,
    unit: fc.constantFrom(...'aZ09 :*?"\\()[]{}<>=-./@ếđ'.split(''), 'AND', 'or', 'TO'),
  });
  const fieldName = fc.constantFrom(
    'host.name',
    'source.ip',
    'message',
    'event.severity',
    'a.b-c',
    '@timestamp',
    'x_y',
  );
  const value: fc.Arbitrary<Value> = fc.oneof(
    text.map((t): Value => ({ kind: 'word', text: t })),
    text.map((t): Value => ({ kind: 'phrase', text: t })),
    fc
      .tuple(text, fc.constantFrom('*', '?'))
      .map(
        ([t, w]): Value => ({ kind: 'wildcard', pattern: `${t.replace(/[\\*?]/g, (c) => `\\${c}`)}${w}` }),
      ),
  );
  const leaf: fc.Arbitrary<QueryNode> = fc.oneof(
    fc
      .record({ type: fc.constant('match' as const), field: fc.option(fieldName, { nil: null }), value })
      .filter((m) => !(m.value.kind === 'wildcard' && m.value.pattern === '*')),
    fc.record({
      type: fc.constant('compare' as const),
      field: fieldName,
      op: fc.constantFrom('>', '>=', '<', '<=' as const),
      value: fc.oneof(text, fc.constant('')),
    }),
    fc.record({
      type: fc.constant('range' as const),
      field: fieldName,
      low: fc.record({ value: fc.option(text, { nil: null }), inclusive: fc.boolean() }),
      high: fc.record({ value: fc.option(text, { nil: null }), inclusive: fc.boolean() }),
    }),
    fc.record({ type: fc.constant('exists' as const), field: fieldName }),
  );
  const tree = fc.letrec<{ node: QueryNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ type: fc.constant('not' as const), item: tie('node') }),
      fc.record({
        type: fc.constantFrom('and' as const, 'or' as const),
        items: fc.array(tie('node'), { minLength: 2, maxLength: 3 }),
      }),
    ),
  })).node;

  /** What parsing gives for a tree: nested AND/OR of the same kind flattened. */
  function normalise(n: QueryNode): QueryNode {
    if (n.type === 'not') return { type: 'not', item: normalise(n.item) };
    if (n.type === 'and' || n.type === 'or') {
      const items = n.items.map(normalise).flatMap((i) => (i.type === n.type ? i.items : [i]));
      return { type: n.type, items };
    }
    return n;
  }

  it('round-trips: printing a tree and parsing it back gives the same tree', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const printed = printQuery(t);
        expect(p(printed)).toEqual(normalise(t));
      }),
      { numRuns: 1000 },
    );
  });
});

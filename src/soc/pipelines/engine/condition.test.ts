/**
 * The `if:` conditions: each operator, the combinators, lists, raw-event fields, and that nothing is
 * evaluated as code.
 */
import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../contracts.ts';
import { compileCondition } from './condition.ts';
import { parseSource } from './yaml-reader.ts';

const raw: RawEvent = {
  input: 'syslog-tcp',
  kind: 'syslog-tcp',
  receivedAt: 0,
  text: '<13>hello',
  peer: '10.0.0.9',
};
const doc = {
  event: { code: 4624, category: ['authentication', 'session'] },
  user: { name: 'Admin' },
  message: 'Accepted password for root',
  'flat.key': 'yes',
};

function holds(yaml: string): boolean {
  const { root, source } = parseSource(yaml);
  return compileCondition(root, source)(doc, raw);
}

describe('conditions', () => {
  it('equals compares scalars as text, optionally ignoring case', () => {
    expect(holds("{ field: event.code, equals: '4624' }")).toBe(true);
    expect(holds('{ field: event.code, equals: 4625 }')).toBe(false);
    expect(holds('{ field: user.name, equals: admin }')).toBe(false);
    expect(holds('{ field: user.name, equals: admin, ignore_case: true }')).toBe(true);
  });

  it('exists, including a flat dotted key', () => {
    expect(holds('{ field: user.name, exists: true }')).toBe(true);
    expect(holds('{ field: user.id, exists: false }')).toBe(true);
    expect(holds('{ field: flat.key, exists: true }')).toBe(true);
  });

  it('in, regex, contains, starts_with, ends_with; a list field matches by any item', () => {
    expect(holds('{ field: event.category, in: [session, web] }')).toBe(true);
    expect(holds('{ field: event.category, equals: authentication }')).toBe(true);
    expect(holds("{ field: message, regex: '^Accepted \\w+ for' }")).toBe(true);
    expect(holds('{ field: message, contains: PASSWORD, ignore_case: true }')).toBe(true);
    expect(holds('{ field: message, starts_with: Accepted }')).toBe(true);
    expect(holds('{ field: message, ends_with: admin }')).toBe(false);
  });

  it('all, any, not', () => {
    expect(
      holds('{ all: [{ field: user.name, exists: true }, { not: { field: message, contains: Failed } }] }'),
    ).toBe(true);
    expect(holds('{ any: [{ field: user.id, exists: true }, { field: event.code, in: [1, 2] }] }')).toBe(
      false,
    );
  });

  it('reads the raw event through $kind, $input, $text and $peer', () => {
    expect(holds('{ field: $kind, in: [syslog-tcp, syslog-udp] }')).toBe(true);
    expect(holds('{ field: $input, equals: syslog-tcp }')).toBe(true);
    expect(holds("{ field: $text, regex: '^<\\d+>' }")).toBe(true);
    expect(holds('{ field: $peer, starts_with: 10. }')).toBe(true);
  });

  it('treats an expression as a plain string (no evaluation)', () => {
    expect(holds("{ field: message, equals: 'process.exit(1)' }")).toBe(false);
  });

  it('refuses malformed conditions at their position', () => {
    expect(() => holds('{ field: a }')).toThrow(/line 1, column 1: condition: give exactly one of/);
    expect(() => holds('{ field: a, equals: 1, in: [1] }')).toThrow(/give exactly one/);
    expect(() => holds("{ field: a, regex: '(' }")).toThrow(/invalid regex/);
    expect(() => holds('{ field: $nope, exists: true }')).toThrow(/unknown raw field/);
    expect(() => holds('{ any: [] }')).toThrow(/non-empty list/);
    expect(() => holds('{ field: a, equals: 1, frob: 2 }')).toThrow(/unknown option "frob"/);
  });
});

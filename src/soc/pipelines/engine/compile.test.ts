/**
 * Loading pipelines: what a valid source compiles to, and every kind of mistake reported at its line and
 * column.
 */
import { describe, expect, it } from 'vitest';
import { load } from './testing.ts';
import { PipelineSourceError } from './yaml-reader.ts';

function errorOf(source: string): PipelineSourceError {
  try {
    load(source);
  } catch (err) {
    if (err instanceof PipelineSourceError) return err;
    throw err;
  }
  throw new Error('loaded without error');
}

describe('loading a pipeline', () => {
  it('reads id, name, description, priority, match and processors', () => {
    const p = load(`id: my-app
name: Ứng dụng của tôi
description: Lines of my app
priority: 120
match: { field: log.syslog.appname, equals: my-app }
processors:
  - set: { field: a, value: 1 }
  - drop: { if: { field: a, equals: 2 } }
`);
    expect(p).toMatchObject({
      id: 'my-app',
      name: 'Ứng dụng của tôi',
      description: 'Lines of my app',
      priority: 120,
      processorCount: 2,
    });
    expect(p.match).not.toBeNull();
  });

  const cases: [string, string, number, number, RegExp][] = [
    ['YAML syntax', 'id: a\nname: [x\n', 3, 1, /.+/],
    [
      'an unknown processor',
      'id: a\nname: A\nprocessors:\n  - grokk: { field: m }\n',
      4,
      5,
      /unknown processor "grokk"/,
    ],
    [
      'an unknown option',
      'id: a\nname: A\nprocessors:\n  - set:\n      field: a\n      value: 1\n      overide: false\n',
      7,
      7,
      /unknown option "overide"/,
    ],
    [
      'a missing option',
      'id: a\nname: A\nprocessors:\n  - rename: { field: a }\n',
      4,
      13,
      /"target_field" is required/,
    ],
    [
      'a bad grok pattern',
      "id: a\nname: A\nprocessors:\n  - grok:\n      patterns:\n        - '%{INT:n}'\n        - '%{NOPE:x}'\n",
      7,
      11,
      /unknown grok pattern %\{NOPE\}/,
    ],
    [
      'a bad date pattern',
      "id: a\nname: A\nprocessors:\n  - date: { field: t, formats: ['yyyy-QQ'] }\n",
      4,
      33,
      /unknown letter "Q"/,
    ],
    [
      'a bad condition',
      "id: a\nname: A\nprocessors:\n  - set: { field: a, value: 1, if: { field: b, regex: '[' } }\n",
      4,
      55,
      /invalid regex/,
    ],
    ['a bad id', 'id: Bad Id\nname: A\nprocessors: []\n', 1, 5, /lower-case letters/],
    ['a missing name', 'id: a\nprocessors: []\n', 1, 1, /"name" is required/],
    [
      'processors that are not a list',
      'id: a\nname: A\nprocessors: { set: {} }\n',
      3,
      13,
      /must be a list of processors/,
    ],
    [
      'a processor with two types',
      'id: a\nname: A\nprocessors:\n  - { set: { field: a, value: 1 }, drop: {} }\n',
      4,
      5,
      /one key, its type/,
    ],
    [
      'an unknown top-level key',
      'id: a\nname: A\nprocesors: []\nprocessors: []\n',
      3,
      1,
      /unknown option "procesors"/,
    ],
    ['a duplicate key', 'id: a\nid: b\nname: A\nprocessors: []\n', 2, 1, /.+/],
    [
      'a wrong convert type',
      'id: a\nname: A\nprocessors:\n  - convert: { field: a, type: number }\n',
      4,
      32,
      /type must be one of/,
    ],
    [
      'a bad time zone',
      'id: a\nname: A\nprocessors:\n  - date: { field: a, formats: [ISO8601], timezone: Mars/Olympus }\n',
      4,
      53,
      /unknown time zone/,
    ],
  ];
  it.each(cases)('reports %s at its line and column', (_what, source, line, column, reason) => {
    const err = errorOf(source);
    expect(err.reason).toMatch(reason);
    expect([err.line, err.column]).toEqual([line, column]);
  });
});

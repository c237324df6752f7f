/**
 * Each processor of the engine on small inline pipelines.
 */
import { describe, expect, it } from 'vitest';
import { loadPipeline } from './compile.ts';
import { runProcessors } from './testing.ts';

const doc = (processors: string, text: string) => {
  const o = runProcessors(processors, { text });
  expect(o.error).toBeNull();
  return o.event.doc;
};

describe('grok', () => {
  it('captures typed fields into nested paths with the first pattern that matches', () => {
    const d = doc(
      `  - grok:
      patterns:
        - '^%{IP:source.ip} port %{POSINT:source.port:int} took %{NUMBER:event.duration:float} ok=%{WORD:ok:boolean}$'
        - '^%{GREEDYDATA:other}$'`,
      '2001:db8::1 port 8080 took 1.5 ok=true',
    );
    expect(d).toMatchObject({
      source: { ip: '2001:db8::1', port: 8080 },
      event: { duration: 1.5 },
      ok: true,
    });
    expect(d.other).toBeUndefined();
  });

  it('numbers nested captures of library patterns correctly (SYSLOGPROG inside a named capture)', () => {
    const d = doc(`  - grok: { patterns: ['^%{SYSLOGPROG:prog}: %{GREEDYDATA:rest}$'] }`, 'sshd[42]: hello');
    expect(d).toMatchObject({ prog: 'sshd[42]', process: { name: 'sshd', pid: 42 }, rest: 'hello' });
  });

  it("uses pattern_definitions and makes the author's own groups non-capturing", () => {
    const d = doc(
      `  - grok:
      pattern_definitions: { TICKET: '(TS|IR)-\\d+' }
      patterns: ['^(a|b) %{TICKET:ticket} (x)$']`,
      'a IR-12 x',
    );
    expect(d.ticket).toBe('IR-12');
  });

  it('fails when no pattern matches, naming the field', () => {
    const o = runProcessors(`  - grok: { patterns: ['^%{INT:n}$'] }`, { text: 'abc' });
    expect(o.error).toContain('grok: no grok pattern matched field "message"');
  });

  const library: [string, string, string][] = [
    ['WORD', 'hello_1', ' '],
    ['NOTSPACE', 'a/b:c', ''],
    ['INT', '-42', 'x'],
    ['NUMBER', '3.14', 'x'],
    ['POSINT', '7', '0'],
    ['IP', '10.0.0.1', '999.1.1.1'],
    ['IPV4', '192.0.2.255', '1.2.3'],
    ['IPV6', 'fe80::1%eth0', 'xyz'],
    ['HOSTNAME', 'dichvucong.tinhso.gov.vn', '-bad'],
    ['IPORHOST', 'web01', ''],
    ['USERNAME', 'nguyen.van-a', ' '],
    ['USER', 'root', ''],
    ['URIPATH', '/a/b.php', 'a'],
    ['URIPARAM', '?q=1&x=y', 'q=1'],
    ['QS', '"quoted \\" string"', 'unquoted'],
    ['SYSLOGTIMESTAMP', 'Mar  5 10:00:01', '2024-03-05'],
    ['HTTPDATE', '05/Mar/2024:10:00:01 +0700', '05/03/2024'],
    ['TIMESTAMP_ISO8601', '2024-03-05T10:00:01.123+07:00', 'Mar 5'],
    ['LOGLEVEL', 'WARNING', 'verbose'],
    ['DATA', '', '\n'],
    ['GREEDYDATA', 'anything at all', '\n'],
  ];
  it.each(library)('%s matches a sample whole and refuses another', (name, good, bad) => {
    const p = loadPipeline(`id: t\nname: T\nprocessors:\n  - grok: { patterns: ['^%{${name}:v}$'] }`, {
      geoip: null,
      pipeline: () => undefined,
    });
    expect(p).toBeDefined();
    const ok = runProcessors(`  - grok: { patterns: ['^%{${name}:v}$'] }`, { text: good });
    expect(ok.error).toBeNull();
    if (good !== '') expect(ok.event.doc.v).toBe(good);
    expect(runProcessors(`  - grok: { patterns: ['^%{${name}:v}$'] }`, { text: bad }).error).not.toBeNull();
  });
});

describe('dissect', () => {
  it('splits on the literal text between keys, with padding, skips and appends', () => {
    const d = doc(
      `  - dissect: { pattern: '[%{ts}] %{level->} %{?skip} %{+ts} %{msg}' }`,
      '[10:00] INFO     x 2024 rest of it',
    );
    expect(d).toMatchObject({ ts: '10:00 2024', level: 'INFO', msg: 'rest of it' });
    expect(d.skip).toBeUndefined();
  });
});

describe('kv', () => {
  it('reads quoted values, prefixes, include and exclude lists, into a target', () => {
    const d = doc(
      `  - kv: { target_field: fw, prefix: 'x_', exclude_keys: [skip] }`,
      'a=1 msg="hello world" skip=no empty= b=\'q v\'',
    );
    expect(d.fw).toEqual({ x_a: '1', x_msg: 'hello world', x_empty: '', x_b: 'q v' });
  });

  it('splits on other separators and keeps only included keys', () => {
    const d = doc(
      `  - kv: { field_split: ';', value_split: ':', include_keys: [user] }`,
      'user:an;role:admin',
    );
    expect(d).toMatchObject({ user: 'an' });
    expect(d.role).toBeUndefined();
  });

  it('takes values up to the next key with greedy_values (CEF extensions)', () => {
    const d = doc(
      `  - kv: { target_field: ext, greedy_values: true }`,
      'msg=a b c src=1.2.3.4 path=C:\\\\x\\=y',
    );
    expect(d.ext).toEqual({ msg: 'a b c', src: '1.2.3.4', path: 'C:\\x=y' });
  });

  it('never writes into Object.prototype, whatever the keys of a line', () => {
    const o = runProcessors(
      '  - kv: {}\n  - kv: { target_field: t }\n  - json: { field: j, ignore_missing: true }',
      {
        text: '__proto__.polluted=1 constructor.prototype.polluted=2 __proto__=3 ok=4',
      },
    );
    expect(o.error).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(o.event.doc).toMatchObject({ ok: '4', t: { ok: '4' } });
    const j = runProcessors('  - json: { field: message }', {
      text: '{"__proto__": {"polluted": 1}, "a": 1}',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(j.event.doc)).toBe(Object.prototype);
  });

  it('fails when there is no pair', () => {
    expect(runProcessors('  - kv: {}', { text: 'no pairs here' }).error).toContain('no key=value pairs');
  });
});

describe('json and csv', () => {
  it('parses JSON into the root or a target, and fails on bad JSON', () => {
    expect(doc('  - json: { field: message }', '{"a":{"b":1}}')).toMatchObject({ a: { b: 1 } });
    expect(doc('  - json: { field: message, target_field: j }', '[1,2]').j).toEqual([1, 2]);
    expect(runProcessors('  - json: { field: message }', { text: '{bad' }).error).toContain('is not JSON');
  });

  it('splits CSV with quotes, skipped columns, trimming and empty values', () => {
    const d = doc(
      `  - csv: { target_fields: [a, null, c, d, e], trim: true, empty_value: none }`,
      '1,skip," quoted, ""with"" comma ",,last',
    );
    expect(d).toMatchObject({ a: '1', c: 'quoted, "with" comma', d: 'none', e: 'last' });
  });
});

describe('date', () => {
  const at = (formats: string, value: string, extra = '') =>
    runProcessors(
      `  - set: { field: t, value: '${value}' }\n  - date: { field: t, formats: ${formats}${extra} }`,
      {
        text: '',
      },
    ).event.doc['@timestamp'];

  it('reads ISO 8601 with an offset, and without one in Asia/Ho_Chi_Minh by default', () => {
    expect(at('[ISO8601]', '2024-03-05T10:00:00.5Z')).toBe('2024-03-05T10:00:00.500Z');
    expect(at('[ISO8601]', '2024-03-05 10:00:00')).toBe('2024-03-05T03:00:00.000Z');
  });

  it('reads UNIX seconds and milliseconds', () => {
    expect(at('[UNIX]', '1709607600.25')).toBe('2024-03-05T03:00:00.250Z');
    expect(at('[UNIX_MS]', '1709607600250')).toBe('2024-03-05T03:00:00.250Z');
  });

  it('infers the year of syslog times, going back a year near New Year', () => {
    expect(at('[SYSLOG]', 'Mar  5 09:59:00')).toBe('2024-03-05T02:59:00.000Z');
    const o = runProcessors(`  - date: { field: message, formats: [SYSLOG] }`, {
      text: 'Dec 31 23:00:00',
      receivedAt: Date.parse('2025-01-01T01:00:00Z'),
    });
    expect(o.event.doc['@timestamp']).toBe('2024-12-31T16:00:00.000Z');
  });

  it('reads HTTPDATE and custom patterns, in another zone when told', () => {
    expect(at('[HTTPDATE]', '05/Mar/2024:10:00:00 +0000')).toBe('2024-03-05T10:00:00.000Z');
    expect(at("['dd/MM/yyyy HH:mm']", '05/03/2024 10:00')).toBe('2024-03-05T03:00:00.000Z');
    expect(at("['yyyy-MM-dd hh:mm a']", '2024-03-05 02:30 PM', ', timezone: UTC')).toBe(
      '2024-03-05T14:30:00.000Z',
    );
    // Berlin is UTC+1 in winter and UTC+2 in summer.
    expect(at('[ISO8601]', '2024-01-10T12:00:00', ', timezone: Europe/Berlin')).toBe(
      '2024-01-10T11:00:00.000Z',
    );
    expect(at('[ISO8601]', '2024-07-10T12:00:00', ', timezone: Europe/Berlin')).toBe(
      '2024-07-10T10:00:00.000Z',
    );
  });

  it('fails on a value that matches no format, and writes to target_field', () => {
    expect(
      runProcessors('  - date: { field: message, formats: [ISO8601] }', { text: 'soon' }).error,
    ).toContain('matches none of the date formats');
    const o = runProcessors('  - date: { field: message, formats: [ISO8601], target_field: event.start }', {
      text: '2024-03-05T00:00:00Z',
    });
    expect(o.event.doc.event).toMatchObject({ start: '2024-03-05T00:00:00.000Z' });
  });
});

describe('field processors', () => {
  it('rename, set (override, copy, template, merge), remove, append', () => {
    const d = doc(
      `  - grok: { patterns: ['^%{WORD:a} %{WORD:b}$'] }
  - rename: { field: a, target_field: x.y }
  - set: { field: b, value: kept, override: false }
  - set: { field: c, copy_from: x.y }
  - set: { field: d, value: '{{x.y}}-{{b}}' }
  - set: { field: event, merge: true, value: { category: [web], type: [access] } }
  - set: { field: event, merge: true, value: { kind: alert } }
  - append: { field: tags, value: [t1, t1, t2] }
  - remove: { field: [b, missing] }`,
      'one two',
    );
    expect(d).toMatchObject({
      x: { y: 'one' },
      c: 'one',
      d: 'one-two',
      event: { category: ['web'], type: ['access'], kind: 'alert' },
    });
    expect(d.tags).toEqual(['t1', 't2']);
    expect(d.a).toBeUndefined();
    expect(d.b).toBeUndefined();
  });

  it('convert to integer, float, boolean, ip and string, failing on bad values', () => {
    const d = doc(
      `  - set: { field: v, value: { i: ' 42 ', f: '1.5', b: 'yes', ip: '10.0.0.1', s: 7, list: ['1', '2'] } }
  - convert: { field: v.i, type: integer }
  - convert: { field: v.f, type: float }
  - convert: { field: v.b, type: boolean }
  - convert: { field: v.ip, type: ip }
  - convert: { field: v.s, type: string }
  - convert: { field: v.list, type: integer, target_field: v.nums }`,
      '',
    );
    expect(d.v).toMatchObject({ i: 42, f: 1.5, b: true, ip: '10.0.0.1', s: '7', nums: [1, 2] });
    expect(runProcessors('  - convert: { field: message, type: ip }', { text: 'web01' }).error).toContain(
      'is not an IP address',
    );
    expect(runProcessors('  - convert: { field: message, type: integer }', { text: '1.5' }).error).toContain(
      'is not an integer',
    );
  });

  it('lowercase, uppercase, trim, gsub, split', () => {
    const d = doc(
      `  - set: { field: a, value: ' MiXeD ' }
  - trim: { field: a }
  - lowercase: { field: a, target_field: low }
  - uppercase: { field: a, target_field: up }
  - gsub: { field: message, pattern: '[:]', replacement: '' }
  - split: { field: message, separator: ',', target_field: parts }`,
      'a:b,c',
    );
    expect(d).toMatchObject({ a: 'MiXeD', low: 'mixed', up: 'MIXED', message: 'ab,c', parts: ['ab', 'c'] });
  });

  it('translate with fallback, case folding and merge', () => {
    const d = doc(
      `  - translate: { field: message, target_field: level, ignore_case: true, dictionary: { WARN: warning }, fallback: unknown }
  - translate: { field: level, target_field: event, merge: true, dictionary: { warning: { severity: 4, type: [info] } } }`,
      'warn',
    );
    expect(d).toMatchObject({ level: 'warning', event: { severity: 4, type: ['info'] } });
    expect(
      doc('  - translate: { field: message, target_field: l, dictionary: { a: b }, fallback: z }', 'q').l,
    ).toBe('z');
  });

  it('move_fields (with dots expanded) and fields_from_list', () => {
    const o = runProcessors(
      `  - move_fields: { to: vendor.rec, expand_dots: true }
  - fields_from_list: { field: vendor.rec.props, value_key: Value, target_field: data, names_by: vendor.rec.id, names: { '7': [first, null, third] } }`,
      {
        doc: {
          '@timestamp': '2024-03-05T00:00:00Z',
          'id.orig_h': '10.0.0.1',
          id: 7,
          props: [{ Value: 'a' }, { Value: 'b' }, { Value: 3 }],
        },
      },
    );
    expect(o.error).toBeNull();
    expect(o.event.doc).toMatchObject({ vendor: { rec: { id: { orig_h: '10.0.0.1' } } } });
    expect(o.event.doc['@timestamp']).toBe('2024-03-05T00:00:00.000Z');
  });

  it('fields_from_list by a key', () => {
    const d = runProcessors(
      `  - fields_from_list: { field: p, value_key: Value, target_field: data, names_by: k, names: { '7': [first, null, third] } }`,
      { doc: { k: 7, p: [{ Value: 'a' }, { Value: 'b' }, { Value: 3 }] } },
    ).event.doc;
    expect(d.data).toEqual({ first: 'a', third: '3' });
  });

  it('drop marks the event dropped, only when its condition holds', () => {
    const kept = runProcessors(
      `  - drop: { if: { field: message, equals: noise } }\n  - set: { field: x, value: 1 }`,
      {
        text: 'signal',
      },
    );
    expect(kept.dropped).toBe(false);
    expect(kept.event.doc.x).toBe(1);
    const dropped = runProcessors(
      `  - drop: { if: { field: message, equals: noise } }\n  - set: { field: x, value: 1 }`,
      {
        text: 'noise',
      },
    );
    expect(dropped.dropped).toBe(true);
    expect(dropped.event.doc.x).toBeUndefined();
    expect(runProcessors('  - drop:', { text: 'x' }).dropped).toBe(true);
  });

  it('pipeline calls another pipeline, and refuses to loop forever', () => {
    const other = loadPipeline(
      'id: other\nname: O\nprocessors:\n  - set: { field: from_other, value: true }\n',
      {
        geoip: null,
        pipeline: () => undefined,
      },
    );
    expect(runProcessors('  - pipeline: { name: other }', { text: '' }, [other]).event.doc.from_other).toBe(
      true,
    );
    expect(runProcessors('  - pipeline: { name: missing }', { text: '' }).error).toContain('does not exist');
    expect(runProcessors('  - pipeline: { name: t }', { text: '' }).error).toContain('more than 5 deep');
  });
});

describe('failures', () => {
  it('on_failure of a processor handles its failure with {{$error}}; ignore_failure skips it', () => {
    const d = doc(
      `  - grok:
      patterns: ['^%{INT:n}$']
      on_failure:
        - set: { field: why, value: '{{$error}}' }
  - convert: { field: message, type: integer, ignore_failure: true }
  - set: { field: after, value: yes }`,
      'abc',
    );
    expect(d.why).toContain('grok: no grok pattern matched');
    expect(d.after).toBe('yes');
  });

  it('the pipeline on_failure handles any processor failure; the tag is its choice', () => {
    const p = loadPipeline(
      `id: t
name: T
processors:
  - fail: { message: 'bad {{message}}' }
on_failure:
  - set: { field: error.message, value: '{{$error}}' }
  - append: { field: tags, value: handled }`,
      { geoip: null, pipeline: () => undefined },
    );
    const run = {
      raw: { input: 'x', kind: 'file' as const, receivedAt: 0 },
      dropped: false,
      depth: 0,
      lastError: '',
    };
    const d: Record<string, unknown> = { message: 'line' };
    p.run(d, run);
    expect(d).toMatchObject({ error: { message: 'fail: bad line' }, tags: ['handled'] });
  });
});

/**
 * Choosing the pipeline of an event, finishing the ECS document, keeping failed events raw, and the
 * property that `process()` never throws whatever arrives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputKind, RawEvent } from '../contracts.ts';
import { PARSE_ERROR_TAG } from '../processing/processor.ts';
import { load, rawEvent } from './engine/testing.ts';
import { runEvent } from './normalise.ts';
import { PipelineSet } from './pipeline-set.ts';
import { isDropped, PipelineRuntime } from './runtime.ts';

const mark = (id: string, priority: number, match: string) =>
  load(
    `id: ${id}\nname: ${id}\npriority: ${priority}\n${match ? `match: ${match}\n` : ''}processors:\n  - set: { field: by, value: ${id} }\n`,
  );

const shipped = [
  mark('syslog', 0, ''),
  mark('json', 0, ''),
  mark('vendor', 100, '{ field: log.syslog.appname, equals: app }'),
  mark('low', 10, '{ field: log.syslog.appname, equals: app }'),
];

function chosen(set: PipelineSet, raw: Partial<RawEvent>): string | null {
  return runEvent(set, rawEvent(raw)).pipeline;
}

describe('choosing the pipeline', () => {
  const syslogDoc = { message: 'x', log: { syslog: { appname: 'app' } } };

  it('takes the input hint first, then match by priority, then the generic fallback', () => {
    const set = new PipelineSet(shipped, []);
    expect(chosen(set, { kind: 'syslog-udp', doc: syslogDoc, pipeline: 'low' })).toBe('low');
    expect(chosen(set, { kind: 'syslog-udp', doc: syslogDoc })).toBe('vendor');
    // An unknown hint is ignored, not fatal.
    expect(chosen(set, { kind: 'syslog-udp', doc: syslogDoc, pipeline: 'gone' })).toBe('vendor');
    expect(chosen(set, { kind: 'syslog-tcp', doc: { message: 'other' } })).toBe('syslog');
    expect(chosen(set, { kind: 'file', text: 'a line' })).toBe('syslog');
    expect(chosen(set, { kind: 'http', doc: { a: 1 } })).toBe('json');
  });

  it('puts an operator pipeline before a shipped one of the same priority, and lets it override by id', () => {
    const mine = mark('mine', 100, '{ field: log.syslog.appname, equals: app }');
    expect(chosen(new PipelineSet(shipped, [mine]), { kind: 'syslog-udp', doc: syslogDoc })).toBe('mine');
    const override = mark('vendor', 100, '{ field: log.syslog.appname, equals: other }');
    const set = new PipelineSet(shipped, [override]);
    expect(chosen(set, { kind: 'syslog-udp', doc: syslogDoc })).toBe('low');
    expect(runEvent(set, rawEvent({ pipeline: 'vendor', text: 'x' })).event.doc.by).toBe('vendor');
  });
});

describe('finishing the document', () => {
  const runtime = new PipelineRuntime(null);

  it('sets @timestamp, log.source.address, event.ingested and appends the input tags', () => {
    const e = runtime.process({
      input: 'http',
      kind: 'http',
      receivedAt: Date.parse('2024-03-05T03:00:05Z'),
      peer: '10.20.0.30',
      tags: ['truncated', 'mine'],
      doc: { '@timestamp': '2024-03-05T10:00:00+07:00', message: 'm', tags: ['mine'] },
    });
    expect(e.ts).toBe(Date.parse('2024-03-05T03:00:00Z'));
    expect(e.doc).toMatchObject({
      '@timestamp': '2024-03-05T03:00:00.000Z',
      log: { source: { address: '10.20.0.30' } },
      event: { ingested: '2024-03-05T03:00:05.000Z', kind: 'event' },
      tags: ['mine', 'truncated'],
    });
    expect(e.input).toBe('http');
  });

  it('puts column-backed fields in their column types (an IP that is not one moves to address)', () => {
    const e = runtime.process({
      input: 'http',
      kind: 'http',
      receivedAt: 0,
      doc: {
        source: { ip: 'web01', port: '8080' },
        destination: { ip: '10.0.0.1', port: 'x' },
        event: { category: 'web', severity: '3' },
      },
    });
    expect(e.doc).toMatchObject({
      source: { address: 'web01', port: 8080 },
      destination: { ip: '10.0.0.1' },
      event: { category: ['web'], severity: 3 },
    });
    expect((e.doc.source as Record<string, unknown>).ip).toBeUndefined();
    expect((e.doc.destination as Record<string, unknown>).port).toBeUndefined();
  });

  it('keeps a failed event as received, with event.original, error.message and the parse-error tag', () => {
    const raw: RawEvent = {
      input: 'file:1',
      kind: 'file',
      receivedAt: Date.parse('2024-03-05T03:00:05Z'),
      text: 'not nginx',
      pipeline: 'nginx',
      tags: ['from-file'],
      peer: '10.0.0.2',
    };
    const e = runtime.process(raw);
    expect(e.doc).toMatchObject({
      message: 'not nginx',
      event: { original: 'not nginx', kind: 'pipeline_error' },
      tags: ['from-file', PARSE_ERROR_TAG],
      log: { source: { address: '10.0.0.2' } },
      '@timestamp': '2024-03-05T03:00:05.000Z',
    });
    expect((e.doc.error as { message: string }).message).toMatch(/^\[nginx\] /);
    // A document keeps its fields, untouched by the processors that ran before the failure.
    const docRaw: RawEvent = {
      input: 'http',
      kind: 'http',
      receivedAt: 0,
      doc: { event_type: 'alert', timestamp: 'never' },
      pipeline: 'suricata',
    };
    const failed = runtime.process(docRaw).doc;
    expect(failed).toMatchObject({ event_type: 'alert', timestamp: 'never', tags: [PARSE_ERROR_TAG] });
    expect(JSON.parse((failed.event as { original: string }).original)).toEqual(docRaw.doc);
    expect(docRaw.doc).toEqual({ event_type: 'alert', timestamp: 'never' });
  });

  it('marks events a drop processor discarded', () => {
    const rt = new PipelineRuntime(null);
    rt.setOperatorPipelines([
      load('id: noise\nname: N\nmatch: { field: message, equals: ping }\nprocessors:\n  - drop:\n'),
    ]);
    expect(isDropped(rt.process({ input: 'h', kind: 'http', receivedAt: 0, doc: { message: 'ping' } }))).toBe(
      true,
    );
    expect(isDropped(rt.process({ input: 'h', kind: 'http', receivedAt: 0, doc: { message: 'pong' } }))).toBe(
      false,
    );
  });
});

describe('process() never throws', () => {
  const runtime = new PipelineRuntime(null);
  const kinds: InputKind[] = [
    'syslog-udp',
    'syslog-tcp',
    'syslog-tls',
    'http',
    'bulk',
    'file',
    'audit',
    'lgsp',
  ];
  const pipelineIds = [
    'linux-auth',
    'nginx',
    'apache',
    'suricata',
    'zeek',
    'windows',
    'fortigate',
    'pfsense',
    'cisco-asa',
    'tinhso-audit',
    'tinhso-lgsp',
    'cef',
    'leef',
    'syslog',
    'json',
    'unknown',
  ];
  // Documents shaped like the ones pipelines look into, with arbitrary values where fields are expected.
  const shaped = fc.record(
    {
      message: fc.oneof(
        fc.string(),
        fc.constant('Accepted password for a from 1.2.3.4 port 1 ssh2'),
        fc.anything(),
      ),
      log: fc.record({
        syslog: fc.record(
          { appname: fc.constantFrom('sshd', 'sudo', 'nginx', 'filterlog', 'x'), hostname: fc.anything() },
          { requiredKeys: [] },
        ),
      }),
      event_type: fc.constantFrom('alert', 'flow', 'dns', 'http', 'tls'),
      timestamp: fc.oneof(fc.string(), fc.integer()),
      _path: fc.constantFrom('conn', 'dns', 'http', 'ssl', 'notice'),
      uid: fc.string(),
      winlog: fc.record(
        {
          event_id: fc.oneof(fc.constantFrom('4624', '4625', '1', '3'), fc.anything()),
          channel: fc.string(),
          event_data: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      Properties: fc.anything(),
      '@timestamp': fc.oneof(fc.string(), fc.double(), fc.anything()),
      source: fc.anything(),
      tags: fc.anything(),
      event: fc.anything(),
      cef: fc.anything(),
      leef: fc.anything(),
    },
    { requiredKeys: [] },
  );
  const raws = fc.record(
    {
      input: fc.string(),
      kind: fc.constantFrom(...kinds),
      receivedAt: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.double()),
      peer: fc.string(),
      text: fc.oneof(
        fc.string(),
        fc.constantFrom(
          '%ASA-6-302013: Built',
          'CEF:0|a|b|c|d|e|f|src=x',
          'LEEF:2.0|a|b|c|d|^|x=y',
          'date=1 devid=FG logid=0000000013',
        ),
      ),
      doc: fc.oneof(shaped, fc.dictionary(fc.string(), fc.anything())),
      pipeline: fc.constantFrom(...pipelineIds),
      tags: fc.array(fc.string()),
    },
    { requiredKeys: ['input', 'kind', 'receivedAt'] },
  );

  it('returns an event for arbitrary raw events, and a parse-error tag whenever it failed', () => {
    fc.assert(
      fc.property(raws, (raw) => {
        const outcome = runtime.run(raw as RawEvent);
        expect(typeof outcome.event.ts).toBe('number');
        expect(outcome.event.doc).toBeTypeOf('object');
        if (outcome.error !== null) expect(outcome.event.doc.tags).toContain(PARSE_ERROR_TAG);
      }),
      { numRuns: 2000 },
    );
  });
});

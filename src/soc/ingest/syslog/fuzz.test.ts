import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCef } from './cef.ts';
import { parseLeef } from './leef.ts';
import { parseSyslog } from './parse.ts';
import { toRawEvent } from './raw-event.ts';

const syslogish = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .tuple(
      fc.integer({ min: -5, max: 300 }),
      fc.constantFrom('1 ', '', 'Oct 11 22:14:15 ', '2024-02-30T25:61:00Z ', '1 - - - - - '),
      fc.string(),
    )
    .map(([p, h, rest]) => `<${p}>${h}${rest}`),
  fc.string().map((s) => `<13>1 2024-01-01T00:00:00Z h a p m [${s}`),
  fc.string().map((s) => `CEF:0|${s}`),
  fc.string().map((s) => `LEEF:2.0|${s}`),
);

describe('parsers never throw', () => {
  it('parseSyslog returns a document with a message for any text', () => {
    fc.assert(
      fc.property(syslogish, fc.integer({ min: 0, max: 4_102_444_800_000 }), (text, nowMs) => {
        const { doc } = parseSyslog(text, { nowMs });
        expect(typeof doc.message).toBe('string');
        if (doc['@timestamp']) expect(Number.isNaN(Date.parse(doc['@timestamp']))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseCef and parseLeef accept anything', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseCef(`CEF:0|${s}`);
        parseLeef(`LEEF:1.0|${s}`);
        parseLeef(`LEEF:2.0|${s}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('toRawEvent turns any bytes into an event under the size limit', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom(undefined, 'windows-1258', 'shift_jis'),
        (bytes, charset) => {
          const e = toRawEvent(Buffer.from(bytes), false, {
            input: 'syslog-tcp',
            kind: 'syslog-tcp',
            maxBytes: 256,
            receivedAt: 0,
            charset,
          });
          expect(typeof e.text).toBe('string');
          expect(e.doc).toBeDefined();
        },
      ),
      { numRuns: 1000 },
    );
  });
});

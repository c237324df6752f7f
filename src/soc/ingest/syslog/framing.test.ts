import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Frame, SyslogFramer } from './framing.ts';

function frames(chunks: Buffer[], max = 1 << 20): Frame[] {
  const framer = new SyslogFramer(max);
  const out: Frame[] = [];
  for (const c of chunks) framer.push(c, out);
  framer.end(out);
  return out;
}
const texts = (fs: Frame[]) => fs.map((f) => f.bytes.toString());

describe('RFC 6587 framing over TCP', () => {
  it('reads newline-terminated and octet-counted frames mixed in one stream, detected per frame', () => {
    const stream = Buffer.from('<13>a b\n11 <13>counted\r\n<14>c\n5 x\ny z<15>last');
    expect(texts(frames([stream]))).toEqual(['<13>a b', '<13>counted', '<14>c', 'x\ny z', '<15>last']);
  });

  it('treats digits not followed by a space as the start of a newline-terminated message', () => {
    expect(texts(frames([Buffer.from('12345abc\n007\n')]))).toEqual(['12345abc', '007']);
  });

  it('gives the same messages however the stream is cut into chunks', () => {
    const message = fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((s) => !/^\d/.test(s) && !/[\r\n\0]/.test(s));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(message, fc.boolean()), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (msgs, cuts) => {
          const stream = Buffer.concat(
            msgs.map(([m, counted]) => {
              const b = Buffer.from(m);
              return counted
                ? Buffer.concat([Buffer.from(`${b.length} `), b])
                : Buffer.concat([b, Buffer.from('\n')]);
            }),
          );
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const p of [...points, stream.length]) {
            chunks.push(stream.subarray(prev, p));
            prev = p;
          }
          expect(texts(frames(chunks))).toEqual(msgs.map(([m]) => Buffer.from(m).toString()));
        },
      ),
    );
  });

  it('cuts an oversized counted frame, skips its rest without buffering it, and reads the next frame', () => {
    const framer = new SyslogFramer(100);
    const out: Frame[] = [];
    framer.push(Buffer.from('10000000 '), out);
    let maxHeld = 0;
    for (let i = 0; i < 1000; i++) {
      framer.push(Buffer.alloc(10_000, 0x61), out);
      maxHeld = Math.max(maxHeld, framer.buffered);
    }
    framer.push(Buffer.from('<13>next\n'), out);
    expect(maxHeld).toBeLessThanOrEqual(100);
    expect(out.map((f) => [f.bytes.length, f.truncated])).toEqual([
      [100, true],
      [8, false],
    ]);
  });

  it('cuts an oversized line, skips to its newline, and reads the next line', () => {
    const framer = new SyslogFramer(64);
    const out: Frame[] = [];
    for (let i = 0; i < 100; i++) framer.push(Buffer.alloc(1000, 0x62), out);
    framer.push(Buffer.from('bbb\n<13>after\n'), out);
    expect(framer.buffered).toBe(0);
    expect(out.map((f) => [f.bytes.toString().slice(0, 8), f.truncated])).toEqual([
      ['bbbbbbbb', true],
      ['<13>afte', false],
    ]);
    expect(out[0]?.bytes.length).toBe(64);
  });

  it('keeps a message cut by a disconnect: whole when newline-framed, tagged truncated when counted', () => {
    expect(frames([Buffer.from('<13>no newline')]).map((f) => [f.bytes.toString(), f.truncated])).toEqual([
      ['<13>no newline', false],
    ]);
    expect(frames([Buffer.from('50 <13>only part')]).map((f) => [f.bytes.toString(), f.truncated])).toEqual([
      ['<13>only part', true],
    ]);
  });

  it('never throws on arbitrary bytes, and holds at most the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const framer = new SyslogFramer(128);
        const out: Frame[] = [];
        for (const c of chunks) {
          framer.push(Buffer.from(c), out);
          expect(framer.buffered).toBeLessThanOrEqual(128);
        }
        framer.end(out);
        for (const f of out) expect(f.bytes.length).toBeLessThanOrEqual(128);
      }),
    );
  });
});

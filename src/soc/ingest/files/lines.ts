/**
 * @module soc/ingest/files/lines
 * Splits UTF-8 bytes into lines without ever holding more than `maxBytes` of one line: a longer line keeps
 * its first `maxBytes` and is marked truncated, the rest is skipped up to the next newline. Lines come in
 * arrays (one per input chunk) so a file of millions of lines costs few async steps.
 */

/** One line's bytes (without `\n` or `\r\n`). */
export interface RawRecord {
  bytes: Buffer;
  truncated: boolean;
}

/** The line being assembled across chunks (a class: V8 optimises it better than generator code). */
class LineSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  private truncated = false;

  constructor(private readonly maxBytes: number) {}

  split(chunk: Buffer): RawRecord[] {
    const out: RawRecord[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl < 0) {
        this.take(chunk, from, chunk.length);
        return out;
      }
      if (this.length === 0 && !this.truncated && nl - from <= this.maxBytes) {
        out.push(this.record(chunk.subarray(from, nl), false));
      } else {
        this.take(chunk, from, nl);
        out.push(this.finish());
      }
      from = nl + 1;
    }
  }

  end(): RawRecord[] {
    return this.length > 0 || this.truncated ? [this.finish()] : [];
  }

  private take(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    const room = this.maxBytes - this.length;
    const end = Math.min(to, from + Math.max(room, 0));
    if (end < to) this.truncated = true;
    if (end > from) {
      this.parts.push(chunk.subarray(from, end));
      this.length += end - from;
    }
  }

  private finish(): RawRecord {
    const bytes =
      this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.length);
    const record = this.record(bytes, this.truncated);
    this.parts = [];
    this.length = 0;
    this.truncated = false;
    return record;
  }

  private record(bytes: Buffer, truncated: boolean): RawRecord {
    // A line cut exactly before its \r\n would otherwise keep the \r.
    const end =
      !truncated && bytes.length && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    return { bytes: bytes.subarray(0, end), truncated };
  }
}

/** Yields the lines of `source`, at most `maxBytes` each. */
export async function* splitLines(
  source: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncGenerator<RawRecord[]> {
  const splitter = new LineSplitter(maxBytes);
  for await (const chunk of source) {
    const out = splitter.split(chunk);
    if (out.length) yield out;
  }
  const rest = splitter.end();
  if (rest.length) yield rest;
}

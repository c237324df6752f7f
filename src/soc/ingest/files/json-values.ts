/**
 * @module soc/ingest/files/json-values
 * A streaming splitter of JSON documents: the elements of a top-level array (`Get-WinEvent | ConvertTo-Json`
 * writes one pretty-printed array), or a sequence of top-level values (one object, or several one after the
 * other). It only tracks nesting and strings, never builds the document, so memory stays at one element,
 * at most `maxBytes` of it: a longer element keeps its head and is marked truncated.
 */
import type { RawRecord } from './lines.ts';

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * The scanner's state between chunks. A class with a plain loop rather than code inside the async
 * generator: V8 optimises this byte loop several times better there.
 */
class JsonValueScanner {
  /** Nesting depth of the element being read; 0 = between elements. */
  private depth = 0;
  /** 1 once the document turned out to be one array whose elements are the records. */
  private base = 0;
  private started = false;
  private inString = false;
  private escaped = false;
  /** The element is a bare scalar (number, string, literal): it ends at a comma or the closing bracket. */
  private scalar = false;
  private inElement = false;
  private parts: Buffer[] = [];
  private length = 0;
  private truncated = false;

  constructor(private readonly maxBytes: number) {}

  scan(chunk: Buffer): RawRecord[] {
    const out: RawRecord[] = [];
    let start = this.inElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (!this.inElement) {
        if (isSpace(b) || b === COMMA) continue;
        if (!this.started) {
          this.started = true;
          if (b === OPEN_ARRAY) {
            this.base = 1;
            continue;
          }
        }
        if (this.base === 1 && b === CLOSE_ARRAY) {
          this.base = 0; // the array ended; anything after it is read as further top-level values
          continue;
        }
        this.inElement = true;
        start = i;
        if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth = 1;
        else {
          this.scalar = true;
          this.inString = b === QUOTE;
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        continue;
      }
      if (b === QUOTE) {
        this.inString = true;
        continue;
      }
      if (this.scalar) {
        if (b === COMMA || isSpace(b) || b === CLOSE_ARRAY || b === OPEN_OBJECT || b === OPEN_ARRAY) {
          this.keep(chunk, start, i);
          out.push(this.finish());
          i--; // the delimiter is read again between elements
        }
        continue;
      }
      if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth === 0) {
          this.keep(chunk, start, i + 1);
          out.push(this.finish());
        }
      }
    }
    if (this.inElement) this.keep(chunk, start, chunk.length);
    return out;
  }

  /** The element still open at the end of the input (an unterminated document). */
  end(): RawRecord[] {
    return this.inElement ? [this.finish()] : [];
  }

  private keep(chunk: Buffer, from: number, to: number): void {
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
    const record = { bytes: Buffer.concat(this.parts, this.length), truncated: this.truncated };
    this.parts = [];
    this.length = 0;
    this.truncated = false;
    this.inElement = false;
    this.scalar = false;
    return record;
  }
}

/** Yields each element (or top-level value) of `source` as its bytes. */
export async function* splitJsonValues(
  source: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncGenerator<RawRecord[]> {
  const scanner = new JsonValueScanner(maxBytes);
  for await (const chunk of source) {
    const out = scanner.scan(chunk);
    if (out.length) yield out;
  }
  const rest = scanner.end();
  if (rest.length) yield rest;
}

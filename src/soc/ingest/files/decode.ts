/**
 * @module soc/ingest/files/decode
 * Brings a file's bytes to UTF-8 whatever it was written in: a UTF-8 BOM is dropped, UTF-16 LE/BE (what
 * PowerShell's `Out-File` and `>` write by default, with a BOM) is transcoded chunk by chunk, so a byte-level
 * line splitter and JSON splitter serve every encoding. Invalid UTF-8 is left as is: lines are checked one
 * by one later, so one bad line is tagged instead of the whole file being mangled.
 */
import { TextDecoder } from 'node:util';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Guesses the encoding from the first bytes: a BOM, or the NUL pattern of UTF-16 ASCII text. */
export function sniffEncoding(head: Buffer): { encoding: TextEncoding; bomLength: number } {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: 'utf-8', bomLength: 3 };
  }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  // Without a BOM, JSON or log text starts with an ASCII character: its UTF-16 form has one NUL byte.
  if (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0) {
    return { encoding: 'utf-16le', bomLength: 0 };
  }
  if (head.length >= 4 && head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0) {
    return { encoding: 'utf-16be', bomLength: 0 };
  }
  return { encoding: 'utf-8', bomLength: 0 };
}

/** Re-emits `source` as UTF-8 chunks; reports the encoding it found once the first bytes are seen. */
export async function* toUtf8(
  source: AsyncIterable<Buffer>,
  onEncoding: (encoding: TextEncoding) => void,
): AsyncGenerator<Buffer> {
  let head: Buffer = Buffer.alloc(0);
  let decoder: TextDecoder | null = null;
  let sniffed = false;
  const emit = (chunk: Buffer): Buffer | null => {
    if (!decoder) return chunk;
    const text = decoder.decode(chunk, { stream: true });
    return text ? Buffer.from(text, 'utf8') : null;
  };
  for await (const chunk of source) {
    if (sniffed) {
      const out = emit(chunk);
      if (out) yield out;
      continue;
    }
    head = head.length ? Buffer.concat([head, chunk]) : chunk;
    if (head.length < 4) continue;
    sniffed = true;
    const found = sniffEncoding(head);
    onEncoding(found.encoding);
    if (found.encoding !== 'utf-8') decoder = new TextDecoder(found.encoding);
    const out = emit(head.subarray(found.bomLength));
    if (out?.length) yield out;
  }
  if (!sniffed && head.length) {
    const found = sniffEncoding(head);
    onEncoding(found.encoding);
    if (found.encoding !== 'utf-8') decoder = new TextDecoder(found.encoding);
    const out = emit(head.subarray(found.bomLength));
    if (out?.length) yield out;
  }
  if (decoder) {
    const rest = decoder.decode();
    if (rest) yield Buffer.from(rest, 'utf8');
  }
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/**
 * Decodes one record's bytes. A record cut at the size limit may end inside a character: that partial
 * character is dropped rather than counted as invalid. Invalid bytes become U+FFFD and `valid` is false.
 */
export function decodeRecord(bytes: Buffer, truncated: boolean): { text: string; valid: boolean } {
  let end = bytes.length;
  if (truncated) {
    // Step back over continuation bytes to the start of the last character; drop it when incomplete.
    let i = end - 1;
    while (i >= 0 && i > end - 4 && ((bytes[i] as number) & 0xc0) === 0x80) i--;
    if (i >= 0) {
      const lead = bytes[i] as number;
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (end - i < need) end = i;
    }
  }
  const view = end === bytes.length ? bytes : bytes.subarray(0, end);
  try {
    return { text: strict.decode(view), valid: true };
  } catch {
    return { text: lenient.decode(view), valid: false };
  }
}

/**
 * @module soc/ingest/syslog/decode
 * Bytes of one message → NFC text. UTF-8 by default, invalid sequences replaced with U+FFFD and reported;
 * an input may declare a legacy charset (windows-1258 — whose Vietnamese uses combining tones, hence NFC —,
 * iso-8859-1, shift_jis…), decoded with iconv-lite. An RFC 5424 BOM says UTF-8 whatever the declaration.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** Decoded text, and whether UTF-8 input was invalid (then replaced characters are in it). */
export interface Decoded {
  text: string;
  invalidUtf8: boolean;
}

const UTF8 = new Set(['utf8', 'utf-8', '']);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** True when iconv-lite (or the built-in UTF-8 path) can decode `charset`. */
export function charsetSupported(charset: string): boolean {
  return UTF8.has(charset.toLowerCase()) || iconv.encodingExists(charset);
}

/** Decodes one message; `charset` unset or unknown means UTF-8. */
export function decodeMessage(bytes: Buffer, charset?: string): Decoded {
  const cs = charset?.toLowerCase() ?? '';
  if (!UTF8.has(cs) && iconv.encodingExists(cs) && !bytes.includes(BOM)) {
    return { text: nfcIfNeeded(iconv.decode(bytes, cs, { stripBOM: false })), invalidUtf8: false };
  }
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), invalidUtf8: false };
  const valid = isUtf8(bytes);
  // Buffer#toString('utf8') replaces each invalid sequence with U+FFFD (WHATWG decoding).
  return { text: bytes.toString('utf8').normalize('NFC'), invalidUtf8: !valid };
}

function nfcIfNeeded(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return s.normalize('NFC');
  return s;
}

/**
 * Where to cut `bytes` to at most `max` bytes without splitting a UTF-8 sequence (a split one would read as
 * invalid UTF-8 when the sender was right). Other charsets are cut at `max`: their multi-byte forms
 * (shift_jis) cannot be told apart from the bytes alone, and a damaged last character is all it costs.
 */
export function cutPoint(bytes: Buffer, max: number, charset?: string): number {
  const end = Math.min(bytes.length, max);
  if (!UTF8.has(charset?.toLowerCase() ?? '') || end === 0) return end;
  // Back over continuation bytes (10xxxxxx) to the lead byte; keep its sequence only when it is complete.
  let p = end - 1;
  for (let k = 0; k < 3 && p > 0 && ((bytes[p] as number) & 0xc0) === 0x80; k++) p--;
  const lead = bytes[p] as number;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return end - p >= need ? end : p;
}

/**
 * @module soc/ingest/http/json-scan
 * Guards against JSON bombs before `JSON.parse` allocates anything: one pass over the bytes counts the
 * nesting depth and the keys/elements of each document, without building a value.
 */

/** How deep and how large one document may be. */
export interface JsonLimits {
  maxDepth: number;
  /** Keys and elements of one document (nested ones included). */
  maxElements: number;
}

/** Why a document was refused. */
export type JsonViolation = 'depth' | 'elements';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Scans `buf[start, end)`. With `listAtTop`, the elements of a top-level array are separate documents
 * (the JSON-array form of a batch), each held to `maxElements` on its own. Malformed JSON is not judged
 * here (`JSON.parse` does that); only its depth and size.
 */
export function scanJson(
  buf: Buffer,
  start: number,
  end: number,
  limits: JsonLimits,
  listAtTop = false,
): JsonViolation | null {
  let depth = 0;
  let elements = 0;
  let inString = false;
  let topIsArray = false;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 0) topIsArray = c === OPEN_ARRAY;
      depth++;
      if (depth > limits.maxDepth) return 'depth';
      if (++elements > limits.maxElements) return 'elements';
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    } else if (c === COMMA) {
      if (listAtTop && topIsArray && depth === 1) elements = 1;
      else if (++elements > limits.maxElements) return 'elements';
    }
  }
  return null;
}

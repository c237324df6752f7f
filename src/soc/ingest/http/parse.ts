/**
 * @module soc/ingest/http/parse
 * Turns an HTTP JSON body into documents: one JSON object, a JSON array of objects, or NDJSON. Every
 * document is bomb-checked first (a bomb refuses the whole request, so nothing is half-accepted); an NDJSON
 * line that is not JSON is kept as raw text tagged `_json_invalid`, never lost.
 */
import { AppError } from '../../../core/errors/index.ts';
import { type JsonLimits, scanJson } from './json-scan.ts';

/** The tag on a line kept raw because it was not JSON. */
export const JSON_INVALID_TAG = '_json_invalid';
/** The tag on a raw line cut at `maxEventBytes`. */
export const TRUNCATED_TAG = 'truncated';

/** One item of a body: a document, or a line kept raw. */
export type ParsedItem =
  | { doc: Record<string, unknown>; line: number }
  | { text: string; line: number; tags: string[] };

export interface ParseLimits extends JsonLimits {
  /** Longest raw line kept whole. */
  maxEventBytes: number;
}

/** A value that is not an object becomes `{ message }`, so every event has a document. */
export function asDocument(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return value as Record<string, unknown>;
  return { message: typeof value === 'string' ? value : JSON.stringify(value) };
}

function refuse(violation: 'depth' | 'elements', line: number, limits: JsonLimits): never {
  throw violation === 'depth'
    ? new AppError('SOC_INGEST_JSON_TOO_DEEP', { limit: limits.maxDepth, line })
    : new AppError('SOC_INGEST_JSON_TOO_LARGE', { limit: limits.maxElements, line });
}

/** A raw line kept as text, cut at the limit (on a character boundary) and tagged. */
export function rawLine(
  buf: Buffer,
  start: number,
  end: number,
  line: number,
  limits: ParseLimits,
): ParsedItem {
  const tags = [JSON_INVALID_TAG];
  let stop = end;
  if (end - start > limits.maxEventBytes) {
    stop = start + limits.maxEventBytes;
    // Back off continuation bytes so a multi-byte character is not split.
    while (stop > start && ((buf[stop] as number) & 0xc0) === 0x80) stop--;
    tags.push(TRUNCATED_TAG);
  }
  return { text: buf.toString('utf8', start, stop), line, tags };
}

/** Calls `each(start, end, lineNumber)` for every non-blank line of `buf` (CR LF or LF). */
export function forEachLine(buf: Buffer, each: (start: number, end: number, line: number) => void): void {
  let start = 0;
  let line = 0;
  while (start <= buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    line++;
    let stop = end;
    if (stop > start && buf[stop - 1] === 0x0d) stop--;
    let first = start;
    while (first < stop && (buf[first] === 0x20 || buf[first] === 0x09)) first++;
    if (first < stop) each(first, stop, line);
    start = end + 1;
  }
}

/** Parses NDJSON: each line a document, or kept raw when it is not JSON. */
export function parseNdjson(buf: Buffer, limits: ParseLimits): ParsedItem[] {
  const items: ParsedItem[] = [];
  forEachLine(buf, (start, end, line) => {
    const violation = scanJson(buf, start, end, limits);
    if (violation) refuse(violation, line, limits);
    try {
      items.push({ doc: asDocument(JSON.parse(buf.toString('utf8', start, end))), line });
    } catch {
      items.push(rawLine(buf, start, end, line, limits));
    }
  });
  return items;
}

/**
 * Parses a body by its media type: NDJSON for `application/x-ndjson` (and `ndjson`/`jsonl` spellings);
 * otherwise one JSON value (an array is a batch), falling back to NDJSON when the body is several lines
 * that are not one JSON value (shippers that send NDJSON as `application/json`).
 */
export function parseEventsBody(buf: Buffer, contentType: string, limits: ParseLimits): ParsedItem[] {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (/ndjson|jsonl|json-seq|jsonlines/.test(type)) return parseNdjson(buf, limits);
  const violation = scanJson(buf, 0, buf.length, limits, true);
  if (violation) refuse(violation, 1, limits);
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    let lines = 0;
    forEachLine(buf, () => lines++);
    if (lines > 1) return parseNdjson(buf, limits);
    throw new AppError('SOC_INGEST_JSON_INVALID', { reason: (err as Error).message.slice(0, 200) });
  }
  const values = Array.isArray(value) ? value : [value];
  return values.map((v, i) => ({ doc: asDocument(v), line: Array.isArray(value) ? i + 1 : 1 }));
}

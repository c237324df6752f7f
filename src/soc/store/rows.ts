/**
 * @module soc/store/rows
 * One normalised event → one line of `COPY soc_events (…) FROM STDIN` in text format: the column values read
 * from the ECS document (src/soc/ecs/fields.ts), typed and bounded so a hostile or odd event can never fail
 * the batch it travels in. The document itself is kept whole in `doc`, so whatever a column could not hold
 * (an invalid IP, a port of 70000, a 10 KB host name) is still there.
 */
import { isIP } from 'node:net';
import type { NormalisedEvent } from '../contracts.ts';

/** Reads a dotted path split once (the writer reads the same 16 paths of every event). */
function getPath(doc: Record<string, unknown>, dotted: string, parts: readonly string[]): unknown {
  const flat = doc[dotted];
  if (flat !== undefined) return flat;
  let cur: unknown = doc;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const paths = {
  dataset: 'event.dataset',
  kind: 'event.kind',
  category: 'event.category',
  action: 'event.action',
  outcome: 'event.outcome',
  severity: 'event.severity',
  host: 'host.name',
  sourceIp: 'source.ip',
  sourcePort: 'source.port',
  destinationIp: 'destination.ip',
  destinationPort: 'destination.port',
  user: 'user.name',
  process: 'process.name',
} as const;
const split = Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, v.split('.')])) as Record<
  keyof typeof paths,
  string[]
>;
const field = (doc: Record<string, unknown>, key: keyof typeof paths) => getPath(doc, paths[key], split[key]);

/** Columns in the order every line carries them. */
export const COPY_COLUMNS = [
  'id',
  'ts',
  'received_at',
  'input',
  'source_id',
  'unit_id',
  'system_id',
  'dataset',
  'kind',
  'category',
  'action',
  'outcome',
  'severity',
  'host_name',
  'source_ip',
  'source_port',
  'destination_ip',
  'destination_port',
  'user_name',
  'process_name',
  'message',
  'tags',
  'doc',
] as const;

/** The tag on an event whose `@timestamp` was outside the sane range and was stored at its arrival time. */
export const TIMESTAMP_OUT_OF_RANGE_TAG = '_timestamp_out_of_range';

/** Earliest `@timestamp` believed (2000-01-01T00:00:00Z); older ones are clocks that were never set. */
export const MIN_SANE_TS = 946_684_800_000;
/** How far ahead of now an event may claim to be. */
export const MAX_FUTURE_MS = 86_400_000;

/**
 * Longest value kept in an indexed text column (characters; a btree entry must stay under ~2.7 KB, and a
 * character is at most 4 bytes). Longer values are cut in the column only.
 */
export const MAX_INDEXED_CHARS = 512;

const NULL = '\\N';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One encoded line and what the volume rollup needs of it. */
export interface EncodedRow {
  line: string;
  /** UTC day number (epoch days) of the stored `ts`: the partition. */
  day: number;
  ts: number;
  dataset: string | null;
}

/** The time the row is stored at: the event's own, or its arrival (then tagged) when that is not believable. */
export function storedTs(event: NormalisedEvent, now: number): { ts: number; clamped: boolean } {
  const max = now + MAX_FUTURE_MS;
  const ok = (t: number) => Number.isFinite(t) && t >= MIN_SANE_TS && t <= max;
  if (ok(event.ts)) return { ts: event.ts, clamped: false };
  return { ts: ok(event.receivedAt) ? event.receivedAt : now, clamped: true };
}

/** Encodes one event; `id` is the row's id, `now` bounds believable timestamps. */
export function encodeRow(event: NormalisedEvent, id: string, now: number): EncodedRow {
  const doc = event.doc;
  const { ts, clamped } = storedTs(event, now);
  if (clamped) addTag(doc, TIMESTAMP_OUT_OF_RANGE_TAG);
  const dataset = shortText(field(doc, 'dataset'));
  const f: string[] = [
    id,
    new Date(ts).toISOString(),
    receivedIso(Number.isFinite(event.receivedAt) ? event.receivedAt : now),
    copyText(cut(cleanText(event.input) || 'unknown')),
    uuidOrNull(event.sourceId),
    uuidOrNull(event.unitId),
    uuidOrNull(event.systemId),
    dataset === null ? NULL : copyText(dataset),
    textField(field(doc, 'kind')),
    arrayField(field(doc, 'category')),
    textField(field(doc, 'action')),
    textField(field(doc, 'outcome')),
    intField(field(doc, 'severity'), -32_768, 32_767),
    textField(field(doc, 'host')),
    inetField(field(doc, 'sourceIp')),
    intField(field(doc, 'sourcePort'), 0, 65_535),
    inetField(field(doc, 'destinationIp')),
    intField(field(doc, 'destinationPort'), 0, 65_535),
    textField(field(doc, 'user')),
    textField(field(doc, 'process')),
    longTextField(doc.message),
    arrayField(doc.tags),
    copyJson(jsonForPostgres(doc)),
  ];
  return { line: `${f.join('\t')}\n`, day: Math.floor(ts / 86_400_000), ts, dataset };
}

/** Adds a tag to the document's `tags` (creating it), once. */
export function addTag(doc: Record<string, unknown>, tag: string): void {
  const tags = doc.tags;
  if (Array.isArray(tags)) {
    if (!tags.includes(tag)) tags.push(tag);
  } else if (typeof tags === 'string') doc.tags = [tags, tag];
  else doc.tags = [tag];
}

/**
 * JSON text PostgreSQL's jsonb accepts: it refuses `\u0000` and unpaired surrogates, which JSON.stringify
 * emits as escapes; both become U+FFFD. Escaped backslashes are matched first so a literal `\\u0000` in a
 * string stays as it was.
 */
export function jsonForPostgres(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  // Most documents have no escape at all: one scan says so.
  if (!json.includes('\\') || !/\\u(0000|d[89a-f])/i.test(json)) return json;
  return json.replace(/\\(\\|u0000|ud[89a-f][0-9a-f]{2})/gi, (m, what: string) =>
    what === '\\' ? m : '\\ufffd',
  );
}

/** Escapes a value for COPY text format: backslash, tab, newline and carriage return; NUL becomes U+FFFD. */
export function copyText(s: string): string {
  if (!/[\\\t\n\r\0]/.test(s)) return s;
  return s.replace(/[\\\t\n\r\0]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\uFFFD',
  );
}

/**
 * JSON text for COPY: JSON.stringify already escapes every control character, so only backslashes need
 * doubling (a plain string replace, much cheaper than the general escaper on ~1 KB documents).
 */
function copyJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/** A string of a scalar value (numbers and booleans are written as text), else null. */
function cleanText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.length > 0) return cleanText(v[0]);
  return null;
}

/** Cuts a string to the indexed maximum without splitting a surrogate pair. */
function cut(s: string): string {
  if (s.length <= MAX_INDEXED_CHARS) return s;
  let end = MAX_INDEXED_CHARS;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return s.slice(0, end);
}

function shortText(v: unknown): string | null {
  const s = cleanText(v);
  return s === null || s === '' ? null : cut(s);
}

function textField(v: unknown): string {
  const s = shortText(v);
  return s === null ? NULL : copyText(s);
}

function longTextField(v: unknown): string {
  const s = cleanText(v);
  return s === null ? NULL : copyText(s);
}

// Events of a batch mostly share their source, unit and system ids: the last one checked is remembered.
let lastUuid = '';

/** The value when it is a UUID (the columns are uuid: anything else would fail the batch), else null. */
export function validUuid(v: string | null | undefined): string | null {
  if (!v) return null;
  if (v === lastUuid) return v;
  if (!UUID.test(v)) return null;
  lastUuid = v;
  return v;
}

// Events read together share their arrival time: its text is made once.
let lastReceived = Number.NaN;
let lastReceivedIso = '';

function receivedIso(ms: number): string {
  if (ms !== lastReceived) {
    lastReceivedIso = new Date(ms).toISOString();
    lastReceived = ms;
  }
  return lastReceivedIso;
}

function uuidOrNull(v: string | null | undefined): string {
  return validUuid(v) ?? NULL;
}

/** An integer within bounds (numbers or numeric strings), else null: the column must not fail the batch. */
function intField(v: unknown, min: number, max: number): string {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^-?\d{1,10}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? String(n) : NULL;
}

/**
 * An IP address PostgreSQL's inet takes, else null. Zone ids (`fe80::1%eth0`) are refused by inet; CIDR
 * notation is not an address of one host, so both stay in the document only.
 */
export function inetValue(v: unknown): string | null {
  const s = typeof v === 'string' ? v.trim() : Array.isArray(v) ? inetValue(v[0]) : null;
  if (!s || s.length > 45 || s.includes('%')) return null;
  return isIP(s) === 0 ? null : s;
}

function inetField(v: unknown): string {
  return inetValue(v) ?? NULL;
}

/** A text[] literal (`{"a","b"}`) of the string elements, for COPY; null when there are none. */
function arrayField(v: unknown): string {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const parts: string[] = [];
  for (const item of items) {
    const s = cleanText(Array.isArray(item) ? undefined : item);
    if (s === null) continue;
    parts.push(`"${cut(s).replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  }
  return parts.length === 0 ? NULL : copyText(`{${parts.join(',')}}`);
}

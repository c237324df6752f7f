/**
 * @module soc/ingest/syslog/parse
 * One syslog message (already decoded to text) → the document the inputs agreed on: `@timestamp`, `message`,
 * `host.hostname`, ECS's `log.syslog.*`, and `cef`/`leef` when the payload is one (inside syslog or bare).
 * Pure and total: whatever the input, it returns a document; text it cannot read as syslog comes back as
 * `{ message: text }` flagged unparsed, so the caller tags it and nothing is dropped.
 */
import { type CefRecord, parseCef, startsCef } from './cef.ts';
import { type LeefRecord, parseLeef, startsLeef } from './leef.ts';
import { readPri, type SyslogPriority } from './priority.ts';
import { parseRfc3164 } from './rfc3164.ts';
import { parseRfc5424 } from './rfc5424.ts';
import { isoOf, VIETNAM_OFFSET_MINUTES } from './timestamp.ts';

/** `doc.log.syslog`, in ECS's names. */
export interface SyslogFields extends SyslogPriority {
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  version?: number;
  structured_data?: Record<string, Record<string, string>>;
}

/** The document of a syslog RawEvent. */
export interface SyslogDoc {
  '@timestamp'?: string;
  message: string;
  host?: { hostname: string };
  log?: { syslog: SyslogFields };
  cef?: CefRecord;
  leef?: LeefRecord;
}

export interface ParseOptions {
  /** Time of receipt (epoch ms): infers RFC 3164's missing year. */
  nowMs: number;
  /** Zone of timestamps that carry none, in minutes east of UTC; default Asia/Ho_Chi_Minh (+07:00). */
  offsetMinutes?: number;
}

/** The parse of one message: its document, and whether it was syslog (or a bare CEF/LEEF record) at all. */
export interface ParsedSyslog {
  doc: SyslogDoc;
  unparsed: boolean;
}

/** Parses one syslog message. Never throws. */
export function parseSyslog(text: string, options: ParseOptions): ParsedSyslog {
  const offset = options.offsetMinutes ?? VIETNAM_OFFSET_MINUTES;
  const pri = readPri(text);
  if (!pri) {
    const doc: SyslogDoc = { message: text };
    const payload = addPayload(doc, text);
    return { doc, unparsed: !payload };
  }
  let fields: SyslogFields;
  let message: string;
  let timestampMs: number | undefined;
  if (
    text.charCodeAt(pri.end) >= 49 &&
    text.charCodeAt(pri.end) <= 57 &&
    /^\d{1,3} /.test(text.slice(pri.end, pri.end + 4))
  ) {
    const h = parseRfc5424(text, pri.end, offset);
    if (!h) return { doc: { message: text }, unparsed: true };
    fields = { ...pri.pri, version: h.version };
    if (h.hostname !== undefined) fields.hostname = h.hostname;
    if (h.appname !== undefined) fields.appname = h.appname;
    if (h.procid !== undefined) fields.procid = h.procid;
    if (h.msgid !== undefined) fields.msgid = h.msgid;
    if (h.structuredData !== undefined) fields.structured_data = h.structuredData;
    message = h.message;
    timestampMs = h.timestampMs;
  } else {
    const h = parseRfc3164(text, pri.end, options.nowMs, offset);
    fields = { ...pri.pri };
    if (h.hostname !== undefined) fields.hostname = h.hostname;
    if (h.appname !== undefined) fields.appname = h.appname;
    if (h.procid !== undefined) fields.procid = h.procid;
    message = h.message;
    timestampMs = h.timestampMs;
  }
  const doc: SyslogDoc = { message, log: { syslog: fields } };
  if (timestampMs !== undefined) {
    const iso = isoOf(timestampMs);
    if (iso) doc['@timestamp'] = iso;
  }
  if (fields.hostname !== undefined) doc.host = { hostname: fields.hostname };
  addPayload(doc, message);
  return { doc, unparsed: false };
}

/** Adds `cef`/`leef` when `message` is such a record (leading spaces allowed); true when it did. */
function addPayload(doc: SyslogDoc, message: string): boolean {
  let at = 0;
  while (message[at] === ' ') at++;
  if (startsCef(message, at)) {
    const cef = parseCef(at ? message.slice(at) : message);
    if (cef) doc.cef = cef;
    return cef !== null;
  }
  if (startsLeef(message, at)) {
    const leef = parseLeef(at ? message.slice(at) : message);
    if (leef) doc.leef = leef;
    return leef !== null;
  }
  return false;
}

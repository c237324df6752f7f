/**
 * @module soc/ingest/syslog/rfc5424
 * RFC 5424 messages: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`, `-` for a
 * missing field, structured data `[id name="value" …]…` whose values escape `"`, `\` and `]`, and a MSG that
 * may start with a BOM (then UTF-8, which the decoder has already honoured).
 */
import { readIsoTimestamp } from './timestamp.ts';

/** The fields of an RFC 5424 header, absent ones left out. */
export interface Rfc5424Header {
  version: number;
  timestampMs?: number;
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  structuredData?: Record<string, Record<string, string>>;
  message: string;
}

/** Parses the rest of an RFC 5424 message after its PRI (at `start`); null when it breaks the grammar. */
export function parseRfc5424(text: string, start: number, offsetMinutes: number): Rfc5424Header | null {
  let i = start;
  const version = readToken();
  if (version === null || !/^[1-9]\d{0,2}$/.test(version)) return null;
  const ts = readToken();
  const hostname = readToken();
  const appname = readToken();
  const procid = readToken();
  const msgid = readToken();
  if (ts === null || hostname === null || appname === null || procid === null || msgid === null) return null;
  const header: Rfc5424Header = { version: Number(version), message: '' };
  if (ts !== '-') {
    const read = readIsoTimestamp(ts, offsetMinutes);
    if (!read || read.end !== ts.length) return null;
    header.timestampMs = read.ms;
  }
  if (hostname !== '-') header.hostname = hostname;
  if (appname !== '-') header.appname = appname;
  if (procid !== '-') header.procid = procid;
  if (msgid !== '-') header.msgid = msgid;

  if (text[i] === '-') i++;
  else if (text[i] === '[') {
    const sd: Record<string, Record<string, string>> = {};
    while (text[i] === '[') {
      const element = readElement();
      if (!element) return null;
      sd[element.id] = { ...sd[element.id], ...element.params };
    }
    header.structuredData = sd;
  } else return null;

  if (i < text.length) {
    if (text[i] !== ' ') return null;
    let message = text.slice(i + 1);
    if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
    // rsyslog relaying a BSD message keeps the space that followed its tag (` msg`); `text` keeps it anyway.
    if (message.charCodeAt(0) === 32) message = message.replace(/^ +/, '');
    header.message = message;
  }
  return header;

  function readToken(): string | null {
    const sp = text.indexOf(' ', i);
    if (sp === -1 || sp === i) return null;
    const token = text.slice(i, sp);
    i = sp + 1;
    return token;
  }

  function readName(stops: string): string | null {
    const from = i;
    while (i < text.length && !stops.includes(text[i] as string)) {
      const c = text.charCodeAt(i);
      if (c <= 32 || c === 127) return null;
      i++;
    }
    return i > from ? text.slice(from, i) : null;
  }

  function readElement(): { id: string; params: Record<string, string> } | null {
    i++; // [
    const id = readName(' ]="');
    if (id === null || (text[i] !== ' ' && text[i] !== ']')) return null;
    const params: Record<string, string> = {};
    while (text[i] === ' ') {
      i++;
      const name = readName(' ]="');
      if (name === null || text[i] !== '=' || text[i + 1] !== '"') return null;
      i += 2;
      let value = '';
      for (;;) {
        if (i >= text.length) return null;
        const c = text[i] as string;
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) {
          value += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      params[name] = value;
    }
    if (text[i] !== ']') return null;
    i++;
    return { id, params };
  }
}

/**
 * @module soc/ingest/syslog/raw-event
 * One received message → the RawEvent the syslog inputs hand to the sink: cut at the configured size, decoded,
 * parsed, and tagged with what went wrong on the way (`truncated`, `invalid_utf8`, `_syslog_unparsed`).
 */
import type { RawEvent } from '../../contracts.ts';
import { cutPoint, decodeMessage } from './decode.ts';
import { parseSyslog } from './parse.ts';

/** The syslog input kinds. */
export type SyslogKind = 'syslog-udp' | 'syslog-tcp' | 'syslog-tls';

/** Tags a syslog input may put on an event. */
export const TRUNCATED_TAG = 'truncated';
export const INVALID_UTF8_TAG = 'invalid_utf8';
export const UNPARSED_TAG = '_syslog_unparsed';

/** Where a message came from and how to read it. */
export interface MessageSource {
  input: string;
  kind: SyslogKind;
  peer?: string;
  /** Declared charset of the input; UTF-8 when unset. */
  charset?: string;
  maxBytes: number;
  receivedAt: number;
}

/** Builds the RawEvent of one message (`truncated`: the framer already cut it). Never throws. */
export function toRawEvent(bytes: Buffer, truncated: boolean, from: MessageSource): RawEvent {
  const cut = truncated || bytes.length > from.maxBytes;
  let end = cut ? cutPoint(bytes, from.maxBytes, from.charset) : bytes.length;
  // A datagram's trailing line break is framing, not content.
  while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13 || bytes[end - 1] === 0)) end--;
  const { text, invalidUtf8 } = decodeMessage(
    end === bytes.length ? bytes : bytes.subarray(0, end),
    from.charset,
  );
  const { doc, unparsed } = parseSyslog(text, { nowMs: from.receivedAt });
  const event: RawEvent = {
    input: from.input,
    kind: from.kind,
    receivedAt: from.receivedAt,
    text,
    doc: doc as unknown as Record<string, unknown>,
  };
  if (from.peer) event.peer = from.peer;
  if (cut || invalidUtf8 || unparsed) {
    const tags: string[] = [];
    if (cut) tags.push(TRUNCATED_TAG);
    if (invalidUtf8) tags.push(INVALID_UTF8_TAG);
    if (unparsed) tags.push(UNPARSED_TAG);
    event.tags = tags;
  }
  return event;
}

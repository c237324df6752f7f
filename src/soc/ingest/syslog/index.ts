/**
 * @module soc/ingest/syslog
 * Syslog inputs: UDP, TCP (both RFC 6587 framings) and TLS listeners, and the pure parsers behind them
 * (RFC 3164, RFC 5424, CEF, LEEF, charsets).
 */
export { charsetSupported, decodeMessage } from './decode.ts';
export { type Frame, SyslogFramer } from './framing.ts';
export type { ListenAddress, ListenerOptions, ListenerStats, SyslogListener } from './listener.ts';
export { type ParsedSyslog, type ParseOptions, parseSyslog, type SyslogDoc } from './parse.ts';
export {
  INVALID_UTF8_TAG,
  type SyslogKind,
  TRUNCATED_TAG,
  toRawEvent,
  UNPARSED_TAG,
} from './raw-event.ts';
export { createStreamListener, SHUTDOWN } from './stream.ts';
export { createUdpListener, QUEUE_FULL } from './udp.ts';

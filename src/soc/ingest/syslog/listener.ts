/**
 * @module soc/ingest/syslog/listener
 * What the syslog listeners (UDP, TCP, TLS) share: their options and the face the input registry drives.
 */
import type { Logger } from '../../../core/log/logger.ts';
import type { IngestSink, SiemCounters } from '../../contracts.ts';
import type { SyslogKind } from './raw-event.ts';

/** How to run one listener. */
export interface ListenerOptions {
  /** Input id (`syslog-udp`…): counters and the events' `input`. */
  input: string;
  host: string;
  /** 0 picks a free port (tests); `address()` tells which. */
  port: number;
  maxEventBytes: number;
  /** Concurrent connections of a stream listener; further ones are refused (counted). */
  maxConnections: number;
  /** The input's declared charset, read per message so a change applies at once. */
  charset: () => string | undefined;
  sink: IngestSink;
  counters: SiemCounters;
  log: Logger;
  now?: () => number;
}

/** A bound address. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** What a listener reports about itself beyond the counters. */
export interface ListenerStats {
  /** Open connections (0 for UDP). */
  connections: number;
  /** Connections refused at the limit since start. */
  refusedConnections: number;
  /** Times a connection was paused because the queue was full (TCP back-pressure). */
  pauses: number;
}

/** One running (or stopped) syslog listener. */
export interface SyslogListener {
  readonly kind: SyslogKind;
  /** Binds; rejects with the system error (EADDRINUSE, EACCES…). */
  start(): Promise<void>;
  /** Stops accepting, closes every connection and the socket. */
  close(): Promise<void>;
  address(): ListenAddress | null;
  stats(): ListenerStats;
}

/** The sender's IP as people write it (`::ffff:10.0.0.1` → `10.0.0.1`). */
export function peerAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * @module soc/ingest/syslog/udp
 * Syslog over UDP (RFC 5426): one datagram, one message. Datagrams received in one turn of the event loop go
 * to the sink as one batch; a batch the full queue refuses is counted as dropped (`queue_full`): UDP has no
 * way to ask the sender to wait, and blocking here would only move the loss into the kernel, uncounted.
 */
import dgram from 'node:dgram';
import type { RawEvent } from '../../contracts.ts';
import { type ListenAddress, type ListenerOptions, peerAddress, type SyslogListener } from './listener.ts';
import { toRawEvent } from './raw-event.ts';

/** The reason UDP drops are counted under. */
export const QUEUE_FULL = 'queue_full';

// A larger kernel buffer rides out bursts while the loop is busy parsing (capped by net.core.rmem_max).
const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

/** Creates the UDP listener. */
export function createUdpListener(o: ListenerOptions): SyslogListener {
  const now = o.now ?? Date.now;
  let socket: dgram.Socket | null = null;
  let batch: RawEvent[] = [];
  let batchBytes = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (batch.length === 0) return;
    const events = batch;
    const bytes = batchBytes;
    batch = [];
    batchBytes = 0;
    o.counters.received(o.input, events.length, bytes);
    if (!o.sink.offer(events)) o.counters.dropped(o.input, events.length, QUEUE_FULL);
  };

  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    batch.push(
      toRawEvent(msg, false, {
        input: o.input,
        kind: 'syslog-udp',
        peer: peerAddress(rinfo.address),
        charset: o.charset(),
        maxBytes: o.maxEventBytes,
        receivedAt: now(),
      }),
    );
    batchBytes += msg.length;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  return {
    kind: 'syslog-udp',
    async start() {
      if (socket) return;
      const s = dgram.createSocket({ type: o.host.includes(':') ? 'udp6' : 'udp4' });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(o.port, o.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      try {
        s.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
      } catch {
        // The kernel's limit stays; not worth failing the input for.
      }
      s.on('message', onMessage);
      s.on('error', (err) => o.log.warn({ err, input: o.input }, 'syslog UDP socket error'));
      socket = s;
    },
    async close() {
      const s = socket;
      socket = null;
      if (!s) return;
      flush();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    address(): ListenAddress | null {
      if (!socket) return null;
      const a = socket.address();
      return { host: a.address, port: a.port };
    },
    stats: () => ({ connections: 0, refusedConnections: 0, pauses: 0 }),
  };
}

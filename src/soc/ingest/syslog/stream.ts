/**
 * @module soc/ingest/syslog/stream
 * Syslog over TCP (RFC 6587) and TLS (RFC 5425): each connection has its own framer; the messages of each
 * chunk go to the sink as one batch. When the queue refuses a batch the connection is paused (the kernel's
 * window then makes the sender wait: back-pressure, nothing lost) and resumed once the queue has room.
 * A connection past the limit is refused; a connection that errs or closes mid-frame affects only itself.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TlsOptions } from '../../../core/http/tls.ts';
import type { RawEvent } from '../../contracts.ts';
import { type Frame, SyslogFramer } from './framing.ts';
import { type ListenAddress, type ListenerOptions, peerAddress, type SyslogListener } from './listener.ts';
import { toRawEvent } from './raw-event.ts';

/** The reason events are counted as dropped when the node stops while a connection waits for room. */
export const SHUTDOWN = 'shutdown';

const KEEPALIVE_MS = 60_000;
const RETRY_MS = 20;

/** Creates the TCP listener, or the TLS one when `tlsOptions` is given. */
export function createStreamListener(
  o: ListenerOptions & { kind: 'syslog-tcp' | 'syslog-tls'; tlsOptions?: TlsOptions },
): SyslogListener {
  const now = o.now ?? Date.now;
  let server: net.Server | null = null;
  let closing = false;
  const sockets = new Set<net.Socket>();
  let refused = 0;
  let pauses = 0;
  let lastRefusalLog = 0;

  const handle = (socket: net.Socket) => {
    sockets.add(socket);
    socket.setKeepAlive(true, KEEPALIVE_MS);
    const framer = new SyslogFramer(o.maxEventBytes);
    const peer = peerAddress(socket.remoteAddress);
    let pending: RawEvent[] | null = null;
    let ended = false;

    const waitForRoom = async () => {
      while (pending && !closing) {
        await o.sink.drained();
        if (closing) break;
        if (o.sink.offer(pending)) {
          pending = null;
          if (!socket.destroyed) socket.resume();
          return;
        }
        // Room was announced but taken by another connection first.
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
      if (pending) o.counters.dropped(o.input, pending.length, SHUTDOWN);
      pending = null;
    };

    const deliver = (frames: Frame[]) => {
      if (frames.length === 0) return;
      const receivedAt = now();
      const charset = o.charset();
      const events: RawEvent[] = new Array(frames.length);
      let bytes = 0;
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i] as Frame;
        bytes += f.bytes.length;
        events[i] = toRawEvent(f.bytes, f.truncated, {
          input: o.input,
          kind: o.kind,
          peer,
          charset,
          maxBytes: o.maxEventBytes,
          receivedAt,
        });
      }
      o.counters.received(o.input, events.length, bytes);
      if (pending) {
        for (const e of events) pending.push(e);
        return;
      }
      if (!o.sink.offer(events)) {
        pending = events;
        pauses++;
        socket.pause();
        void waitForRoom();
      }
    };

    const finish = () => {
      if (ended) return;
      ended = true;
      const frames: Frame[] = [];
      framer.end(frames);
      deliver(frames);
    };

    socket.on('data', (chunk: Buffer) => {
      const frames: Frame[] = [];
      framer.push(chunk, frames);
      deliver(frames);
    });
    socket.on('end', () => {
      finish();
      socket.end();
    });
    socket.on('error', (err) => o.log.debug({ err, input: o.input, peer }, 'syslog connection error'));
    socket.on('close', () => {
      sockets.delete(socket);
      if (!closing) finish();
    });
  };

  return {
    kind: o.kind,
    async start() {
      if (server) return;
      closing = false;
      const s = o.tlsOptions
        ? tls.createServer({ ...o.tlsOptions, minVersion: 'TLSv1.2' })
        : net.createServer({ pauseOnConnect: false });
      s.maxConnections = o.maxConnections;
      s.on(o.tlsOptions ? 'secureConnection' : 'connection', handle);
      s.on('drop', () => {
        refused++;
        if (Date.now() - lastRefusalLog > 60_000) {
          lastRefusalLog = Date.now();
          o.log.warn({ input: o.input, limit: o.maxConnections }, 'syslog connection refused: limit reached');
        }
      });
      if (o.tlsOptions) {
        s.on('tlsClientError', (err: Error, socket: tls.TLSSocket) =>
          o.log.debug({ err, input: o.input, peer: socket.remoteAddress }, 'syslog TLS handshake failed'),
        );
      }
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(o.port, o.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      s.on('error', (err) => o.log.warn({ err, input: o.input }, 'syslog listener error'));
      server = s;
    },
    async close() {
      const s = server;
      server = null;
      if (!s) return;
      closing = true;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    address(): ListenAddress | null {
      const a = server?.address();
      if (!a || typeof a === 'string') return null;
      return { host: a.address, port: a.port };
    },
    stats: () => ({ connections: sockets.size, refusedConnections: refused, pauses }),
  };
}

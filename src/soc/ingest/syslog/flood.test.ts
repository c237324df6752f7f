import dgram from 'node:dgram';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SyslogDoc } from './parse.ts';
import { createStreamListener } from './stream.ts';
import { collectingQueue, listenerOptions } from './testing.ts';
import { createUdpListener } from './udp.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

describe('floods beyond capacity', () => {
  it('TCP: a full queue pauses the connection and resumes it when drained, losing nothing', async () => {
    let maxDepth = 0;
    const q = collectingQueue({
      capacity: 200,
      batchSize: 100,
      process: async () => {
        maxDepth = Math.max(maxDepth, q.queue.depth);
        await sleep(3);
      },
    });
    const o = listenerOptions(q.queue, { input: 'syslog-tcp' });
    const listener = createStreamListener({ ...o, kind: 'syslog-tcp' });
    await listener.start();
    try {
      const socket = await connect(listener.address()!.port);
      const total = 10_000;
      const lines: string[] = [];
      for (let i = 0; i < total; i++) lines.push(`<13>Oct 11 22:14:15 h app: flood ${i}\n`);
      socket.end(lines.join(''));
      const events = await q.until(total, 20_000);
      expect(events.map((e) => (e.doc as unknown as SyslogDoc).message)).toEqual(
        lines.map((_, i) => `flood ${i}`),
      );
      expect(listener.stats().pauses).toBeGreaterThan(0);
      expect(o.counters.inputs.get('syslog-tcp')).toMatchObject({ events: total, dropped: 0 });
    } finally {
      await listener.close();
      await q.queue.close();
    }
  });

  it('UDP: datagrams the full queue refuses are counted as queue_full drops, the rest delivered', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const q = collectingQueue({ capacity: 100, batchSize: 50, process: () => gate });
    const o = listenerOptions(q.queue, { input: 'syslog-udp' });
    const listener = createUdpListener(o);
    await listener.start();
    const client = dgram.createSocket('udp4');
    try {
      const port = listener.address()!.port;
      for (let i = 0; i < 2000; i++) {
        client.send(`<13>Oct 11 22:14:15 h app: dgram ${i}`, port, '127.0.0.1');
        if (i % 50 === 49) await sleep(2);
      }
      await sleep(200);
      const totals = o.counters.inputs.get('syslog-udp')!;
      expect(totals.dropped).toBeGreaterThan(0);
      expect(totals.dropReasons).toEqual({ queue_full: totals.dropped });
      release();
      await q.queue.idle();
      expect(q.events.length + totals.dropped).toBe(totals.events);
      expect(q.events.length).toBeGreaterThan(0);
    } finally {
      client.close();
      release();
      await listener.close();
      await q.queue.close();
    }
  });
});

describe('bad clients', () => {
  it('garbage, a disconnect mid-frame and a giant frame are kept as tagged events; the listener goes on', async () => {
    const q = collectingQueue();
    const o = listenerOptions(q.queue, { input: 'syslog-tcp', maxEventBytes: 1024 });
    const listener = createStreamListener({ ...o, kind: 'syslog-tcp' });
    await listener.start();
    const port = listener.address()!.port;
    try {
      const garbage = await connect(port);
      garbage.end(Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a, 0x3c, 0x39, 0x39, 0x39, 0x3e, 0x0a]));
      await q.until(2);
      expect(q.events.map((e) => e.tags)).toEqual([
        ['invalid_utf8', '_syslog_unparsed'],
        ['_syslog_unparsed'],
      ]);

      const cut = await connect(port);
      cut.write('500 <13>Oct 11 22:14:15 h app: half a fra');
      await sleep(20);
      cut.destroy();
      const [, , partial] = await q.until(3);
      expect(partial?.tags).toEqual(['truncated']);
      expect((partial!.doc as unknown as SyslogDoc).message).toBe('half a fra');

      const giant = await connect(port);
      const size = 20 * 1024 * 1024;
      const head = '<13>Oct 11 22:14:15 h app: ';
      giant.write(`${size} ${head}`);
      const block = Buffer.alloc(1024 * 1024, 0x61);
      for (let left = size - head.length; left > 0; left -= block.length) {
        if (!giant.write(block.subarray(0, Math.min(left, block.length))))
          await new Promise((r) => giant.once('drain', r));
      }
      giant.end('<13>Oct 11 22:14:15 h app: after the giant\n');
      const events = await q.until(5);
      expect(events[3]?.tags).toEqual(['truncated']);
      expect(Buffer.byteLength(events[3]?.text ?? '')).toBeLessThanOrEqual(1024);
      expect((events[4]!.doc as unknown as SyslogDoc).message).toBe('after the giant');
      expect(listener.address()).not.toBeNull();
    } finally {
      await listener.close();
      await q.queue.close();
    }
  });

  it('refuses connections beyond the limit and counts them', async () => {
    const q = collectingQueue();
    const listener = createStreamListener({
      ...listenerOptions(q.queue, { maxConnections: 2 }),
      kind: 'syslog-tcp',
    });
    await listener.start();
    const port = listener.address()!.port;
    const open: net.Socket[] = [];
    try {
      open.push(await connect(port), await connect(port));
      await sleep(50);
      const third = await connect(port);
      open.push(third);
      await new Promise((r) => third.once('close', r));
      expect(listener.stats()).toMatchObject({ connections: 2, refusedConnections: 1 });
    } finally {
      for (const s of open) s.destroy();
      await listener.close();
      await q.queue.close();
    }
  });

  it('stops: the port is closed and open connections are ended', async () => {
    const q = collectingQueue();
    const listener = createStreamListener({ ...listenerOptions(q.queue), kind: 'syslog-tcp' });
    await listener.start();
    const port = listener.address()!.port;
    const client = await connect(port);
    const closed = new Promise((r) => client.once('close', r));
    await listener.close();
    await closed;
    expect(listener.address()).toBeNull();
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await q.queue.close();
  });
});

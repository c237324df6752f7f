import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSigned } from '../../../core/http/tls.ts';
import type { SyslogDoc } from './parse.ts';
import { createStreamListener } from './stream.ts';
import { collectingQueue, listenerOptions } from './testing.ts';
import { createUdpListener } from './udp.ts';

const run = promisify(execFile);
const LOGGER = '/usr/bin/logger';
const missing = !existsSync(LOGGER);
if (missing && process.env.CI === 'true') throw new Error(`${LOGGER} (util-linux) is required under CI`);

const sink = collectingQueue();
const udp = createUdpListener(listenerOptions(sink.queue, { input: 'syslog-udp' }));
const tcp = createStreamListener({
  ...listenerOptions(sink.queue, { input: 'syslog-tcp' }),
  kind: 'syslog-tcp',
});

beforeAll(async () => {
  await udp.start();
  await tcp.start();
});
afterAll(async () => {
  await udp.close();
  await tcp.close();
  await sink.queue.close();
});

// RFC 3164 headers carry local time without a zone; the province's devices run in Asia/Ho_Chi_Minh.
async function logger(args: string[], message: string) {
  await run(LOGGER, [...args, message], { env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' } });
}

function find(marker: string) {
  const e = sink.events.find((x) => x.text?.includes(marker));
  if (!e) throw new Error(`no event with ${marker}`);
  return { ...e, doc: e.doc as unknown as SyslogDoc };
}

async function arrived(marker: string) {
  const deadline = Date.now() + 10_000;
  while (!sink.events.some((x) => x.text?.includes(marker))) {
    if (Date.now() > deadline) throw new Error(`${marker} never arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return find(marker);
}

describe.skipIf(missing)('util-linux logger as the client', () => {
  it('UDP, RFC 3164: facility, severity, hostname, tag and pid parsed', async () => {
    const port = String(udp.address()?.port);
    await logger(
      ['--udp', '-n', '127.0.0.1', '-P', port, '--rfc3164', '-t', 'sshd', '-i', '-p', 'authpriv.warning'],
      'udp-3164 Failed password for root',
    );
    const e = await arrived('udp-3164');
    expect(e).toMatchObject({ input: 'syslog-udp', kind: 'syslog-udp', peer: '127.0.0.1' });
    expect(e.doc.log?.syslog).toMatchObject({
      facility: { code: 10, name: 'authpriv' },
      severity: { code: 4, name: 'Warning' },
      appname: 'sshd',
    });
    expect(e.doc.log?.syslog.procid).toMatch(/^\d+$/);
    expect(e.doc.message).toBe('udp-3164 Failed password for root');
    expect(Math.abs(Date.parse(e.doc['@timestamp'] ?? '') - Date.now())).toBeLessThan(60_000);
  });

  it('UDP, RFC 5424 with structured data', async () => {
    const port = String(udp.address()?.port);
    await logger(
      [
        '--udp',
        '-n',
        '127.0.0.1',
        '-P',
        port,
        '--rfc5424',
        '-t',
        'app',
        '--msgid',
        'LOGIN',
        '--sd-id',
        'zoo@32473',
        '--sd-param',
        'tiger="hungry"',
      ],
      'udp-5424 Tỉnh Số',
    );
    const e = await arrived('udp-5424');
    expect(e.doc.log?.syslog).toMatchObject({ version: 1, appname: 'app', msgid: 'LOGIN' });
    expect(e.doc.log?.syslog.structured_data?.['zoo@32473']).toEqual({ tiger: 'hungry' });
    expect(e.doc.message).toBe('udp-5424 Tỉnh Số');
    expect(e.tags).toBeUndefined();
  });

  it('TCP with octet counting, RFC 5424', async () => {
    const port = String(tcp.address()?.port);
    await logger(
      ['--tcp', '--octet-count', '-n', '127.0.0.1', '-P', port, '--rfc5424', '-t', 'octet'],
      'tcp-octet hello',
    );
    const e = await arrived('tcp-octet');
    expect(e).toMatchObject({ kind: 'syslog-tcp', input: 'syslog-tcp' });
    expect(e.doc.log?.syslog).toMatchObject({ version: 1, appname: 'octet' });
    expect(e.doc.message).toBe('tcp-octet hello');
  });

  it('TCP without octet counting, RFC 3164', async () => {
    const port = String(tcp.address()?.port);
    await logger(
      ['--tcp', '-n', '127.0.0.1', '-P', port, '--rfc3164', '-t', 'plain', '-p', 'local3.err'],
      'tcp-newline hello',
    );
    const e = await arrived('tcp-newline');
    expect(e.doc.log?.syslog).toMatchObject({
      appname: 'plain',
      facility: { name: 'local3' },
      severity: { name: 'Error' },
    });
    expect(e.doc.message).toBe('tcp-newline hello');
  });
});

describe('TLS (RFC 5425) with the platform certificate', () => {
  it('reads octet-counted and newline frames over TLS', async () => {
    const { cert, key } = await generateSelfSigned(['localhost']);
    const q = collectingQueue();
    const listener = createStreamListener({
      ...listenerOptions(q.queue, { input: 'syslog-tls' }),
      kind: 'syslog-tls',
      tlsOptions: { cert, key },
    });
    await listener.start();
    try {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: listener.address()!.port,
        ca: cert,
        servername: 'localhost',
      });
      await new Promise<void>((resolve, reject) =>
        socket.once('secureConnect', resolve).once('error', reject),
      );
      const m1 = Buffer.from('<165>1 2024-01-01T00:00:00Z h app - - - tls-counted', 'utf8');
      socket.write(Buffer.concat([Buffer.from(`${m1.length} `), m1]));
      socket.end('<13>Jan  1 07:00:00 h app: tls-newline\n');
      const events = await q.until(2);
      expect(events.map((e) => (e.doc as unknown as SyslogDoc).message)).toEqual([
        'tls-counted',
        'tls-newline',
      ]);
      expect(events[0]).toMatchObject({ kind: 'syslog-tls', input: 'syslog-tls', peer: '127.0.0.1' });
    } finally {
      await listener.close();
      await q.queue.close();
    }
  });
});

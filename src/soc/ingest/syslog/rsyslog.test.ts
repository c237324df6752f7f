import { type ChildProcess, execFile, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config/index.ts';
import { tlsOptions } from '../../../core/http/tls.ts';
import type { SyslogListener } from './listener.ts';
import type { SyslogDoc } from './parse.ts';
import { createStreamListener } from './stream.ts';
import { collectingQueue, listenerOptions, testCertificates } from './testing.ts';

const RSYSLOGD = '/usr/sbin/rsyslogd';
const LOGGER = '/usr/bin/logger';
const missing = [RSYSLOGD, LOGGER].filter((f) => !existsSync(f));
if (missing.length > 0 && process.env.CI === 'true') {
  throw new Error(`${missing.join(', ')} missing: .ci/run installs rsyslog and rsyslog-gnutls`);
}
const run = promisify(execFile);

const dir = mkdtempSync(join(tmpdir(), 'tinhso-rsyslog-'));
const sink = collectingQueue();
let tcp: SyslogListener;
let tls: SyslogListener;
let rsyslogd: ChildProcess | null = null;
let rsyslogPort = 0;
let stderr = '';

/** A free UDP port for rsyslog's input (it cannot report one it picked itself). */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  if (missing.length > 0) return;
  const { ca, cert, key } = await testCertificates();
  writeFileSync(join(dir, 'ca.pem'), ca);
  writeFileSync(join(dir, 'server.crt'), cert);
  writeFileSync(join(dir, 'server.key'), key, { mode: 0o600 });
  // The TLS listener takes the platform's certificate exactly as the HTTPS server does.
  const config = loadConfig({
    env: {},
    file: '',
    overrides: {
      dataDir: dir,
      'tls.mode': 'files',
      'tls.certFile': join(dir, 'server.crt'),
      'tls.keyFile': join(dir, 'server.key'),
    },
  });
  const platformTls = await tlsOptions(config);
  tcp = createStreamListener({ ...listenerOptions(sink.queue, { input: 'syslog-tcp' }), kind: 'syslog-tcp' });
  tls = createStreamListener({
    ...listenerOptions(sink.queue, { input: 'syslog-tls' }),
    kind: 'syslog-tls',
    tlsOptions: platformTls ?? undefined,
  });
  await tcp.start();
  await tls.start();
  rsyslogPort = await freeUdpPort();
  const tcpPort = tcp.address()!.port;
  const tlsPort = tls.address()!.port;
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    `global(workDirectory="${dir}" defaultNetstreamDriverCAFile="${join(dir, 'ca.pem')}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="${rsyslogPort}" ruleset="forward")
ruleset(name="forward") {
  if $msg contains "via-octet" then
    action(type="omfwd" target="127.0.0.1" port="${tcpPort}" protocol="tcp" TCP_Framing="octet-counted"
           template="RSYSLOG_SyslogProtocol23Format")
  if $msg contains "via-newline" then
    action(type="omfwd" target="127.0.0.1" port="${tcpPort}" protocol="tcp" TCP_Framing="traditional")
  if $msg contains "via-tls" then
    action(type="omfwd" target="127.0.0.1" port="${tlsPort}" protocol="tcp" TCP_Framing="octet-counted"
           StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name"
           StreamDriverPermittedPeers="localhost" template="RSYSLOG_SyslogProtocol23Format")
}
`,
  );
  rsyslogd = spawn(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], {
    env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  rsyslogd.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
});

afterAll(async () => {
  if (rsyslogd && rsyslogd.exitCode === null) {
    const exited = new Promise((r) => rsyslogd?.once('exit', r));
    rsyslogd.kill('SIGTERM');
    await exited;
  }
  await tcp?.close();
  await tls?.close();
  await sink.queue.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Sends through rsyslog until the message reaches our listener: rsyslog's UDP input comes up a moment after
 * the process starts, and a datagram sent before is lost.
 */
async function through(marker: string, args: string[]) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await run(LOGGER, ['--udp', '-n', '127.0.0.1', '-P', String(rsyslogPort), ...args, marker], {
      env: { ...process.env, TZ: 'Asia/Ho_Chi_Minh' },
    });
    const until = Date.now() + 500;
    while (Date.now() < until) {
      const e = sink.events.find((x) => x.text?.includes(marker));
      if (e) return { ...e, doc: e.doc as unknown as SyslogDoc };
      await new Promise((r) => setTimeout(r, 25));
    }
    if (Date.now() > deadline || rsyslogd?.exitCode !== null) {
      throw new Error(`${marker} never arrived through rsyslog; rsyslogd said: ${stderr || '(nothing)'}`);
    }
  }
}

describe.skipIf(missing.length > 0)(
  `rsyslog as a forwarder${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`,
  () => {
    it('forwards over TCP with octet counting (RFC 5424 template): every header field parsed', async () => {
      const e = await through('via-octet Đăng nhập thất bại', [
        '--rfc3164',
        '-t',
        'sshd',
        '-p',
        'auth.notice',
      ]);
      expect(e).toMatchObject({ kind: 'syslog-tcp', input: 'syslog-tcp', peer: '127.0.0.1' });
      expect(e.doc.log?.syslog).toMatchObject({
        version: 1,
        appname: 'sshd',
        facility: { code: 4, name: 'auth' },
        severity: { code: 5, name: 'Notice' },
      });
      expect(e.doc.message).toBe('via-octet Đăng nhập thất bại');
      expect(e.doc.host?.hostname).toBeTruthy();
      expect(Math.abs(Date.parse(e.doc['@timestamp'] ?? '') - Date.now())).toBeLessThan(60_000);
      expect(e.tags).toBeUndefined();
    });

    it('forwards over TCP with newline framing (traditional BSD template, local time of Asia/Ho_Chi_Minh)', async () => {
      const e = await through(
        'via-newline CEF:0|Fortinet|FortiGate|7.2|13|traffic|3|src=10.1.1.1 dst=10.2.2.2',
        ['--rfc3164', '-t', 'fgt', '-p', 'local7.info'],
      );
      expect(e.kind).toBe('syslog-tcp');
      expect(e.doc.log?.syslog).toMatchObject({
        appname: 'fgt',
        facility: { name: 'local7' },
        severity: { name: 'Informational' },
      });
      expect(e.doc.log?.syslog.version).toBeUndefined();
      expect(Math.abs(Date.parse(e.doc['@timestamp'] ?? '') - Date.now())).toBeLessThan(60_000);
      expect(e.doc.message.startsWith('via-newline CEF:0|')).toBe(true);
    });

    it('forwards over TLS (gtls, x509/name against our CA) to the listener using the platform certificate', async () => {
      const e = await through('via-tls hello over TLS', ['--rfc3164', '-t', 'app', '-p', 'daemon.err']);
      expect(e).toMatchObject({ kind: 'syslog-tls', input: 'syslog-tls', peer: '127.0.0.1' });
      expect(e.doc.log?.syslog).toMatchObject({
        version: 1,
        appname: 'app',
        facility: { name: 'daemon' },
        severity: { name: 'Error' },
      });
      expect(e.doc.message).toBe('via-tls hello over TLS');
    });
  },
);

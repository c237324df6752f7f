import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { testDatabaseUrl } from '../../../test/helpers/db.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { systemCtx } from '../../core/context.ts';
import type { Platform } from '../../core/platform.ts';
import type { SocDeps } from '../deps.ts';
import { SiemTotals } from '../health/counters.ts';
import { collectingQueue } from '../ingest/syslog/testing.ts';
import { createInputs } from './index.ts';
import type { InputView } from './schema.ts';

const overrides = {
  'soc.syslog.host': '127.0.0.1',
  'soc.syslog.udpPort': 0,
  'soc.syslog.tcpPort': 0,
  'soc.syslog.tlsPort': 0,
};

let t: TestApp;
let admin: LoggedIn;
let reader: LoggedIn;
let nobody: LoggedIn;

beforeAll(async () => {
  t = await createTestApp(overrides);
  admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  reader = await loginAs(t, { roles: ['business_admin'], scope: 'all' });
  nobody = await loginAs(t, { roles: ['user'] });
});
afterAll(() => t.close());

function call(who: LoggedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) {
  return t.app.inject(
    payload === undefined
      ? { method, url, headers: who.headers }
      : { method, url, headers: who.headers, payload },
  );
}

async function inputs(who: LoggedIn): Promise<Record<string, InputView>> {
  const res = await call(who, 'GET', '/api/soc/inputs');
  expect(res.statusCode, res.body).toBe(200);
  return Object.fromEntries((res.json() as { items: InputView[] }).items.map((i) => [i.id, i]));
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

async function eventually(check: () => boolean | Promise<boolean>, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function socDeps(platform: Platform): SocDeps {
  const s = t.services;
  return {
    platform,
    org: s.org,
    bus: s.bus,
    notifications: s.notifications,
    scheduler: s.scheduler,
    permissionHolders: async () => [],
  };
}

async function lastConfigAudit(action: string) {
  const entries = await searchAudit(t.platform.db, { categories: ['config'], limit: 20 });
  return entries.find((e) => e.action === action);
}

describe('the input registry over HTTP (SOC-16)', () => {
  it('lists the seeded inputs with wanted and running state; readers may look, others may not', async () => {
    const list = await inputs(reader);
    expect(Object.keys(list).sort()).toEqual(['bulk', 'http', 'syslog-tcp', 'syslog-tls', 'syslog-udp']);
    expect(list['syslog-tcp']).toMatchObject({
      kind: 'syslog-tcp',
      enabled: true,
      running: false, // the test app does not start listeners by itself (soc.start is `tinhso serve`'s)
      address: null,
      listen: { host: '127.0.0.1', port: 0, maxConnections: 1000 },
      charset: 'utf-8',
      totals: { events: 0, bytes: 0, dropped: 0, dropReasons: {} },
    });
    expect(list.http).toMatchObject({ enabled: true, running: true, address: null, listen: null });
    expect((await call(nobody, 'GET', '/api/soc/inputs')).statusCode).toBe(403);
    expect((await call(reader, 'POST', '/api/soc/inputs/syslog-tcp/start')).statusCode).toBe(403);
    expect((await call(reader, 'PATCH', '/api/soc/inputs/syslog-tcp', { charset: 'utf-8' })).statusCode).toBe(
      403,
    );
  });

  it('start opens the port and events are counted; stop closes it; both audited as configuration', async () => {
    const stopped = await call(admin, 'POST', '/api/soc/inputs/syslog-tcp/stop');
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(stopped.json()).toMatchObject({ enabled: false, running: false });
    expect(await lastConfigAudit('soc.input.stop')).toMatchObject({
      targetType: 'soc_input',
      targetId: 'syslog-tcp',
    });

    const started = await call(admin, 'POST', '/api/soc/inputs/syslog-tcp/start');
    expect(started.statusCode, started.body).toBe(200);
    const view = started.json() as InputView;
    expect(view).toMatchObject({ enabled: true, running: true, problem: null });
    expect(view.address?.port).toBeGreaterThan(0);
    expect(t.services.soc.inputs.isRunning('syslog-tcp')).toBe(true);
    expect(t.services.soc.inputs.address('syslog-tcp')).toEqual(view.address);
    const entry = await lastConfigAudit('soc.input.start');
    expect(entry).toMatchObject({ targetId: 'syslog-tcp', actorId: admin.accountId });
    expect(entry?.details).toMatchObject({ before: { enabled: false }, after: { enabled: true } });

    const port = view.address!.port;
    const client = await connect(port);
    client.end('<13>Oct 11 22:14:15 h app: one\n15 <13>h app: two!\n');
    await eventually(() => (t.services.soc.counters.inputs.get('syslog-tcp')?.events ?? 0) >= 2);
    await t.services.soc.ingestion.idle();
    const list = await inputs(reader);
    expect(list['syslog-tcp']?.totals).toMatchObject({ events: 2, dropped: 0 });

    expect((await call(admin, 'POST', '/api/soc/inputs/syslog-tcp/stop')).json()).toMatchObject({
      running: false,
      address: null,
    });
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('changes settings with an audited before/after; a new port rebinds the running listener', async () => {
    expect((await call(admin, 'POST', '/api/soc/inputs/syslog-udp/start')).statusCode).toBe(200);
    const res = await call(admin, 'PATCH', '/api/soc/inputs/syslog-udp', { charset: 'Windows-1258' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      settings: { charset: 'windows-1258' },
      charset: 'windows-1258',
      running: true,
    });
    const entry = await lastConfigAudit('soc.input.update');
    expect(entry?.details).toMatchObject({
      before: { settings: {} },
      after: { settings: { charset: 'windows-1258' } },
    });

    const free = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    expect((await call(admin, 'POST', '/api/soc/inputs/syslog-tcp/start')).statusCode).toBe(200);
    const moved = await call(admin, 'PATCH', '/api/soc/inputs/syslog-tcp', { port: free, maxConnections: 5 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      address: { port: free },
      listen: { port: free, maxConnections: 5 },
    });
    (await connect(free)).destroy();

    const back = await call(admin, 'PATCH', '/api/soc/inputs/syslog-tcp', {
      port: null,
      maxConnections: null,
    });
    expect(back.json()).toMatchObject({ settings: {}, listen: { port: 0, maxConnections: 1000 } });
    await call(admin, 'POST', '/api/soc/inputs/syslog-tcp/stop');
    await call(admin, 'POST', '/api/soc/inputs/syslog-udp/stop');
  });

  it('refuses unknown inputs, unknown charsets and settings that do not apply', async () => {
    const cases: [string, string, object | undefined, number, string][] = [
      ['POST', '/api/soc/inputs/nope/start', undefined, 404, 'SOC_INPUT_NOT_FOUND'],
      ['PATCH', '/api/soc/inputs/syslog-udp', { charset: 'klingon-8' }, 400, 'SOC_INPUT_CHARSET_UNKNOWN'],
      ['PATCH', '/api/soc/inputs/http', { port: 8080 }, 400, 'SOC_INPUT_SETTING_INVALID'],
      ['PATCH', '/api/soc/inputs/syslog-udp', { maxConnections: 3 }, 400, 'SOC_INPUT_SETTING_INVALID'],
      ['PATCH', '/api/soc/inputs/syslog-tcp', { host: 'not-an-ip' }, 400, 'SOC_INPUT_SETTING_INVALID'],
      ['PATCH', '/api/soc/inputs/syslog-tcp', { colour: 'red' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const res = await call(admin, method as 'POST' | 'PATCH', url, body);
      expect(res.statusCode, `${url} ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
    }
  });

  it('refuses to start syslog over TLS without a platform certificate, and says why', async () => {
    const res = await call(admin, 'POST', '/api/soc/inputs/syslog-tls/start');
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('SOC_INPUT_TLS_NO_CERTIFICATE');
    expect((await inputs(reader))['syslog-tls']).toMatchObject({ running: false, problem: 'no_certificate' });
  });

  it('stopping the HTTP input tells the HTTP routes through isRunning', async () => {
    await call(admin, 'POST', '/api/soc/inputs/http/stop');
    expect(t.services.soc.inputs.isRunning('http')).toBe(false);
    await call(admin, 'POST', '/api/soc/inputs/http/start');
    expect(t.services.soc.inputs.isRunning('http')).toBe(true);
  });
});

describe('start() of the node', () => {
  it('starts the enabled syslog inputs when soc.syslog.autostart is on, and close() stops them', async () => {
    // A second inputs part over the same database, as another node configured to host inputs would have.
    const config = t.platform.config;
    const platform = {
      ...t.platform,
      config: { ...config, soc: { ...config.soc, syslog: { ...config.soc.syslog, autostart: true } } },
    };
    for (const id of ['syslog-udp', 'syslog-tcp']) {
      expect((await call(admin, 'POST', `/api/soc/inputs/${id}/start`)).statusCode).toBe(200);
    }
    const sink = collectingQueue();
    const node = createInputs({ ...socDeps(platform), sink: sink.queue, counters: new SiemTotals() });
    try {
      await node.start?.();
      expect(node.isRunning('syslog-udp')).toBe(true);
      expect(node.isRunning('syslog-tcp')).toBe(true);
      expect(node.isRunning('syslog-tls')).toBe(false); // no certificate: off
      const port = node.address('syslog-tcp')!.port;
      const client = await connect(port);
      client.end('<13>Oct 11 22:14:15 h app: autostarted\n');
      const [event] = await sink.until(1);
      expect(event).toMatchObject({
        input: 'syslog-tcp',
        kind: 'syslog-tcp',
        doc: { message: 'autostarted' },
      });

      // A declared charset applies to the running listener at once, without a restart.
      const operator = systemCtx('test', ['soc.config.write']);
      await node.service.update(operator, 'syslog-udp', { charset: 'windows-1258' });
      const udp = dgram.createSocket('udp4');
      // "Nguyễn" as Windows-1258 writes it: ê (EA) then a combining tilde (DE).
      const bytes = Buffer.concat([
        Buffer.from('<13>Oct 11 22:14:15 h app: Nguy'),
        Buffer.from([0xea, 0xde]),
        Buffer.from('n'),
      ]);
      await new Promise((r) => udp.send(bytes, node.address('syslog-udp')!.port, '127.0.0.1', r));
      udp.close();
      const [, decoded] = await sink.until(2);
      expect(decoded).toMatchObject({ input: 'syslog-udp', doc: { message: 'Nguyễn' } });
      await node.service.update(operator, 'syslog-udp', { charset: null });

      await node.close?.();
      await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await node.close?.();
      await sink.queue.close();
    }
  });
});

describe.skipIf(!testDatabaseUrl)('several nodes (PostgreSQL bus)', () => {
  it('a stop or start on one node is applied by every node hosting inputs', async () => {
    // Cross-node delivery needs the bus's own connection: both nodes get the database URL.
    const a = await createTestApp({ ...overrides, 'database.url': testDatabaseUrl });
    const b = await createTestApp(
      { ...overrides, 'database.url': testDatabaseUrl, 'soc.syslog.autostart': true },
      a.platform.database,
    );
    const operator = systemCtx('test', ['soc.config.write']);
    const svc = a.services.soc.inputs.service;
    const other = b.services.soc.inputs;
    try {
      await a.services.bus.ready();
      await b.services.bus.ready();
      await other.start?.();
      expect(other.isRunning('syslog-udp')).toBe(true);
      await svc.stop(operator, 'syslog-udp');
      await eventually(() => !other.isRunning('syslog-udp'));
      expect(other.isRunning('http')).toBe(true);
      await svc.stop(operator, 'http');
      await eventually(() => !other.isRunning('http'));
      await svc.start(operator, 'syslog-udp');
      await svc.start(operator, 'http');
      await eventually(() => other.isRunning('syslog-udp') && other.isRunning('http'));
      // Node A never hosted inputs (autostart off): it follows the registry but binds nothing by itself.
      expect(a.services.soc.inputs.isRunning('syslog-tcp')).toBe(false);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

/**
 * bench/lgsp-gateway.bench.ts — the LGSP gateway (LGSP-11): throughput and p50/p99 of an HMAC-signed,
 * authenticated, rate-limited and logged (exchange record + access entry) POST through `tinhso serve` to a
 * local destination, with 1 KB and 100 KB bodies (request and answer) at 50 and 200 clients, against the
 * same load through nginx (one worker, plain reverse proxy with keep-alive upstream and an access log),
 * through the thinnest Node proxy (bench/bare-proxy.ts: Node's own floor) and straight to the destination,
 * in the same run. Every request is signed when autocannon sends it (unique
 * nonce per request, as the platform accepts each nonce once). Also signature verifications per second on
 * one core against a bare crypto.createHmac. Prints one JSON line.
 * Env: BENCH_SECONDS (default 10), BENCH_DATABASE_URL (PostgreSQL instead of the embedded database),
 * BENCH_NODE_ARGS (e.g. --cpu-prof for the server), BENCH_SIZES and BENCH_CLIENTS (comma lists: some points only).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { encodePath, signRequest, verifyRequestSignature } from '../sdk/src/index.ts';
import { benchSchema, machine, startChild, stopChild } from './lib.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
// BENCH_SIZES / BENCH_CLIENTS (comma lists) narrow the run to some points, e.g. for a profile of one.
const list = (v: string | undefined, d: number[]) => (v ? v.split(',').map(Number) : d);
const SIZES = list(process.env.BENCH_SIZES, [1024, 100 * 1024]);
const CLIENTS = list(process.env.BENCH_CLIENTS, [50, 200]);
const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
const cli = join(import.meta.dirname, '..', 'src', 'cli.ts');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Run {
  rps: number;
  /** CPU time the proxy's processes spent per request (µs): comparable even on a busy machine. */
  cpuUsPerRequest: number | null;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** User + system CPU ticks (1/100 s) of a process and its descendants, from /proc. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let ticks = Number(fields[11]) + Number(fields[12]);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) ticks += cpuTicks(Number(child));
    }
    return ticks;
  } catch {
    return 0;
  }
}

async function run(options: autocannon.Options, pid?: number): Promise<Run> {
  const before = pid ? cpuTicks(pid) : 0;
  const r = await autocannon({ duration: DURATION, ...options });
  const ticks = pid ? cpuTicks(pid) - before : 0;
  return {
    rps: Math.round(r.requests.average),
    cpuUsPerRequest: pid && r.requests.total > 0 ? Math.round((ticks * 10_000) / r.requests.total) : null,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

async function json(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown>; res: Response }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, res };
}

/** Logs in as the first administrator and creates two units, two applications, a service and a right. */
async function setUp(base: string, oneTime: string, destinationUrl: string) {
  const login = async (password: string) => {
    const { res, body } = await json(`${base}/api/iam/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrfToken as string };
  };
  const first = await login(oneTime);
  const password = `Bench-${randomBytes(6).toString('hex')}#1A`;
  await fetch(`${base}/api/iam/auth/change-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: first.cookie, 'x-csrf-token': first.csrf },
    body: JSON.stringify({ currentPassword: oneTime, newPassword: password }),
  });
  const session = await login(password);
  const send = async (method: string, path: string, payload: unknown) => {
    const r = await json(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf },
      body: JSON.stringify(payload),
    });
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const root = await send('POST', '/api/org/units', {
    parentId: null,
    name: 'UBND tỉnh Đo',
    code: '000.00.00.H95',
  });
  const provider = await send('POST', '/api/org/units', { parentId: root.id, name: 'Sở Tư pháp' });
  const source = await send('POST', '/api/org/units', { parentId: root.id, name: 'UBND huyện Đo' });
  const providerApp = await send('POST', '/api/lgsp/applications', {
    unitId: provider.id,
    code: 'ho-tich',
    name: 'Hộ tịch',
    kind: 'hmac',
  });
  const sourceApp = await send('POST', '/api/lgsp/applications', {
    unitId: source.id,
    code: 'mot-cua',
    name: 'Một cửa',
    kind: 'hmac',
    rateLimitPerMinute: 10_000_000,
  });
  const issued = await send('POST', `/api/lgsp/applications/${sourceApp.id as string}/keys`, {});
  const service = await send('POST', '/api/lgsp/services', {
    applicationId: providerApp.id,
    code: 'hotich',
    name: 'Tra cứu hộ tịch',
    protocol: 'rest-json',
    baseUrl: `${destinationUrl}/api`,
    allowedMethods: ['GET', 'POST'],
    timeoutMs: 30_000,
  });
  await send('PUT', `/api/lgsp/rights/${sourceApp.id as string}/${service.id as string}`, {
    operations: ['POST'],
  });
  return {
    unitCode: provider.code as string,
    accessKey: (issued.key as { accessKey: string }).accessKey,
    secretKey: issued.secretKey as string,
  };
}

/** nginx as a plain reverse proxy (one worker, keep-alive upstream, access log) on `port`. */
async function startNginx(port: number, upstreamPort: number) {
  if (!existsSync('/usr/sbin/nginx')) {
    const r = spawnSync('apt-get', ['install', '-y', 'nginx'], { stdio: 'ignore' });
    if (r.status !== 0 || !existsSync('/usr/sbin/nginx')) return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tinhso-nginx-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 10m;
  client_body_buffer_size 128k;
  upstream destination { server 127.0.0.1:${upstreamPort}; keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://destination;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const proc = spawn('/usr/sbin/nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/b1`);
      return proc;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('nginx did not start');
}

/** Signature checks per second on this core: the platform's verifier against a bare HMAC of the same text. */
function signatureRate() {
  const secret = randomBytes(24).toString('base64url');
  const body = Buffer.alloc(1024, 'x');
  const digest = createHash('sha256').update(body).digest('hex');
  const path = '/000.00.01.H99/hotich/ho-so/42';
  const signed = signRequest({
    algorithm: 'HMAC-SHA256',
    accessKey: 'AKbench',
    key: { secretKey: secret },
    method: 'POST',
    path,
    contentSha256: digest,
    headers: { 'content-type': 'application/json' },
  });
  const headers = { ...signed.headers, 'content-type': 'application/json' };
  const per = (fn: () => void) => {
    const end = Date.now() + 1000;
    let n = 0;
    while (Date.now() < end) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
    }
    return n;
  };
  const verify = per(() => {
    const r = verifyRequestSignature({ method: 'POST', path, query: '', headers }, { secretKey: secret });
    if (!r.ok) throw new Error('bench signature did not verify');
  });
  const bare = per(() => createHmac('sha256', secret).update(signed.canonical).digest('base64'));
  return {
    verifyPerSecond: verify,
    bareHmacPerSecond: bare,
    ratio: Math.round((verify / bare) * 1000) / 1000,
  };
}

const [destPort, nginxPort, serverPort, bareProxyPort] = [
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
];
const destination = await startChild(
  tsx,
  [join(import.meta.dirname, 'lgsp-destination.ts'), String(destPort)],
  {},
  /ready/,
);
const dataDir = mkdtempSync(join(tmpdir(), 'tinhso-bench-lgsp-'));
const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
// A fresh schema per run, so the server starts on an empty database and prints its one-time password.
const fresh = process.env.BENCH_DATABASE_URL
  ? await benchSchema(process.env.BENCH_DATABASE_URL, 'bench_lgsp')
  : null;
const databaseUrl = fresh?.url ?? '';
const server = await startChild(
  process.execPath,
  [...nodeArgs, '--import', 'tsx', cli, 'serve'],
  {
    TINHSO_DATA_DIR: dataDir,
    TINHSO_HTTP_PORT: String(serverPort),
    TINHSO_HTTP_HOST: '127.0.0.1',
    TINHSO_HTTP_LOGIN_RATE_LIMIT: '1000000',
    TINHSO_SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    ...(databaseUrl
      ? { TINHSO_DATABASE_URL: databaseUrl, TINHSO_SECURITY_MASTER_KEY: randomBytes(32).toString('hex') }
      : {}),
  },
  /mật khẩu:\s+\S+/,
);
const oneTime = /mật khẩu:\s+(\S+)/.exec(server.output())![1]!;
const base = `http://127.0.0.1:${serverPort}`;
// Children must not outlive a failed run.
process.on('uncaughtException', (err) => {
  server.child.kill('SIGTERM');
  destination.child.kill('SIGTERM');
  throw err;
});
const creds = await setUp(base, oneTime, `http://127.0.0.1:${destPort}`).catch(async (err: unknown) => {
  await stopChild(server.child);
  await stopChild(destination.child);
  throw err;
});
const nginx = await startNginx(nginxPort, destPort);
const bareProxy = await startChild(
  tsx,
  [join(import.meta.dirname, 'bare-proxy.ts'), String(bareProxyPort), `http://127.0.0.1:${destPort}`],
  {},
  /ready/,
);

const results: Record<string, unknown>[] = [];
for (const size of SIZES) {
  const body = Buffer.alloc(size, 'd');
  const digest = createHash('sha256').update(body).digest('hex');
  const path = encodePath(`/${creds.unitCode}/hotich/b${size}`);
  const contentType = { 'content-type': 'application/octet-stream' };
  // The canonical request differs between requests only in its timestamp and nonce: the SDK builds it once,
  // then each request gets a fresh nonce and timestamp spliced in and its own HMAC (a few µs), so the load
  // generator, which shares the machine with the server, is not what limits the figures.
  const template = signRequest({
    algorithm: 'HMAC-SHA256',
    accessKey: creds.accessKey,
    key: { secretKey: creds.secretKey },
    method: 'POST',
    path,
    contentSha256: digest,
    headers: contentType,
    timestamp: 1,
    nonce: 'NONCEPLACEHOLDER',
  });
  const [head, tail] = template.canonical.split('\n1\nNONCEPLACEHOLDER\n') as [string, string];
  const prefix = randomBytes(6).toString('hex');
  let serial = 0;
  const signed = (): autocannon.Request => ({
    method: 'POST',
    path,
    body,
    headers: contentType,
    // Called for every request: a fresh nonce and signature each time (nonces are accepted once).
    setupRequest: (req: autocannon.Request) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = `${prefix}${(++serial).toString(36).padStart(10, '0')}`;
      const signature = createHmac('sha256', creds.secretKey)
        .update(`${head}\n${timestamp}\n${nonce}\n${tail}`)
        .digest('base64');
      return {
        ...req,
        headers: {
          ...contentType,
          ...template.headers,
          'x-lgsp-timestamp': timestamp,
          'x-lgsp-nonce': nonce,
          'x-lgsp-signature': signature,
        },
      };
    },
  });
  // Warm-up of the gateway's caches and the JIT.
  await run({ url: base, connections: 10, requests: [signed()], duration: 2 } as autocannon.Options);
  for (const clients of CLIENTS) {
    const plain = { method: 'POST' as const, body, headers: contentType, connections: clients };
    const direct = await run(
      { url: `http://127.0.0.1:${destPort}/api/b${size}`, ...plain },
      destination.child.pid,
    );
    const viaNginx = nginx
      ? await run({ url: `http://127.0.0.1:${nginxPort}/api/b${size}`, ...plain }, nginx.pid)
      : null;
    const nodeProxy = await run(
      { url: `http://127.0.0.1:${bareProxyPort}/api/b${size}`, ...plain },
      bareProxy.child.pid,
    );
    const gateway = await run(
      { url: base, connections: clients, requests: [signed()] } as autocannon.Options,
      server.child.pid,
    );
    results.push({
      bodyBytes: size,
      clients,
      direct,
      nginx: viaNginx,
      nodeProxy,
      gateway,
      ratioToNginx: viaNginx ? Math.round((gateway.rps / viaNginx.rps) * 1000) / 1000 : null,
      addedP99VsNginxMs: viaNginx ? gateway.p99 - viaNginx.p99 : null,
      addedP99VsDirectMs: gateway.p99 - direct.p99,
      // nginx's CPU per request over the gateway's: the throughput ratio on equal, dedicated cores.
      cpuRatioToNginx:
        viaNginx?.cpuUsPerRequest && gateway.cpuUsPerRequest
          ? Math.round((viaNginx.cpuUsPerRequest / gateway.cpuUsPerRequest) * 1000) / 1000
          : null,
      // The thinnest Node proxy's share of nginx: what any Node gateway could reach here at best.
      nodeProxyRatioToNginx: viaNginx ? Math.round((nodeProxy.rps / viaNginx.rps) * 1000) / 1000 : null,
      ratioToNodeProxy: Math.round((gateway.rps / nodeProxy.rps) * 1000) / 1000,
      loadAverage: loadavg()[0],
    });
  }
}
const at50 = results.find((r) => r.bodyBytes === 1024 && r.clients === 50);
const signatures = signatureRate();
if (nginx) nginx.kill('SIGTERM');
await stopChild(bareProxy.child);
await stopChild(server.child);
await stopChild(destination.child);
await fresh?.drop();
const out = {
  bench: 'lgsp-gateway',
  database: databaseUrl ? 'postgres' : 'embedded',
  seconds: DURATION,
  machine: machine(),
  results,
  signatures,
  target: {
    ratioToNginxAtLeast: 0.5,
    addedP99AtMostMs: 5,
    met1k50:
      typeof at50?.ratioToNginx === 'number' &&
      at50.ratioToNginx >= 0.5 &&
      (at50.addedP99VsNginxMs as number) <= 5,
  },
};
process.stdout.write(`${JSON.stringify(out)}\n`);

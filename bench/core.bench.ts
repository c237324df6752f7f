/**
 * bench/core.bench.ts — login throughput, and throughput/latency of an authenticated, access-logged read
 * of a small record at 100 clients, on PGlite and on PostgreSQL, each against a bare Fastify route
 * returning the same JSON in the same run. Prints one JSON line.
 * PostgreSQL runs when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchSchema, load, machine, startChild, stopChild } from './lib.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 100;
const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
const cli = join(import.meta.dirname, '..', 'src', 'cli.ts');

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  return { res, body: (await res.json()) as Record<string, unknown> };
}

async function runOne(
  label: string,
  env: Record<string, string>,
  port: number,
  barePort: number,
  bareDbUrl?: string,
) {
  const dataDir = mkdtempSync(join(tmpdir(), `tinhso-bench-${label}-`));
  // BENCH_NODE_ARGS (e.g. --cpu-prof) goes to the server process, for profiling a run.
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const server = await startChild(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', cli, 'serve'],
    {
      TINHSO_DATA_DIR: dataDir,
      TINHSO_HTTP_PORT: String(port),
      TINHSO_HTTP_HOST: '127.0.0.1',
      TINHSO_HTTP_LOGIN_RATE_LIMIT: '1000000',
      TINHSO_SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    /mật khẩu:\s+\S+/,
  );
  const oneTime = /mật khẩu:\s+(\S+)/.exec(server.output())![1]!;
  const base = `http://127.0.0.1:${port}`;
  const login = async (password: string) => {
    const { res, body } = await json(`${base}/api/iam/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    return { cookie, csrf: body.csrfToken as string, id: (body.account as { id: string }).id };
  };
  const first = await login(oneTime);
  const password = `Bench-${randomBytes(6).toString('hex')}#1A`;
  const changed = await fetch(`${base}/api/iam/auth/change-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: first.cookie, 'x-csrf-token': first.csrf },
    body: JSON.stringify({ currentPassword: oneTime, newPassword: password }),
  });
  // The change renews the session: the reads use the new cookie.
  const cookie = changed.headers.get('set-cookie')!.split(';')[0]!;
  const readUrl = `${base}/api/iam/accounts/${first.id}`;
  const record = await json(readUrl, { headers: { cookie } });
  const bodyFile = join(dataDir, 'record.json');
  writeFileSync(bodyFile, JSON.stringify(record.body));
  const bare = await startChild(
    tsx,
    [
      join(import.meta.dirname, 'bare-server.ts'),
      String(barePort),
      bodyFile,
      ...(bareDbUrl ? [bareDbUrl, first.id] : []),
    ],
    {},
    /ready/,
  );

  const bareRead = await load({
    url: `http://127.0.0.1:${barePort}/record`,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  const bareDbRead = bareDbUrl
    ? await load({
        url: `http://127.0.0.1:${barePort}/record-db`,
        connections: CONNECTIONS,
        duration: DURATION,
      })
    : undefined;
  const read = await load({
    url: readUrl,
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { cookie },
  });
  const metricsText = await (await fetch(`${base}/metrics`)).text();
  const metric = (name: string) =>
    Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(metricsText)?.[1] ?? 'NaN');
  const loginLoad = await load({
    url: `${base}/api/iam/auth/login`,
    method: 'POST',
    connections: 8,
    duration: Math.max(3, Math.round(DURATION / 2)),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  await stopChild(bare.child);
  await stopChild(server.child);
  const entries = metric('tinhso_access_log_entries_written');
  const flushSeconds = metric('tinhso_access_log_flush_seconds');
  return {
    read,
    bareRead,
    throughputRatio: Math.round((read.rps / bareRead.rps) * 1000) / 1000,
    ...(bareDbRead
      ? { bareDbRead, ratioToBareDb: Math.round((read.rps / bareDbRead.rps) * 1000) / 1000 }
      : {}),
    addedP99Ms: read.p99 - bareRead.p99,
    login: loginLoad,
    accessLog: {
      entriesWritten: entries,
      flushSeconds: Math.round(flushSeconds * 1000) / 1000,
      microsPerEntry: Math.round((flushSeconds / Math.max(entries, 1)) * 1e6),
    },
  };
}

const results: Record<string, unknown> = {};
// BENCH_ONLY=pglite|postgres runs one of the two (for profiling).
if (process.env.BENCH_ONLY !== 'postgres') results.pglite = await runOne('pglite', {}, 18080, 18081);

const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (pgUrl && process.env.BENCH_ONLY !== 'pglite') {
  const fresh = await benchSchema(pgUrl, 'bench');
  try {
    results.postgres = await runOne(
      'postgres',
      { DATABASE_URL: fresh.url, TINHSO_SECURITY_MASTER_KEY: randomBytes(32).toString('hex') },
      18082,
      18083,
      fresh.url,
    );
  } finally {
    await fresh.drop();
  }
}

process.stdout.write(
  `${JSON.stringify({ bench: 'core', at: new Date().toISOString(), machine: machine(), connections: CONNECTIONS, durationSeconds: DURATION, ...results })}\n`,
);

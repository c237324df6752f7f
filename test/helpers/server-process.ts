/**
 * @module test/helpers/server-process
 * Real `tinhso serve` processes for tests that need several nodes of one deployment (replay protection,
 * rate limits and events across nodes): each node is its own Node process on a random free port, sharing
 * one fresh PostgreSQL database created for the test and dropped afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { consoleBuilt, ensureConsoleBuilt } from '../../src/core/http/console.ts';
import { createLogger } from '../../src/core/log/logger.ts';
import { testDatabaseUrl } from './db.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tinhso.js');

/** One running `tinhso serve` process. */
export interface ServerProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The first administrator printed once by the node that created it (null on the other nodes). */
  readonly firstAdmin: { username: string; password: string } | null;
  /** Everything the process wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and removes its data folder. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** postgres:// URL of the shared database; required (PGlite cannot be shared between processes). */
  databaseUrl: string;
  /** The master key every node of one deployment shares (64 hex chars). */
  masterKey: string;
  /** Extra environment, e.g. `{ TINHSO_LGSP_CLOCK_SKEW_SECONDS: '60' }`. */
  env?: Record<string, string>;
  /** How long to wait for `/readyz` (default 60 s: tsx compiles the sources on first start). */
  readyTimeoutMs?: number;
}

/** A free TCP port on the loopback interface (asked from the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `tinhso serve` builds the web console when it is missing; two nodes starting at once would both run Vite
 * into the same folder. Build it once here, under a lock directory shared by parallel test files.
 */
async function consoleOnce(): Promise<void> {
  if (consoleBuilt()) return;
  const lock = join(
    tmpdir(),
    `tinhso-console-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}`,
  );
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (consoleBuilt()) return;
      if (Date.now() > deadline) throw new Error(`console build lock ${lock} held for too long`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (!consoleBuilt()) await ensureConsoleBuilt(createLogger('warn'));
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Starts one node and waits until it answers `/readyz`. */
export async function startServerProcess(options: StartServerOptions): Promise<ServerProcess> {
  await consoleOnce();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tinhso-node-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TINHSO_DATABASE_URL: options.databaseUrl,
    TINHSO_SECURITY_MASTER_KEY: options.masterKey,
    TINHSO_HTTP_HOST: '127.0.0.1',
    TINHSO_HTTP_PORT: String(port),
    TINHSO_DATA_DIR: dataDir,
    TINHSO_NODE_ID: `test-node-${port}`,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  // The test runner's own settings must not leak into the node (it reads its config from env only).
  delete env.DATABASE_URL;
  delete env.TINHSO_CONFIG;
  delete env.PORT;
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    cwd: dataDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString('utf8');
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (!running) throw new Error(`tinhso serve exited before it was ready:\n${output}`);
    try {
      const res = await fetch(`${url}/readyz`);
      // The banner (with the first administrator) is written right after the port opens.
      if (res.ok && output.includes('Tỉnh Số đang chạy')) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tinhso serve not ready within the time limit:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const user = /tên đăng nhập:\s+(\S+)/.exec(output)?.[1];
  const pass = /mật khẩu:\s+(\S+)/.exec(output)?.[1];
  return {
    url,
    port,
    pid: child.pid ?? -1,
    firstAdmin: user && pass ? { username: user, password: pass } : null,
    output: () => output,
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh PostgreSQL database on the server of TEST_DATABASE_URL; `drop()` removes it. */
export async function createSharedDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set: several nodes need PostgreSQL');
  const name = `tinhso_nodes_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  // The name is generated above (hex only), so it is safe as an identifier.
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: testDatabaseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Several nodes of one deployment on one fresh database. */
export interface ServerCluster {
  readonly nodes: ServerProcess[];
  readonly databaseUrl: string;
  readonly masterKey: string;
  /** Stops every node and drops the database. */
  close(): Promise<void>;
}

/**
 * Starts `count` nodes on a fresh shared database. The first node starts alone (it applies the migrations
 * and creates the first administrator), the others after it is ready.
 */
export async function startCluster(
  count: number,
  options: Omit<StartServerOptions, 'databaseUrl' | 'masterKey'> = {},
): Promise<ServerCluster> {
  const database = await createSharedDatabase();
  const masterKey = randomBytes(32).toString('hex');
  const nodes: ServerProcess[] = [];
  try {
    nodes.push(await startServerProcess({ ...options, databaseUrl: database.url, masterKey }));
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, () =>
        startServerProcess({ ...options, databaseUrl: database.url, masterKey }),
      ),
    );
    nodes.push(...rest);
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    await database.drop();
    throw err;
  }
  return {
    nodes,
    databaseUrl: database.url,
    masterKey,
    async close() {
      await Promise.all(nodes.map((n) => n.stop()));
      await database.drop();
    },
  };
}

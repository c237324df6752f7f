/**
 * @module test/helpers/app
 * A whole Tỉnh Số in process on a fresh database, and accounts logged in through the real login flow.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createServices, type Services } from '../../src/app.ts';
import { loadConfig } from '../../src/core/config/index.ts';
import { type DataScope, systemCtx } from '../../src/core/context.ts';
import type { Database } from '../../src/core/db/index.ts';
import type { App } from '../../src/core/http/types.ts';
import { createLogger } from '../../src/core/log/logger.ts';
import { type Platform, startPlatform, stopPlatform } from '../../src/core/platform.ts';
import { createTestDatabase } from './db.ts';

export interface TestApp {
  app: App;
  platform: Platform;
  services: Services;
  /** Mutable clock: tests move time forward with `advance`. */
  clock: { now: Date; advance(ms: number): void };
  close(): Promise<void>;
}

/**
 * Starts the platform with every module's routes, on a fresh database or on `shared` (a second "node" of the
 * same deployment; the caller closes a shared database); `consoleDir` also serves the built web console.
 */
export async function createTestApp(
  overrides: Record<string, unknown> = {},
  shared?: Database,
  options: { consoleDir?: string } = {},
): Promise<TestApp> {
  const database = shared ?? (await createTestDatabase());
  const config = loadConfig({
    env: {},
    file: '',
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'tinhso-test-')),
      'security.masterKey': randomBytes(32).toString('hex'),
      'log.level': 'silent',
      'scheduler.enabled': false,
      // Tests on PostgreSQL process SIEM batches on the test's own thread (its frozen clock, its spies);
      // the processing threads have their own tests (src/soc/processing/threads/).
      'soc.processing.threads': 0,
      // Every test logs in from 127.0.0.1; the per-IP limit has its own test.
      'http.loginRateLimit': 10_000,
      ...overrides,
    },
  });
  const clock = {
    now: new Date(),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const platform = await startPlatform(config, {
    database,
    migrate: false,
    log: createLogger('silent'),
    now: () => clock.now,
  });
  const services = await createServices(platform);
  const app = await createApp(platform, services, { consoleDir: options.consoleDir });
  await app.ready();
  return {
    app,
    platform,
    services,
    clock,
    close: async () => {
      await app.close();
      if (shared) await platform.accessLog.close();
      else await stopPlatform(platform);
    },
  };
}

export interface LoggedIn {
  accountId: string;
  username: string;
  password: string;
  /** Cookie and CSRF headers to send with app.inject. */
  headers: { cookie: string; 'x-csrf-token': string };
}

let counter = 0;

/** Creates an account (as the system) and logs it in through the HTTP login and forced password change. */
export async function loginAs(
  t: TestApp,
  options: { roles?: string[]; unitId?: string | null; scope?: DataScope; username?: string } = {},
): Promise<LoggedIn> {
  const username = options.username ?? `user${process.pid}x${++counter}`;
  const { account, oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
    username,
    fullName: `Người dùng ${counter}`,
    unitId: options.unitId ?? null,
    scope: options.scope ?? 'own',
    roles: options.roles ?? ['user'],
  });
  const password = `Mật-khẩu-${randomBytes(6).toString('hex')}A1!`;
  const first = await login(t, username, oneTimePassword);
  const change = await t.app.inject({
    method: 'POST',
    url: '/api/iam/auth/change-password',
    headers: first.headers,
    payload: { currentPassword: oneTimePassword, newPassword: password },
  });
  if (change.statusCode !== 200) throw new Error(`password change failed: ${change.body}`);
  return { accountId: account.id, username, password, headers: sessionHeaders(change) };
}

/** The cookie and CSRF headers of the session an answer opened (a login, or a step that renewed the session). */
export function sessionHeaders(res: { cookies: { name: string; value: string }[]; json(): unknown }): {
  cookie: string;
  'x-csrf-token': string;
} {
  const cookie = res.cookies.find((c) => c.name === 'tinhso_session');
  if (!cookie) throw new Error('the answer set no session cookie');
  return {
    cookie: `tinhso_session=${cookie.value}`,
    'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken,
  };
}

/** Logs in and returns the session headers (whatever the stage). */
export async function login(t: TestApp, username: string, password: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/iam/auth/login',
    payload: { username, password },
  });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return { stage: (res.json() as { stage: string }).stage, headers: sessionHeaders(res) };
}

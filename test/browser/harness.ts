/**
 * @module test/browser/harness
 * What every browser test needs: Debian's chromium driven by playwright-core, the whole Tỉnh Số in process on a
 * fresh database serving the built console on 127.0.0.1, and helpers for login, screenshots and axe-core.
 *
 * Without chromium the tests skip and say why, so a newcomer's `npm test` passes; under CI (`CI` set) they fail
 * instead, so a broken CI image cannot turn them silently off.
 */

import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CONSOLE_DIST, WEB_ROOT } from '../../src/core/http/console.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

// The DOM as far as page.evaluate callbacks reach into it (they run in chromium; the server's tsconfig has no
// DOM lib, and adding it would let browser globals into server code).
interface DomElement {
  tagName: string;
  type?: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  closest(selector: string): DomElement | null;
}
declare const document: {
  activeElement: DomElement | null;
  documentElement: { lang: string; dataset: Record<string, string | undefined> };
  querySelectorAll(selector: string): { length: number };
};
declare const window: object;

export const CHROMIUM = process.env.TINHSO_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumInstalled = existsSync(CHROMIUM);
export const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
const REQUIRE = join(import.meta.dirname, '..', '..', 'node_modules');

const SKIP_REASON = `chromium is not installed at ${CHROMIUM} (Debian: apt-get install chromium)`;

/**
 * `describe` for browser tests: runs with chromium; without it skips with the reason, or fails under CI.
 */
export function describeBrowser(name: string, body: () => void): void {
  // They prove the console, not the database: .ci/run runs them in its PGlite pass only, to save its time.
  if (process.env.TEST_DATABASE_URL)
    describe.skip(`${name} — skipped: browser tests run in the PGlite pass (TEST_DATABASE_URL is set)`, body);
  // A browser step waits for the server's argon2 hashing and a page load: more room than the default.
  else if (chromiumInstalled) describe(name, { timeout: 90_000 }, body);
  else if (process.env.CI)
    describe(name, () => {
      it('needs chromium for the browser tests (CI must not skip them)', () => {
        throw new Error(`${SKIP_REASON}; .ci/run installs it`);
      });
    });
  else describe.skip(`${name} — skipped: ${SKIP_REASON}`, body);
}

export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Chromium with a fresh profile; `close` also removes the profile. */
export async function launchChromium(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'tinhso-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: LAUNCH_ARGS,
    viewport: { width: 1366, height: 768 },
    acceptDownloads: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser, BrowserContext, Locator, Page };

// ---------------------------------------------------------------------------------------------------------------
// The built console: built once for all test files (a lock directory keeps parallel files from building twice),
// then copied to a folder of this run so a rebuild of web/dist meanwhile cannot pull files from under a test.

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function consoleStale(): boolean {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const sources = Math.max(
    newestMtime(join(WEB_ROOT, 'src')),
    newestMtime(join(WEB_ROOT, 'index.html')),
    newestMtime(join(WEB_ROOT, 'vite.config.ts')),
    existsSync(join(WEB_ROOT, 'public')) ? newestMtime(join(WEB_ROOT, 'public')) : 0,
  );
  return statSync(index).mtimeMs < sources;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds web/dist when missing or older than web/src; one builder at a time across processes. */
export async function ensureFreshConsole(): Promise<void> {
  if (!consoleStale()) return;
  const lock = join(tmpdir(), 'tinhso-console-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than five minutes belongs to a builder that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      await sleep(500);
    }
  }
  try {
    if (!consoleStale()) return;
    const vite = await import('vite');
    // Vitest runs with NODE_ENV=test, which Vite would carry into the bundle: React and antd then build in
    // their test mode (every useId is "test-id", so every dialog and field is labelled by the same id).
    // The console under test must be the production build people get.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await vite.build({
        configFile: join(WEB_ROOT, 'vite.config.ts'),
        logLevel: 'warn',
        mode: 'production',
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A private copy of the freshly built console. TINHSO_TEST_CONSOLE names an already built console to use
 * instead (e.g. one built from a clean checkout while web/src has unfinished work in it).
 */
export async function consoleSnapshot(): Promise<string> {
  const prebuilt = process.env.TINHSO_TEST_CONSOLE;
  if (!prebuilt) await ensureFreshConsole();
  const dir = mkdtempSync(join(tmpdir(), 'tinhso-console-'));
  cpSync(prebuilt ?? CONSOLE_DIST, dir, { recursive: true });
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------

export interface BrowserApp extends TestApp {
  /** http://127.0.0.1:<port> */
  url: string;
}

/** The whole platform on a fresh database with the built console, listening on 127.0.0.1 (a free port). */
export async function startBrowserApp(overrides: Record<string, unknown> = {}): Promise<BrowserApp> {
  const consoleDir = await consoleSnapshot();
  const t = await createTestApp(overrides, undefined, { consoleDir });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  return {
    ...t,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await t.close();
      rmSync(consoleDir, { recursive: true, force: true });
    },
  };
}

/** A password the default policy accepts (and that contains no username). */
export const strongPassword = () => `Mật-Khẩu-${randomBytes(4).toString('hex')}-2026!aB`;

/** Fills the login form and submits it. */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** Logs in with a one-time password and makes the forced change; ends on the page `next` points to. */
export async function firstLogin(
  page: Page,
  base: string,
  username: string,
  oneTime: string,
  newPassword: string,
  next = '/',
): Promise<void> {
  await page.goto(`${base}/login${next === '/' ? '' : `?next=${encodeURIComponent(next)}`}`);
  await submitLogin(page, username, oneTime);
  await page.waitForURL(/\/change-password/);
  await page.getByLabel('Mật khẩu hiện tại').fill(oneTime);
  await page.getByLabel('Mật khẩu mới', { exact: true }).fill(newPassword);
  await page.getByLabel('Nhập lại mật khẩu mới').fill(newPassword);
  await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
  await page.waitForURL(
    (u) => !u.pathname.startsWith('/change-password') && !u.pathname.startsWith('/login'),
  );
}

/** Waits until the page has stopped loading: no network for 500 ms and no spinning loader left. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    () => document.querySelectorAll('.ant-spin-spinning, .ant-skeleton-active').length === 0,
    undefined,
    { timeout: 15_000 },
  );
}

/** Saves a full-window screenshot as test/browser/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

let axeCode: string | undefined;
function axeSource(): string {
  axeCode ??= readFileSync(join(REQUIRE, 'axe-core', 'axe.min.js'), 'utf8');
  return axeCode;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

/**
 * Runs axe-core (WCAG 2 A and AA) on the page as it is; returns its violations, also written in full (with
 * each element's HTML) to test/browser/screenshots/axe-<where>.json.
 */
export async function axe(page: Page, where: string): Promise<AxeViolation[]> {
  const violations = await runAxe(page);
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, `axe-${where}.json`), JSON.stringify(violations, null, 2));
  return violations;
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  const present = await page.evaluate(() => 'axe' in window);
  // The console's CSP allows no inline script, so addScriptTag is refused; an evaluation over the DevTools
  // protocol is not subject to it and leaves the page's CSP in force for everything else.
  if (!present) await page.evaluate(axeSource());
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run(ctx: object, o: object): Promise<{ violations: AxeViolation[] }> };
    };
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        html: n.html.slice(0, 200),
        failureSummary: n.failureSummary,
      })),
    }));
  });
}

/** One readable line per violation and element, for assertion messages and the report. */
export function describeViolations(where: string, violations: AxeViolation[]): string[] {
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${where}: ${v.id} (${v.impact}) ${n.target.join(' ')} — ${v.help}`),
  );
}

/**
 * Violations found in code outside test/browser and reported to its owner, each as the start of its
 * describeViolations line. A test fails on any violation not listed here, and on a listed one that no longer
 * occurs (remove it once fixed), so the list can only shrink.
 */
export const KNOWN_VIOLATIONS: { line: string; owner: string }[] = [];

/** Splits found violations into unexpected ones and those already reported. */
export function unexpectedViolations(
  found: string[],
  where: string[],
): { unexpected: string[]; fixed: string[] } {
  const known = KNOWN_VIOLATIONS.filter((k) => where.some((w) => k.line.startsWith(`${w}:`)));
  return {
    unexpected: found.filter((f) => !known.some((k) => f.startsWith(k.line))),
    fixed: known.filter((k) => !found.some((f) => f.startsWith(k.line))).map((k) => k.line),
  };
}

/**
 * Visits each `[path, name]` screen of the console at `baseUrl`, screenshots it as `name + suffix` and runs
 * axe-core; returns the violations not reported yet and the reported ones that no longer occur.
 */
export async function axeScreens(
  page: Page,
  baseUrl: string,
  screens: readonly (readonly [string, string])[],
  suffix: string,
): Promise<{ unexpected: string[]; fixed: string[] }> {
  const found: string[] = [];
  for (const [path, name] of screens) {
    await page.goto(`${baseUrl}${path}`);
    await page.locator('main main').waitFor();
    await settle(page);
    await screenshot(page, `${name}${suffix}`);
    found.push(...describeViolations(`${name}${suffix}`, await axe(page, `${name}${suffix}`)));
  }
  return unexpectedViolations(
    found,
    screens.map(([, name]) => `${name}${suffix}`),
  );
}

/**
 * Runs `fn` with the console in the dark theme, then puts the light theme back and closes the page: the
 * choice is saved in the account's preferences, and the other tests expect the light theme.
 */
export async function inDarkTheme(page: Page, baseUrl: string, fn: () => Promise<void>): Promise<void> {
  const toggle = () => page.getByRole('button', { name: 'Giao diện tối' });
  await page.goto(`${baseUrl}/`);
  await toggle().click();
  await expect.poll(() => toggle().getAttribute('aria-pressed')).toBe('true');
  try {
    await fn();
  } finally {
    await page.goto(`${baseUrl}/`);
    await toggle().click();
    await expect.poll(() => toggle().getAttribute('aria-pressed')).toBe('false');
    await page.close();
  }
}

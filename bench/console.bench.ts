/**
 * Console performance (issue #4), printed as one JSON line:
 * - JS shipped for the shell: gzip size of the entry chunk and everything it imports statically (the
 *   modulepreload links and `import` statements, followed transitively), against the 600 KB target;
 * - time to interactive in headless chromium over localhost, median of 5 cold loads each: the login page (until
 *   the submit button is enabled) and the home page after login (until its heading is visible), each as a ratio
 *   to a minimal static page served by the same server in the same run.
 * Uses the built console in web/dist (`npm run web:build`; TINHSO_TEST_CONSOLE names another build).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { systemCtx } from '../src/core/context.ts';
import { CONSOLE_DIST } from '../src/core/http/console.ts';
import {
  CHROMIUM,
  chromiumInstalled,
  LAUNCH_ARGS,
  startBrowserApp,
  strongPassword,
} from '../test/browser/harness.ts';
import { machine } from './lib.ts';

const dist = process.env.TINHSO_TEST_CONSOLE ?? CONSOLE_DIST;
const RUNS = 5;
const TARGET_KB = 600;

/** The entry chunk and its static imports, transitively, with raw and gzip sizes. */
function shellJs(): { files: string[]; rawKB: number; gzipKB: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const start = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g),
  ].map((m) => m[1]!);
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    // Static imports only (`import … from "./x.js"`, `import "./x.js"`); `import("./x.js")` is lazy.
    for (const m of code.matchAll(
      /(?:^|[;}\n])\s*import\s*(?:[\w${},*\s]+from\s*)?["']\.\/([^"']+\.js)["']/g,
    ))
      queue.push(join('assets', m[1]!));
  }
  let raw = 0;
  let gz = 0;
  for (const f of seen) {
    const buf = readFileSync(join(dist, f));
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  return { files: [...seen].sort(), rawKB: Math.round(raw / 1024), gzipKB: Math.round(gz / 1024) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

if (!chromiumInstalled) {
  console.log(JSON.stringify({ bench: 'console', skipped: 'chromium not installed', shell: shellJs() }));
  process.exit(0);
}

const shell = shellJs();
// The reference: a minimal static page with a button, from a bare node http server on the same machine.
const referenceHtml =
  '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tỉnh Số</title></head>' +
  '<body><h1>Tỉnh Số</h1><button type="submit">Đăng nhập</button></body></html>';
const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(referenceHtml);
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const referenceUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

const t = await startBrowserApp();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
try {
  const { oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
    username: 'bench',
    fullName: 'Đo hiệu năng',
    unitId: null,
    scope: 'all',
    roles: ['tech_admin'],
  });
  const password = strongPassword();
  {
    const context = await browser.newContext();
    const login = await context.request.post(`${t.url}/api/iam/auth/login`, {
      data: { username: 'bench', password: oneTimePassword },
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const change = await context.request.post(`${t.url}/api/iam/auth/change-password`, {
      headers: { 'x-csrf-token': csrfToken },
      data: { currentPassword: oneTimePassword, newPassword: password },
    });
    if (!change.ok()) throw new Error(`password change failed: ${await change.text()}`);
    await context.close();
  }

  /** Milliseconds from navigation start until `ready` holds, in a fresh context (cold cache) each time. */
  async function measure(
    url: string,
    ready: (page: Page) => Promise<void>,
    loggedIn: boolean,
  ): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      if (loggedIn) {
        const r = await context.request.post(`${t.url}/api/iam/auth/login`, {
          data: { username: 'bench', password },
        });
        if (!r.ok()) throw new Error(`login failed: ${await r.text()}`);
      }
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(url, { waitUntil: 'commit' });
      await ready(page);
      out.push(Math.round(performance.now() - t0));
      await context.close();
    }
    return out;
  }

  const refMs = await measure(
    referenceUrl,
    (p) => p.getByRole('button', { name: 'Đăng nhập' }).waitFor({ state: 'visible' }),
    false,
  );
  const loginMs = await measure(
    `${t.url}/login`,
    async (p) => {
      const button = p.getByRole('button', { name: 'Đăng nhập' });
      await button.waitFor({ state: 'visible' });
      await p.waitForFunction(() => {
        const b = (
          globalThis as unknown as {
            document: { querySelector(s: string): { disabled: boolean } | null };
          }
        ).document.querySelector('button[type=submit]');
        return b !== null && !b.disabled;
      });
    },
    false,
  );
  const homeMs = await measure(
    `${t.url}/`,
    (p) => p.getByRole('heading', { name: /Xin chào/ }).waitFor({ state: 'visible' }),
    true,
  );
  const ref = median(refMs);
  console.log(
    JSON.stringify({
      bench: 'console',
      machine: machine(),
      chromium: 'Debian /usr/bin/chromium, headless, 127.0.0.1',
      shellJs: { ...shell, targetKB: TARGET_KB, withinTarget: shell.gzipKB <= TARGET_KB },
      runs: RUNS,
      referenceMs: { median: ref, all: refMs },
      loginMs: { median: median(loginMs), all: loginMs, ratio: +(median(loginMs) / ref).toFixed(1) },
      homeMs: { median: median(homeMs), all: homeMs, ratio: +(median(homeMs) / ref).toFixed(1) },
    }),
  );
} finally {
  await browser.close();
  await t.close();
  bare.close();
}

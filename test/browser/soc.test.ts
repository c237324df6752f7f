/**
 * The SOC console in a real browser (issue #6): an ingest token created through the screen (secret and
 * shipper snippets shown once), events sent with it through the HTTP ingest route, searched through the
 * search screen with a query, the histogram drawn, a field value clicked into the query, a query error shown
 * at its position, the event's drawer opened; an input stopped and started; a pipeline simulated; an
 * information system and an IP range registered with the CIDR checked; and axe-core plus a screenshot on
 * every SOC screen in the light and the dark theme.
 *
 * The SIEM's server parts are merged one by one: a scenario whose routes this server does not have yet is
 * skipped and says which route it waits for (the axe walk covers every screen whatever is merged).
 */

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCtx } from '../../src/core/context.ts';
import {
  axeScreens,
  type BrowserApp,
  type BrowserContext,
  describeBrowser,
  firstLogin,
  inDarkTheme,
  launchChromium,
  type Page,
  screenshot,
  settle,
  startBrowserApp,
  strongPassword,
  submitLogin,
} from './harness.ts';

const DATASET = 'sshd-thu-nghiem';

describeBrowser('SOC screens in chromium', () => {
  let t: BrowserApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: BrowserContext;
  let admin: { username: string; password: string };

  async function adminPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${t.url}/login`);
    await submitLogin(page, admin.username, admin.password);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    return page;
  }

  /** True when this server has the route (a SIEM part not merged yet answers ROUTE_NOT_FOUND). */
  async function hasRoute(page: Page, method: 'GET' | 'POST', path: string): Promise<boolean> {
    const res = await page.request.fetch(`${t.url}${path}`, { method, failOnStatusCode: false });
    if (res.status() !== 404) return true;
    const body = (await res.json().catch(() => ({}))) as { code?: string };
    return body.code !== 'ROUTE_NOT_FOUND';
  }

  /** Skips the running test, naming the routes it waits for, unless the server has them all. */
  async function needRoutes(
    page: Page,
    skip: (note: string) => void,
    routes: [method: 'GET' | 'POST', path: string][],
  ): Promise<void> {
    const missing: string[] = [];
    for (const [method, path] of routes)
      if (!(await hasRoute(page, method, path))) missing.push(`${method} ${path}`);
    if (missing.length) {
      await page.close();
      skip(`waits for the SIEM part serving ${missing.join(', ')}`);
    }
  }

  beforeAll(async () => {
    [t, chromium] = await Promise.all([startBrowserApp(), launchChromium()]);
    browser = chromium.browser;
    const { oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
      username: 'vothisoc',
      fullName: 'Võ Thị Giám Sát',
      unitId: null,
      scope: 'all',
      roles: ['tech_admin'],
    });
    const password = strongPassword();
    const page = await browser.newPage();
    await firstLogin(page, t.url, 'vothisoc', oneTimePassword, password);
    admin = { username: 'vothisoc', password };
    await page.close();
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  it('creates an ingest token through the screen, ships events with it, and searches them: histogram, field value into the query, query error at its position, event drawer', async ({
    skip,
  }) => {
    const page = await adminPage();
    await needRoutes(page, skip, [
      ['GET', '/api/soc/ingest-tokens'],
      ['POST', '/api/soc/ingest/events'],
      ['POST', '/api/soc/search'],
    ]);

    // The token: its secret and the shippers' snippets shown once.
    await page.goto(`${t.url}/soc/tokens`);
    await page.getByRole('button', { name: 'Tạo mã nạp' }).first().click();
    const form = page.getByRole('dialog', { name: 'Tạo mã nạp' });
    await form.getByLabel('Tên', { exact: true }).fill('filebeat-so-tu-phap');
    await form.getByRole('button', { name: 'Tạo mã nạp' }).click();
    const secret = page.getByRole('dialog', { name: 'Mã nạp dữ liệu mới' });
    await secret.waitFor();
    expect(await secret.textContent()).toContain('chỉ hiện MỘT LẦN');
    const bearer = await secret.getByTestId('token-bearer').inputValue();
    const apiKey = await secret.getByTestId('token-api-key').inputValue();
    expect(bearer.length).toBeGreaterThan(20);
    expect(await secret.getByTestId('snippet-yaml').textContent()).toContain(`api_key: "${apiKey}"`);
    expect(await secret.getByTestId('snippet-yaml').textContent()).toContain(`${t.url}/api/soc/ingest/es`);
    await page.waitForTimeout(300); // the dialog's opening animation
    await screenshot(page, 'soc-token-secret-once');
    await secret.getByRole('button', { name: 'Tôi đã lưu khóa bí mật' }).click();
    await secret.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /filebeat-so-tu-phap/ }).waitFor();
    expect(await page.content()).not.toContain(bearer);

    // Events through the real HTTP input, as a shipper sends them (NDJSON, bearer token).
    const now = Date.now();
    const users = ['nguyenvana', 'nguyenvana', 'nguyenvana', 'tranthib', 'tranthib', 'root'];
    const lines = users.map((user, i) =>
      JSON.stringify({
        '@timestamp': new Date(now - (i + 1) * 7 * 60_000).toISOString(),
        message: `Failed password for ${user} from 203.0.113.${10 + i} port 22 ssh2`,
        event: { dataset: DATASET, action: 'ssh_login', outcome: 'failure' },
        host: { name: 'may-chu-mot-cua' },
        source: { ip: `203.0.113.${10 + i}` },
        user: { name: user },
      }),
    );
    const res = await fetch(`${t.url}/api/soc/ingest/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    await t.services.soc.ingestion.idle();
    // The test platform's clock stands still from its start; "the last 24 hours" must reach the events' time.
    t.clock.advance(Math.max(0, Date.now() - t.clock.now.getTime()) + 1000);

    // Searched through the screen.
    await page.goto(`${t.url}/soc/search`);
    const query = page.getByRole('textbox', { name: 'Câu truy vấn' });
    await query.fill(`event.dataset:${DATASET}`);
    await query.press('Enter');
    await page.waitForURL(/q=event.dataset/);
    await expect
      .poll(() => page.getByRole('row', { name: /Failed password for/ }).count(), { timeout: 20_000 })
      .toBe(6);
    await page.getByRole('status').filter({ hasText: 'Tất cả 6 sự kiện' }).waitFor();
    const histogram = page.getByTestId('soc-histogram');
    await histogram.locator('canvas').waitFor();
    expect(await histogram.getAttribute('aria-label')).toContain('tổng 6 sự kiện');
    await settle(page);
    await screenshot(page, 'soc-search');

    // A value of the field sidebar into the query.
    await page
      .getByRole('navigation', { name: 'Các trường' })
      .getByRole('button', { name: 'user.name', exact: true })
      .click();
    await page.getByRole('button', { name: 'Lọc theo user.name: nguyenvana' }).click();
    await page.waitForURL(/user\.name%3Anguyenvana/);
    await expect.poll(() => query.inputValue()).toBe(`event.dataset:${DATASET} AND user.name:nguyenvana`);
    await expect
      .poll(() => page.getByRole('row', { name: /Failed password for/ }).count(), { timeout: 20_000 })
      .toBe(3);
    expect(await page.getByRole('row', { name: /tranthib/ }).count()).toBe(0);

    // The event's detail: the field table and the JSON.
    await page.getByRole('row', { name: /Failed password for nguyenvana from 203\.0\.113\.10 / }).click();
    const drawer = page.getByRole('dialog', { name: /Chi tiết sự kiện/ });
    await drawer.waitFor();
    await drawer.getByRole('row', { name: /source\.ip/ }).waitFor();
    expect(await drawer.getByRole('row', { name: /source\.ip/ }).textContent()).toContain('203.0.113.10');
    await drawer.getByRole('tab', { name: 'JSON' }).click();
    expect(await drawer.getByTestId('event-json').textContent()).toContain('"dataset": "sshd-thu-nghiem"');
    await page.waitForTimeout(400);
    await screenshot(page, 'soc-event-drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // A shared link opens the same search.
    const link = page.url();
    const second = await browser.newPage();
    await second.goto(link);
    await expect
      .poll(() => second.getByRole('row', { name: /Failed password for/ }).count(), { timeout: 20_000 })
      .toBe(3);
    await second.close();

    // A query the server refuses: its code, and a marker at its position.
    await query.fill('user.name:(nguyenvana');
    await query.press('Enter');
    await page.getByTestId('query-error-position').waitFor();
    expect(await page.getByTestId('error-code').textContent()).toContain('SOC_QUERY_SYNTAX');
    await screenshot(page, 'soc-search-query-error');
    await page.close();
  });

  it('stops an input from the health screen after confirmation and starts it again, and names pipelines stopped for time', async ({
    skip,
  }) => {
    const page = await adminPage();
    await needRoutes(page, skip, [['GET', '/api/soc/inputs']]);
    // What the pipelines tell the counters when the time limit stops an event (end to end: test/soc/siem-flow).
    t.services.soc.counters.timedOut('phan-tich-cham');
    await page.goto(`${t.url}/soc/health`);
    await page.getByTestId('pipeline-timeouts').filter({ hasText: 'phan-tich-cham: 1 sự kiện' }).waitFor();
    // Where events are processed: the test app processes on its main thread (no processing thread is down).
    await page.getByText('Trên tiến trình chính').waitFor();
    expect(await page.getByTestId('processing-threads-down').count()).toBe(0);
    const stop = page.getByRole('button', { name: /^Dừng đầu vào / }).first();
    await stop.waitFor();
    const name = (await stop.getAttribute('aria-label'))?.replace('Dừng đầu vào ', '') ?? '';
    await stop.click();
    const confirm = page.getByRole('dialog').filter({ hasText: `Dừng đầu vào ${name}?` });
    await confirm.getByRole('button', { name: 'Dừng' }).click();
    const start = page.getByRole('button', { name: `Chạy đầu vào ${name}` });
    await start.waitFor();
    await screenshot(page, 'soc-input-stopped');
    await start.click();
    await page
      .getByRole('dialog')
      .filter({ hasText: `Chạy lại đầu vào ${name}?` })
      .getByRole('button', { name: 'Chạy' })
      .click();
    await page.getByRole('button', { name: `Dừng đầu vào ${name}` }).waitFor();
    await page.close();
  });

  it('downloads the SIEM configuration, previews importing it back with nothing to change, and previews an edited one', async ({
    skip,
  }) => {
    const page = await adminPage();
    await needRoutes(page, skip, [
      ['GET', '/api/soc/config/export'],
      ['POST', '/api/soc/config/import'],
    ]);
    await page.goto(`${t.url}/soc/health`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Tải tệp cấu hình/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tinhso-soc-config-\d{8}\.json$/);
    const text = readFileSync((await download.path()) as string, 'utf8');
    const doc = JSON.parse(text) as {
      format: string;
      inputs: { id: string; settings: Record<string, unknown> }[];
    };
    expect(doc.format).toBe('tinhso-soc-config');
    const picker = page.getByLabel('Chọn tệp cấu hình (.json)');
    await picker.setInputFiles({
      name: 'cau-hinh.json',
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    });
    await page.getByText('Cấu hình đã giống tệp, không có gì để thay đổi.').waitFor();
    // The same file with the TCP listener's charset changed: one change, shown before anything is applied.
    const edited = {
      ...doc,
      inputs: doc.inputs.map((i) =>
        i.id === 'syslog-tcp' ? { ...i, settings: { ...i.settings, charset: 'windows-1258' } } : i,
      ),
    };
    await picker.setInputFiles({
      name: 'cau-hinh-sua.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(edited)),
    });
    await page.getByText('Xem trước: 1 thay đổi').waitFor();
    const card = page.locator('.ant-card').filter({ hasText: 'Sao lưu cấu hình SIEM' });
    await card.getByRole('cell', { name: 'syslog-tcp' }).waitFor();
    expect(await card.getByRole('cell', { name: 'charset' }).count()).toBe(1);
    await screenshot(page, 'soc-config-preview');
    await page.close();
  });

  it('simulates a shipped pipeline on a sample line and shows the output document', async ({ skip }) => {
    const page = await adminPage();
    await needRoutes(page, skip, [
      ['GET', '/api/soc/pipelines'],
      ['POST', '/api/soc/pipelines/simulate'],
    ]);
    await page.goto(`${t.url}/soc/pipelines?id=linux-auth`);
    await page.getByLabel('Khai báo YAML').waitFor();
    await page
      .getByLabel('Dòng mẫu (mỗi dòng một sự kiện)')
      .fill(
        'Dec  7 10:00:00 may-chu-mot-cua sshd[4242]: Failed password for root from 203.0.113.99 port 52144 ssh2',
      );
    await page.getByRole('button', { name: 'Chạy thử' }).click();
    const result = page.getByTestId('simulate-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('203.0.113.99');
    await screenshot(page, 'soc-pipeline-simulated');
    await page.close();
  });

  it('registers an information system and its public IP range, refusing a malformed CIDR as it is typed', async ({
    skip,
  }) => {
    const page = await adminPage();
    await needRoutes(page, skip, [
      ['GET', '/api/soc/systems'],
      ['GET', '/api/soc/ip-ranges'],
    ]);
    const me = (await (await page.request.get(`${t.url}/api/iam/auth/me`)).json()) as { csrfToken: string };
    const unit = await page.request.post(`${t.url}/api/org/units`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data: { name: 'UBND tỉnh Sơn Hà', code: '000.00.00.H23', kind: 'province' },
    });
    expect(unit.status(), await unit.text()).toBeLessThan(300);

    await page.goto(`${t.url}/soc/systems`);
    await page.getByRole('button', { name: 'Thêm hệ thống' }).click();
    const dialog = page.getByRole('dialog', { name: 'Thêm hệ thống' });
    const unitPicker = dialog.getByLabel('Đơn vị', { exact: true });
    await expect
      .poll(
        async () => {
          await unitPicker.click();
          await unitPicker.fill('son ha');
          await page
            .locator('.ant-select-tree-title')
            .filter({ hasText: 'UBND tỉnh Sơn Hà' })
            .click({ timeout: 5000 });
          return dialog.textContent();
        },
        { timeout: 30_000 },
      )
      .toContain('UBND tỉnh Sơn Hà');
    await dialog.getByLabel('Mã', { exact: true }).fill('cong-dich-vu-cong');
    await dialog.getByLabel('Tên', { exact: true }).fill('Cổng dịch vụ công tỉnh');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /cong-dich-vu-cong/ }).waitFor();

    await page.getByRole('tab', { name: 'Dải IP công khai' }).click();
    await page.getByRole('button', { name: 'Thêm dải IP' }).click();
    const range = page.getByRole('dialog', { name: 'Thêm dải IP' });
    await range.getByLabel('Dải địa chỉ (CIDR)').fill('203.0.300.0/24');
    await range.getByText('Không phải địa chỉ hoặc dải IPv4/IPv6 hợp lệ').waitFor();
    await range.getByLabel('Dải địa chỉ (CIDR)').fill('203.0.113.0/24');
    const systemPicker = range.getByLabel('Hệ thống thông tin');
    await systemPicker.click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'cong-dich-vu-cong' }).click();
    await range.getByRole('button', { name: 'Lưu' }).click();
    await range.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /203\.0\.113\.0\/24/ }).waitFor();
    await screenshot(page, 'soc-ip-ranges');
    await page.close();
  });

  it("shows a business administrator the SOC screens of readers without the operators' ones, and an ordinary user no SOC menu", async () => {
    const { oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
      username: 'dangvandoc',
      fullName: 'Đặng Văn Đọc',
      unitId: null,
      scope: 'all',
      roles: ['business_admin'],
    });
    const page = await browser.newPage();
    await firstLogin(page, t.url, 'dangvandoc', oneTimePassword, strongPassword());
    const menu = page.getByRole('navigation', { name: 'menu' });
    await expect.poll(() => menu.textContent()).toContain('SOC — Giám sát an toàn thông tin');
    const text = (await menu.textContent()) ?? '';
    for (const entry of [
      'Tìm kiếm sự kiện',
      'Nguồn nhật ký',
      'Hệ thống thông tin & dải IP',
      'Đầu vào & tình trạng SIEM',
      'Quy trình phân tích',
      'Nhập tệp điều tra',
    ])
      expect(text).toContain(entry);
    expect(text).not.toContain('Mã nạp dữ liệu');
    await page.goto(`${t.url}/soc/systems`);
    await page.getByText('Bạn chỉ có quyền xem mục này.').waitFor();
    expect(await page.getByRole('button', { name: 'Thêm hệ thống' }).count()).toBe(0);
    await page.goto(`${t.url}/soc/tokens`);
    await page.getByText('Bạn không có quyền xem trang này.').waitFor();
    await page.close();

    const { oneTimePassword: otp } = await t.services.iam.accounts.create(systemCtx(), {
      username: 'hoangthithuong',
      fullName: 'Hoàng Thị Thường',
      unitId: null,
      scope: 'own',
      roles: ['user'],
    });
    const plain = await browser.newPage();
    await firstLogin(plain, t.url, 'hoangthithuong', otp, strongPassword());
    const plainMenu = plain.getByRole('navigation', { name: 'menu' });
    await expect.poll(() => plainMenu.textContent()).toContain('Trang chủ');
    expect(await plainMenu.textContent()).not.toContain('SOC');
    await plain.goto(`${t.url}/soc/search`);
    await plain.getByText('Bạn không có quyền xem trang này.').waitFor();
    await plain.close();
  });

  /** Visits every SOC screen, screenshots it and runs axe-core; fails on any violation. */
  async function axeEveryScreen(page: Page, suffix: string): Promise<void> {
    const screens = [
      ['/soc/search', 'soc-search-axe'],
      ['/soc/sources', 'soc-sources'],
      ['/soc/systems', 'soc-systems'],
      ['/soc/systems?tab=ranges', 'soc-ranges'],
      ['/soc/health', 'soc-health'],
      ['/soc/pipelines?id=linux-auth', 'soc-pipelines'],
      ['/soc/tokens', 'soc-tokens'],
      ['/soc/imports', 'soc-imports'],
    ] as const;
    const { unexpected } = await axeScreens(page, t.url, screens, suffix);
    expect(unexpected).toEqual([]);
  }

  it('has no WCAG 2 A/AA violations (axe-core) on any SOC screen in the light theme', async () => {
    const page = await adminPage();
    await axeEveryScreen(page, '');
    await page.close();
  });

  it('has no WCAG 2 A/AA violations (axe-core) on any SOC screen in the dark theme', async () => {
    const page = await adminPage();
    await inDarkTheme(page, t.url, () => axeEveryScreen(page, '-dark'));
  });
});

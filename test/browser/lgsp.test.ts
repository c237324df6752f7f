/**
 * The LGSP screens in a real browser (issue #5): an application registered through the screen, its key issued
 * with the secret shown once and never again, a right granted in the matrix, a destination's live state after
 * "probe now", the exchange record of a real signed call through the gateway in the log and its drawer, the
 * statistics chart drawn, and axe-core plus a screenshot on every LGSP screen.
 */

import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EMPTY_SHA256 } from '../../sdk/src/canonical.ts';
import { signRequest } from '../../sdk/src/sign.ts';
import { systemCtx } from '../../src/core/context.ts';
import { rsaKeys, selfSigned } from '../../src/lgsp/registry/testing.ts';
import {
  axeScreens,
  type BrowserApp,
  type BrowserContext,
  describeBrowser,
  firstLogin,
  inDarkTheme,
  launchChromium,
  type Page,
  SCREENSHOTS,
  screenshot,
  settle,
  startBrowserApp,
  strongPassword,
  submitLogin,
} from './harness.ts';

const PROVINCE = '000.00.00.H23';

/** One request signed per docs/lgsp/signing.md with an application's HMAC secret (Article 10). */
async function signedFetch(
  base: string,
  key: { accessKey: string; secret: string },
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers = { ...(options.headers ?? {}) };
  const digest = options.body ? createHash('sha256').update(options.body).digest('hex') : EMPTY_SHA256;
  const signed = signRequest({
    algorithm: 'HMAC-SHA256',
    accessKey: key.accessKey,
    key: { secretKey: key.secret },
    method,
    path,
    contentSha256: digest,
    headers,
  });
  return fetch(`${base}${path}`, { method, headers: { ...headers, ...signed.headers }, body: options.body });
}
const DEPARTMENT = '000.00.01.H23';

describeBrowser('LGSP screens in chromium', () => {
  let t: BrowserApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: BrowserContext;
  let admin: { username: string; password: string };
  let destination: Server;
  let destinationUrl: string;
  const ids: { province?: string; department?: string; sourceApp?: string; service?: string } = {};
  let issued: { accessKey: string; secret: string } | undefined;

  /** A fresh page logged in as the administrator. */
  async function adminPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${t.url}/login`);
    await submitLogin(page, admin.username, admin.password);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    return page;
  }

  /** Calls the API as the page's session (same cookies, its CSRF token). */
  async function apiPost(page: Page, path: string, data: unknown): Promise<Record<string, unknown>> {
    const me = (await (await page.request.get(`${t.url}/api/iam/auth/me`)).json()) as { csrfToken: string };
    const res = await page.request.post(`${t.url}${path}`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data,
    });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  }

  beforeAll(async () => {
    // A destination system of the department: answers its health check and its records.
    destination = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
    await new Promise<void>((r) => destination.listen(0, '127.0.0.1', r));
    destinationUrl = `http://127.0.0.1:${(destination.address() as AddressInfo).port}`;

    [t, chromium] = await Promise.all([startBrowserApp(), launchChromium()]);
    browser = chromium.browser;
    const { oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
      username: 'tranvanlgsp',
      fullName: 'Trần Văn Tích Hợp',
      unitId: null,
      scope: 'all',
      roles: ['tech_admin'],
    });
    const password = strongPassword();
    const page = await browser.newPage();
    await firstLogin(page, t.url, 'tranvanlgsp', oneTimePassword, password);
    admin = { username: 'tranvanlgsp', password };

    // The units and the provider side through the API the screens use.
    const province = await apiPost(page, '/api/org/units', {
      name: 'UBND tỉnh Sơn Hà',
      code: PROVINCE,
      kind: 'province',
    });
    ids.province = province.id as string;
    const department = await apiPost(page, '/api/org/units', {
      name: 'Sở Tư pháp',
      code: DEPARTMENT,
      kind: 'department',
      parentId: ids.province,
    });
    ids.department = department.id as string;
    const provider = await apiPost(page, '/api/lgsp/applications', {
      unitId: ids.department,
      code: 'ho-tich-dien-tu',
      name: 'Hệ thống hộ tịch điện tử',
      kind: 'hmac',
    });
    const service = await apiPost(page, '/api/lgsp/services', {
      applicationId: provider.id,
      code: 'hotich',
      name: 'Tra cứu hộ tịch',
      dataTypes: ['hộ tịch'],
      protocol: 'rest-json',
      baseUrl: destinationUrl,
      healthPath: '/health',
      timeoutMs: 5000,
      allowedMethods: ['GET', 'POST'],
    });
    ids.service = service.id as string;
    await page.close();
  }, 180_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
    await new Promise((r) => destination?.close(r));
  });

  it('registers an application through the screen and issues its key, whose secret is shown once and never again', async () => {
    const page = await adminPage();
    await page.goto(`${t.url}/lgsp/applications`);
    await page.getByRole('button', { name: 'Đăng ký ứng dụng' }).click();
    const dialog = page.getByRole('dialog');
    const unitPicker = dialog.getByLabel('Đơn vị', { exact: true });
    // On a busy machine the tree may still be loading or filtering when first clicked: pick until chosen.
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
      .toContain(`UBND tỉnh Sơn Hà (${PROVINCE})`);
    await dialog.getByLabel('Mã ứng dụng').fill('mot-cua');
    await dialog.getByLabel('Tên', { exact: true }).fill('Hệ thống một cửa điện tử');
    await dialog.getByLabel('Người liên hệ').fill('Nguyễn Thị Liên');
    await dialog.getByRole('button', { name: 'Đăng ký ứng dụng' }).click();
    await page.waitForURL(/\/lgsp\/applications\/[0-9a-f-]{36}$/).catch(async (err) => {
      // Say what the dialog showed (a problem, a field error) rather than only that no page opened.
      throw new Error(`${err}; dialog: ${await dialog.textContent().catch(() => '(gone)')}`);
    });
    ids.sourceApp = page.url().split('/').pop();
    await page.getByRole('heading', { name: /Hệ thống một cửa điện tử/ }).waitFor();

    // Keys: issue one; the secret is in the dialog once.
    await page.getByRole('tab', { name: 'Khóa truy xuất' }).click();
    await page.getByRole('button', { name: 'Cấp khóa' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Khóa truy xuất mới' });
    await secretDialog.waitFor();
    expect(await secretDialog.textContent()).toContain('chỉ hiện MỘT LẦN');
    const accessKey = await secretDialog.getByTestId('new-access-key').inputValue();
    const secret = await secretDialog.getByTestId('new-secret-key').inputValue();
    expect(accessKey).toMatch(/^lgsp_[a-z2-7]{20}$/);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await screenshot(page, 'lgsp-secret-once');
    await secretDialog.getByRole('button', { name: 'Tôi đã lưu secret key' }).click();
    await secretDialog.waitFor({ state: 'detached' });
    const keyRow = page.getByRole('row', { name: new RegExp(accessKey) });
    await keyRow.waitFor();
    expect(await keyRow.textContent()).toContain('Hiệu lực');
    expect(await page.content()).not.toContain(secret);

    // Reopened: the key is listed, the secret is nowhere (nor in what the API returns).
    await page.reload();
    await page.getByRole('tab', { name: 'Khóa truy xuất' }).click();
    await page.getByRole('row', { name: new RegExp(accessKey) }).waitFor();
    await settle(page);
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByTestId('new-secret-key').count()).toBe(0);
    const keys = await page.request.get(`${t.url}/api/lgsp/applications/${ids.sourceApp}/keys`);
    expect(await keys.text()).not.toContain(secret);
    issued = { accessKey, secret };
    await screenshot(page, 'lgsp-application-keys');
    await page.close();
  });

  it('registers an RSA certificate pasted into the screen, shows its subject, serial and validity, and revokes the key with a reason', async () => {
    const page = await adminPage();
    const app = await apiPost(page, '/api/lgsp/applications', {
      unitId: ids.province,
      code: 'cong-dich-vu-cong',
      name: 'Cổng dịch vụ công tỉnh',
      kind: 'rsa',
    });
    const now = Date.now();
    const pem = await selfSigned(
      await rsaKeys(),
      new Date(now - 86_400_000),
      new Date(now + 365 * 86_400_000),
      'cong-dich-vu-cong',
    );
    await page.goto(`${t.url}/lgsp/applications/${app.id}`);
    await page.getByRole('tab', { name: 'Khóa truy xuất' }).click();
    await page.getByRole('button', { name: 'Đăng ký khóa công khai' }).click();
    const dialog = page.getByRole('dialog', { name: 'Đăng ký khóa công khai' });
    await dialog.getByLabel('Khóa công khai hoặc chứng thư số (PEM)').fill('không phải PEM');
    await dialog.getByRole('button', { name: 'Đăng ký khóa công khai' }).click();
    await dialog.getByText('Nội dung không phải khối PEM').waitFor();
    await dialog.getByLabel('Khóa công khai hoặc chứng thư số (PEM)').fill(pem);
    await dialog.getByRole('button', { name: 'Đăng ký khóa công khai' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /CN=cong-dich-vu-cong/ });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('0a1b2c3d');
    expect(text).toContain('RSA 2048');
    expect(text).toContain('Hiệu lực');
    const day = (d: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh' }).format(d);
    expect(text).toContain(`${day(now - 86_400_000)} – ${day(now + 365 * 86_400_000)}`);
    await screenshot(page, 'lgsp-rsa-certificate');

    await row.getByRole('button', { name: /Thu hồi khóa/ }).click();
    const revoke = page.getByRole('dialog', { name: /Thu hồi khóa/ });
    await expect
      .poll(() => revoke.getByRole('button', { name: 'Thu hồi', exact: true }).isDisabled())
      .toBe(true);
    await revoke.getByLabel('Lý do').fill('Chứng thư bị lộ khóa bí mật');
    await revoke.getByRole('button', { name: 'Thu hồi', exact: true }).click();
    await revoke.waitFor({ state: 'detached' }).catch(async (err) => {
      throw new Error(`${err}; dialog: ${await revoke.textContent().catch(() => '(gone)')}`);
    });
    await expect.poll(() => row.textContent()).toContain('Đã thu hồi');
    expect(await row.textContent()).toContain('Chứng thư bị lộ khóa bí mật');

    // A new certificate from a file (the PEM block is taken out of whatever surrounds it).
    const renewed = await selfSigned(
      await rsaKeys(),
      new Date(now - 86_400_000),
      new Date(now + 730 * 86_400_000),
      'cong-dich-vu-cong-2027',
    );
    await page.getByRole('button', { name: 'Đăng ký khóa công khai' }).click();
    const upload = page.getByRole('dialog', { name: 'Đăng ký khóa công khai' });
    await upload.getByLabel('Chọn tệp PEM').setInputFiles({
      name: 'cong-dich-vu-cong.pem',
      mimeType: 'application/x-pem-file',
      buffer: Buffer.from(`Chứng thư cấp ngày ${day(now)}\n${renewed}\n`),
    });
    await expect
      .poll(() => upload.getByLabel('Khóa công khai hoặc chứng thư số (PEM)').inputValue())
      .toMatch(/^-----BEGIN CERTIFICATE-----/);
    await upload.getByRole('button', { name: 'Đăng ký khóa công khai' }).click();
    await upload.waitFor({ state: 'detached' });
    const renewedRow = page.getByRole('row', { name: /CN=cong-dich-vu-cong-2027/ });
    await renewedRow.waitFor();
    expect(await renewedRow.textContent()).toContain('Hiệu lực');

    // Networks: a CIDR added and saved is what the server keeps.
    await page.getByRole('tab', { name: 'Mạng được phép' }).click();
    const cidr = page.getByLabel('Dải mạng (CIDR)');
    await cidr.fill('10.20.300.0/16');
    await cidr.press('Enter');
    await page.getByText('Không phải dải địa chỉ IPv4/IPv6 hợp lệ.').waitFor();
    await cidr.fill('10.20.0.0/16');
    await cidr.press('Enter');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu.').waitFor();
    const saved = await page.request.get(`${t.url}/api/lgsp/applications/${app.id}`);
    expect(((await saved.json()) as { allowedNetworks: string[] }).allowedNetworks).toEqual(['10.20.0.0/16']);

    // Limits: requests per minute set, per day left unlimited.
    await page.getByRole('tab', { name: 'Giới hạn' }).click();
    await page.getByLabel('Số yêu cầu tối đa mỗi phút').fill('120');
    await page.getByRole('tabpanel', { name: 'Giới hạn' }).getByRole('button', { name: 'Lưu' }).click();
    await expect
      .poll(async () => {
        const r = await page.request.get(`${t.url}/api/lgsp/applications/${app.id}`);
        return ((await r.json()) as { rateLimitPerMinute: number | null }).rateLimitPerMinute;
      })
      .toBe(120);
    await page.close();
  });

  it('grants a right in the matrix and lists it in the history', async () => {
    expect(ids.sourceApp).toBeDefined();
    const page = await adminPage();
    await page.goto(`${t.url}/lgsp/rights`);
    const cell = page.getByTestId('right-mot-cua-hotich');
    await cell.waitFor();
    expect(await cell.getAttribute('aria-label')).toContain('Chưa cấp');
    await cell.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('checkbox', { name: 'GET' }).check();
    await dialog.getByLabel('Lý do').fill('Tra cứu hộ tịch khi tiếp nhận hồ sơ');
    await dialog.getByRole('button', { name: 'Cấp quyền' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => cell.getAttribute('aria-label')).toMatch(/: GET$/);
    await screenshot(page, 'lgsp-rights-matrix');

    await page.getByRole('tab', { name: 'Lịch sử cấp, thu hồi' }).click();
    await page.waitForURL(/tab=history/);
    const row = page.getByRole('row', { name: /Tra cứu hộ tịch khi tiếp nhận hồ sơ/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('mot-cua');
    expect(await row.textContent()).toContain('Cấp');
    await page.close();
  });

  it('shows the live state of a service after "probe now" and finds it in the directory without diacritics', async () => {
    const page = await adminPage();
    await page.goto(`${t.url}/lgsp/services`);
    const row = page.getByRole('row', { name: /hotich/ });
    await row.waitFor();
    await row.getByRole('button', { name: 'Kiểm tra ngay hotich' }).click();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Trực tuyến');
    await screenshot(page, 'lgsp-services');

    // The probe's result opened the service's first period in its availability history.
    await row.getByRole('cell', { name: 'hotich', exact: true }).click();
    await page.waitForURL(/\/lgsp\/services\/[0-9a-f-]{36}$/);
    await page.getByRole('tab', { name: 'Lịch sử trực tuyến/mất kết nối' }).click();
    const period = page.getByRole('row', { name: /Kiểm tra chủ động/ }).first();
    await period.waitFor();
    expect(await period.textContent()).toContain('Trực tuyến');
    expect(await period.textContent()).toContain('Đang diễn ra');
    await page.goBack();

    await page.getByRole('tab', { name: 'Tra cứu đơn vị nhận' }).click();
    const search = page.getByRole('searchbox', { name: 'Mã hoặc tên đơn vị, tên dịch vụ' });
    await search.fill('so tu phap');
    await search.press('Enter');
    const hit = page.getByRole('row', { name: /Tra cứu hộ tịch/ });
    await hit.waitFor();
    expect(await hit.textContent()).toContain(`/${DEPARTMENT}/hotich`);

    // A unit merged into the department: its old code leads to the successor's services, with a note.
    const merged = await apiPost(page, '/api/org/units', {
      name: 'Phòng Hộ tịch cũ',
      code: '000.00.02.H23',
      kind: 'department',
      parentId: ids.province,
    });
    await apiPost(page, '/api/org/reorganisations', {
      type: 'merge',
      sourceIds: [merged.id],
      targetId: ids.department,
      decisionRef: 'Quyết định số 12/QĐ-UBND',
    });
    await search.fill('000.00.02.H23');
    await search.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: `Mã cũ 000.00.02.H23 nay là ${DEPARTMENT}` })
      .waitFor();
    await page.getByRole('row', { name: /Tra cứu hộ tịch/ }).waitFor();
    await screenshot(page, 'lgsp-directory-successor');
    await page.close();
  });

  it('lists the record of a signed call through the gateway, opens it, and draws the statistics chart', async () => {
    expect(issued).toBeDefined();
    // Article 10: a session key from the authentication service, then the call through the gateway.
    const body = JSON.stringify({ unitCode: DEPARTMENT, service: 'hotich', operations: ['GET'] });
    const session = await signedFetch(t.url, issued!, 'POST', '/api/lgsp/auth/sessions', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(session.status, await session.clone().text()).toBe(201);
    const { sessionKey } = (await session.json()) as { sessionKey: string };
    const res = await signedFetch(t.url, issued!, 'GET', `/${DEPARTMENT}/hotich/ho-so/42`, {
      headers: { 'x-lgsp-session': sessionKey },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    // Fifty more calls, so the log has a second page (keyset paging by the server's cursor).
    for (let i = 0; i < 50; i++) {
      const more = await signedFetch(t.url, issued!, 'GET', `/${DEPARTMENT}/hotich/so-bo/${i}`, {
        headers: { 'x-lgsp-session': sessionKey },
      });
      expect(more.status).toBe(200);
    }
    await t.services.lgsp.gateway.flush();

    const page = await adminPage();
    await page.goto(`${t.url}/lgsp/exchanges?service=hotich`);
    await page.getByRole('status').filter({ hasText: 'Đang hiện 50 bản ghi' }).waitFor();
    await page.getByRole('button', { name: 'Tải thêm' }).click();
    await page.getByRole('status').filter({ hasText: 'Tất cả 51 bản ghi' }).waitFor();
    // Newest first: the first call is the last row, reached through the second page.
    const row = page.getByRole('row', { name: /ho-so\/42/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(PROVINCE);
    await row.click();
    const drawer = page.getByRole('dialog', { name: 'Bản ghi trao đổi' });
    await drawer.waitFor();
    expect(await drawer.textContent()).toContain('mot-cua');
    expect(await drawer.textContent()).toContain('200');
    await page.waitForTimeout(400); // the drawer's opening animation
    await screenshot(page, 'lgsp-exchange-drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // The export carries the current filter's records.
    await page.getByRole('button', { name: 'Xuất' }).hover();
    // The hover menu may still be moving (its opening animation on a loaded machine): a click event on the
    // item itself, not a pointer click at a position that has to stay still. Awaited together, so a failed
    // click does not leave the download's wait to reject unhandled.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'Xuất CSV' }).dispatchEvent('click'),
    ]);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(file, 'utf8');
    expect(csv).toContain('/ho-so/42');
    expect(csv).toContain(DEPARTMENT);

    // Five minutes of observed online time for the availability figures (the test clock stands still).
    t.clock.advance(5 * 60_000);
    await page.goto(`${t.url}/lgsp/statistics`);
    await page.getByRole('img', { name: 'Gửi, nhận theo ngày' }).waitFor();
    await settle(page);
    // ECharts drew into a canvas inside the chart's region (an empty period shows no canvas).
    expect(await page.getByRole('img', { name: 'Gửi, nhận theo ngày' }).locator('canvas').count()).toBe(1);
    const uptime = page.getByRole('img', { name: 'Mất kết nối và tỷ lệ trực tuyến theo đơn vị' });
    await uptime.waitFor();
    expect(await uptime.locator('canvas').count()).toBe(1);
    const unitRow = page.getByRole('row', { name: /Sở Tư pháp/ }).last();
    expect(await unitRow.textContent()).toContain('100%');
    await page.screenshot({ path: join(SCREENSHOTS, 'lgsp-statistics.png'), fullPage: true });

    // One unit's own figures: the department received the 51 calls and sent none.
    await page.getByLabel('Lọc theo đơn vị').click();
    await page.locator('.ant-select-item-option').filter({ hasText: 'Sở Tư pháp' }).click();
    await page.waitForURL(new RegExp(`unitId=${ids.department}`));
    const figure = (title: string) =>
      page
        .locator('.ant-statistic')
        .filter({ hasText: title })
        .locator('.ant-statistic-content')
        .textContent();
    await expect.poll(() => figure('Tổng số lần gửi')).toBe('0');
    expect(await figure('Tổng số lần nhận')).toBe('51');

    // The same screen in English, from the text catalogue.
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { name: 'Exchange statistics' }).waitFor();
    expect(await page.getByRole('img', { name: 'Sent and received per day' }).count()).toBe(1);
    await page.getByText('VI', { exact: true }).click();
    await page.getByRole('heading', { name: 'Thống kê trao đổi' }).waitFor();
    await settle(page); // the language is saved in the preferences the next pages load
    await page.close();
  });

  it('registers a service through the screen, edits it, and rotates a key with the new secret shown once', async () => {
    const page = await adminPage();
    await page.goto(`${t.url}/lgsp/services`);
    await page.getByRole('button', { name: 'Đăng ký dịch vụ' }).click();
    const dialog = page.getByRole('dialog', { name: 'Đăng ký dịch vụ' });
    const provider = dialog.getByLabel('Ứng dụng cung cấp');
    // Options arrive from the server as one types: pick until the choice shows in the form.
    await expect
      .poll(
        async () => {
          await provider.click();
          await provider.fill('mot-cua');
          await page
            .locator('.ant-select-item-option')
            .filter({ hasText: 'mot-cua' })
            .click({ timeout: 5000 });
          return dialog.textContent();
        },
        { timeout: 30_000 },
      )
      .toContain('mot-cua — Hệ thống một cửa điện tử');
    await dialog.getByLabel('Mã dịch vụ').fill('tiep-nhan');
    await dialog.getByLabel('Tên', { exact: true }).fill('Tiếp nhận hồ sơ một cửa');
    await dialog.getByLabel('Địa chỉ gốc (base URL)').fill(`${destinationUrl}/mot-cua`);
    await dialog.getByLabel('Đường dẫn kiểm tra tình trạng').fill('/health');
    await dialog.getByRole('checkbox', { name: 'PUT' }).check();
    const types = dialog.getByLabel('Loại dữ liệu');
    await types.fill('hồ sơ');
    await types.press('Enter');
    await dialog.getByRole('button', { name: 'Đăng ký dịch vụ' }).click();
    await page.waitForURL(/\/lgsp\/services\/[0-9a-f-]{36}$/).catch(async (err) => {
      throw new Error(`${err}; dialog: ${await dialog.textContent().catch(() => '(gone)')}`);
    });
    await page.getByRole('heading', { name: /Tiếp nhận hồ sơ một cửa/ }).waitFor();
    const info = page.getByRole('tabpanel');
    await expect.poll(() => info.textContent()).toContain(`/${PROVINCE}/tiep-nhan`);
    expect(await info.textContent()).toContain('hồ sơ');
    expect(await info.textContent()).toContain('PUT');

    await page.getByRole('button', { name: 'Sửa', exact: true }).click();
    const edit = page.getByRole('dialog', { name: 'Sửa dịch vụ' });
    await edit.getByLabel('Thời gian chờ tối đa (ms)').fill('7000');
    await edit.getByRole('button', { name: 'Lưu' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => info.textContent()).toContain('7000');

    // Rotation: a new secret, once; the old key stays usable for the overlap.
    await page.goto(`${t.url}/lgsp/applications/${ids.sourceApp}`);
    await page.getByRole('tab', { name: 'Khóa truy xuất' }).click();
    await page.getByRole('button', { name: 'Đổi khóa' }).click();
    const rotate = page.getByRole('dialog', { name: 'Đổi khóa' });
    await rotate.getByLabel('Lý do').fill('Định kỳ 90 ngày');
    await rotate.getByRole('button', { name: 'Đổi khóa' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Khóa truy xuất mới' });
    const newKey = await secretDialog.getByTestId('new-access-key').inputValue();
    const newSecret = await secretDialog.getByTestId('new-secret-key').inputValue();
    expect(newKey).not.toBe(issued?.accessKey);
    await secretDialog.getByRole('button', { name: 'Tôi đã lưu secret key' }).click();
    await page.getByRole('row', { name: new RegExp(newKey) }).waitFor();
    expect(await page.getByRole('row', { name: new RegExp(issued!.accessKey) }).textContent()).toContain(
      'Đã đổi (chuyển tiếp)',
    );
    expect(await page.content()).not.toContain(newSecret);
    await page.close();
  });

  it('shows a registry reader the LGSP menu without any write control, and an ordinary user no LGSP menu', async () => {
    const { oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
      username: 'lethixem',
      fullName: 'Lê Thị Xem',
      unitId: null,
      scope: 'all',
      roles: ['business_admin'],
    });
    const page = await browser.newPage();
    await firstLogin(page, t.url, 'lethixem', oneTimePassword, strongPassword());
    const menu = page.getByRole('navigation', { name: 'menu' });
    await expect.poll(() => menu.textContent()).toContain('LGSP — Tích hợp, chia sẻ dữ liệu');
    for (const entry of [
      'Đơn vị kết nối & ứng dụng',
      'Dịch vụ',
      'Quyền truy xuất',
      'Nhật ký trao đổi',
      'Thống kê',
    ])
      expect(await menu.textContent()).toContain(entry);
    await page.goto(`${t.url}/lgsp/applications`);
    await page.getByRole('row', { name: /mot-cua/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Đăng ký ứng dụng' }).count()).toBe(0);
    await page.getByRole('row', { name: /mot-cua/ }).press('Enter');
    await page.getByRole('heading', { name: /Hệ thống một cửa điện tử/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Tạm ngừng' }).count()).toBe(0);
    await page.getByText('Bạn chỉ có quyền xem mục này.').first().waitFor();
    await page.goto(`${t.url}/lgsp/rights`);
    await page.getByText('Bạn chỉ được xem ma trận quyền').waitFor();
    await page.getByRole('row', { name: /mot-cua/ }).waitFor();
    expect(await page.getByTestId('right-mot-cua-hotich').count()).toBe(0);
    await page.close();

    const { oneTimePassword: otp } = await t.services.iam.accounts.create(systemCtx(), {
      username: 'phamvanthuong',
      fullName: 'Phạm Văn Thường',
      unitId: null,
      scope: 'own',
      roles: ['user'],
    });
    const plain = await browser.newPage();
    await firstLogin(plain, t.url, 'phamvanthuong', otp, strongPassword());
    const plainMenu = plain.getByRole('navigation', { name: 'menu' });
    await expect.poll(() => plainMenu.textContent()).toContain('Trang chủ');
    expect(await plainMenu.textContent()).not.toContain('LGSP');
    await plain.goto(`${t.url}/lgsp/rights`);
    await plain.getByText('Bạn không có quyền xem trang này.').waitFor();
    await plain.close();
  });

  /** Visits every LGSP screen, screenshots it and runs axe-core; fails on any violation. */
  async function axeEveryScreen(page: Page, suffix: string): Promise<void> {
    const screens = [
      ['/lgsp/applications', 'lgsp-applications'],
      [`/lgsp/applications/${ids.sourceApp}`, 'lgsp-application'],
      ['/lgsp/services', 'lgsp-services-list'],
      [`/lgsp/services/${ids.service}`, 'lgsp-service'],
      ['/lgsp/services?tab=directory&dq=hotich', 'lgsp-directory'],
      ['/lgsp/rights', 'lgsp-rights'],
      ['/lgsp/rights?tab=history', 'lgsp-rights-history'],
      ['/lgsp/exchanges', 'lgsp-exchanges'],
      ['/lgsp/statistics', 'lgsp-statistics-axe'],
      ['/lgsp/maintenance', 'lgsp-maintenance'],
    ] as const;
    const { unexpected } = await axeScreens(page, t.url, screens, suffix);
    expect(unexpected).toEqual([]);
  }

  it('has no WCAG 2 A/AA violations (axe-core) on any LGSP screen in the light theme', async () => {
    const page = await adminPage();
    await axeEveryScreen(page, '');
    await page.close();
  });

  it('has no WCAG 2 A/AA violations (axe-core) on any LGSP screen in the dark theme', async () => {
    const page = await adminPage();
    await inDarkTheme(page, t.url, () => axeEveryScreen(page, '-dark'));
  });
});

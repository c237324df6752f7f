/**
 * The console's login in a real browser: first login with the one-time password (SEC-03), the lockout warnings
 * (SEC-04), keyboard use of the login form, and axe-core on the login and home pages.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCtx } from '../../src/core/context.ts';
import {
  axe,
  type BrowserApp,
  type BrowserContext,
  describeBrowser,
  describeViolations,
  firstLogin,
  launchChromium,
  screenshot,
  settle,
  startBrowserApp,
  strongPassword,
  submitLogin,
  unexpectedViolations,
} from './harness.ts';

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
declare const localStorage: { setItem(k: string, v: string): void; removeItem(k: string): void };

describeBrowser('console login in chromium', () => {
  let t: BrowserApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: BrowserContext;

  beforeAll(async () => {
    [t, chromium] = await Promise.all([startBrowserApp(), launchChromium()]);
    browser = chromium.browser;
    // The console may be rebuilt first (under a lock shared by both files): allow for it on two busy cores.
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  it('forces the first administrator to change the one-time password, then opens the home page in Vietnamese', async () => {
    const admin = await t.services.iam.bootstrap.ensureFirstAdmin();
    expect(admin).not.toBeNull();
    const page = await browser.newPage();
    await page.goto(`${t.url}/`);
    // Not logged in: the console sends the visitor to the login page, remembering where they were going.
    await page.waitForURL(/\/login/);
    await expect.poll(() => page.getByRole('heading', { name: 'Đăng nhập' }).isVisible()).toBe(true);
    await screenshot(page, 'login');
    await submitLogin(page, admin!.username, admin!.password);
    await page.waitForURL(/\/change-password/);
    await expect
      .poll(() => page.getByText('Bạn phải đổi mật khẩu trước khi tiếp tục').isVisible())
      .toBe(true);
    await screenshot(page, 'change-password-forced');
    // Going elsewhere first is not possible: the shell sends the session back to the password change.
    await page.goto(`${t.url}/iam/accounts`);
    await page.waitForURL(/\/change-password/);

    const password = strongPassword();
    await page.getByLabel('Mật khẩu hiện tại').fill(admin!.password);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(password);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(password);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.waitForURL((u) => u.pathname === '/iam/accounts' || u.pathname === '/');
    await expect.poll(() => page.getByTestId('user-menu').isVisible()).toBe(true);
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: /Xin chào/ }).waitFor();
    await settle(page);
    await expect.poll(() => page.getByRole('link', { name: 'Trang chủ' }).first().isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Quản trị hệ thống').first().isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
    await screenshot(page, 'home');

    // The one-time password no longer works; the new one does.
    const again = await browser.newPage();
    await again.context().clearCookies();
    await again.goto(`${t.url}/login`);
    await submitLogin(again, admin!.username, admin!.password);
    await expect
      .poll(() => again.getByTestId('error-code').textContent())
      .toContain('IAM_INVALID_CREDENTIALS');
    await again.close();
    await page.close();
  });

  it('warns with còn N lần thử after each wrong password, then shows the locked account with IAM_ACCOUNT_LOCKED', async () => {
    await t.services.iam.policies.setLockout(systemCtx(), { maxFailures: 3, windowMinutes: 10 });
    t.platform.settings.invalidate();
    await t.services.iam.accounts.create(systemCtx(), {
      username: 'nguyenvana',
      fullName: 'Nguyễn Văn A',
      unitId: null,
      scope: 'own',
      roles: ['user'],
    });
    const page = await browser.newPage();
    await page.goto(`${t.url}/login`);
    const alert = page.getByRole('alert');
    for (const remaining of [2, 1]) {
      await submitLogin(page, 'nguyenvana', `sai-mat-khau-${remaining}`);
      await expect.poll(() => alert.textContent()).toContain(`Còn ${remaining} lần thử`);
      expect(await alert.textContent()).toContain('IAM_INVALID_CREDENTIALS');
    }
    await screenshot(page, 'login-attempts-left');
    await submitLogin(page, 'nguyenvana', 'sai-mat-khau-0');
    await expect.poll(() => alert.textContent()).toContain('Tài khoản đã bị khóa');
    expect(await alert.textContent()).toContain('IAM_ACCOUNT_LOCKED');
    await screenshot(page, 'login-locked');
    await page.close();
  });

  it('reaches username, password and the submit button with Tab in that order, and submits with Enter', async () => {
    const created = await t.services.iam.accounts.create(systemCtx(), {
      username: 'tranthib',
      fullName: 'Trần Thị B',
      unitId: null,
      scope: 'own',
      roles: ['user'],
    });
    const page = await browser.newPage();
    await page.goto(`${t.url}/login`);
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement;
        return e ? `${e.tagName.toLowerCase()}:${e.getAttribute('autocomplete') ?? e.type}` : '';
      });
    // The username field has the focus on arrival; from the top of the page Tab reaches it first as well.
    await expect.poll(focused).toBe('input:username');
    // Start the Tab order from the heading above the form (a click there moves the sequential focus point).
    await page.getByRole('heading', { name: 'Đăng nhập' }).click();
    await page.keyboard.press('Tab');
    await expect.poll(focused).toBe('input:username');
    await page.keyboard.type('tranthib');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('input:current-password');
    await page.keyboard.type(created.oneTimePassword);
    // Ant Design's show-password eye may be a stop of its own between the password and the button.
    await page.keyboard.press('Tab');
    if (!(await focused()).startsWith('button:')) {
      expect(
        await page.evaluate(() => document.activeElement?.closest('.ant-input-password')),
      ).not.toBeNull();
      await page.keyboard.press('Tab');
    }
    expect(await focused()).toMatch(/^button:/);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Đăng nhập');
    // Enter in the password field submits the form.
    await page.getByLabel('Mật khẩu', { exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/change-password/);
    await page.close();
  });

  it('has no WCAG 2 A/AA violations (axe-core) on the login page and the home page in the light theme', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/login`);
    await expect.poll(() => page.getByRole('button', { name: 'Đăng nhập' }).isEnabled()).toBe(true);
    const found = describeViolations('login', await axe(page, 'login'));

    const { oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
      username: 'lethic',
      fullName: 'Lê Thị C',
      unitId: null,
      scope: 'all',
      roles: ['tech_admin'],
    });
    await firstLogin(page, t.url, 'lethic', oneTimePassword, strongPassword());
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: /Xin chào/ }).waitFor();
    await settle(page);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    found.push(...describeViolations('home', await axe(page, 'home')));
    const { unexpected, fixed } = unexpectedViolations(found, ['login', 'home']);
    expect(unexpected).toEqual([]);
    expect(fixed, 'fixed: remove from KNOWN_VIOLATIONS').toEqual([]);
    await page.close();
  });
  it('has no WCAG 2 A/AA violations (axe-core) on the login page and the home page in the dark theme', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/login`);
    // The theme a browser remembers (the header's switch writes it): dark from the first page on.
    await page.evaluate(() => localStorage.setItem('tinhso.theme', 'dark'));
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Đăng nhập' }).isEnabled()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const found = describeViolations('login-dark', await axe(page, 'login-dark'));
    await screenshot(page, 'login-dark');

    const { oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
      username: 'dothid',
      fullName: 'Đỗ Thị D',
      unitId: null,
      scope: 'all',
      roles: ['tech_admin'],
    });
    await firstLogin(page, t.url, 'dothid', oneTimePassword, strongPassword());
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: /Xin chào/ }).waitFor();
    await settle(page);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    found.push(...describeViolations('home-dark', await axe(page, 'home-dark')));
    await screenshot(page, 'home-dark');
    const { unexpected, fixed } = unexpectedViolations(found, ['login-dark', 'home-dark']);
    expect(unexpected).toEqual([]);
    expect(fixed, 'fixed: remove from KNOWN_VIOLATIONS').toEqual([]);
    await page.evaluate(() => localStorage.removeItem('tinhso.theme'));
    await page.close();
  });
});

import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, loginAs, sessionHeaders, type TestApp } from '../../../test/helpers/app.ts';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import { searchAudit } from '../../core/audit/index.ts';
import { systemCtx } from '../../core/context.ts';
import { sql } from '../../core/db/index.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function newAccount(roles = ['user']) {
  const username = `u${Math.random().toString(36).slice(2, 10)}`;
  const { account, oneTimePassword } = await t.services.iam.accounts.create(systemCtx(), {
    username,
    fullName: 'Trần Thị Bình',
    unitId: null,
    roles,
  });
  return { username, id: account.id, oneTimePassword };
}

const strong = () => `Bình-An-${Math.random().toString(36).slice(2, 8)}9#`;

describe('first login (SEC-03 a)', () => {
  it('forces the one-time password to be changed before anything else', async () => {
    const { username, oneTimePassword } = await newAccount();
    const first = await login(t, username, oneTimePassword);
    expect(first.stage).toBe('password_change');
    const blocked = await t.app.inject({ method: 'GET', url: '/api/iam/me/tokens', headers: first.headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('IAM_PASSWORD_CHANGE_REQUIRED');
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/change-password',
      headers: first.headers,
      payload: { currentPassword: oneTimePassword, newPassword: strong() },
    });
    expect(changed.statusCode).toBe(200);
    // The change renews the session (SEC-05: no token from before the step survives it).
    const stale = await t.app.inject({ method: 'GET', url: '/api/iam/me/tokens', headers: first.headers });
    expect(stale.statusCode).toBe(401);
    const ok = await t.app.inject({
      method: 'GET',
      url: '/api/iam/me/tokens',
      headers: sessionHeaders(changed),
    });
    expect(ok.statusCode).toBe(200);
  });

  it('stores only an argon2id hash of the password (SEC-02)', async () => {
    const { id } = await newAccount();
    const rows = (await t.platform.db.execute(
      sql`select password_hash from iam_accounts where id = ${id}`,
    )) as unknown as {
      rows: { password_hash: string }[];
    };
    expect(rows.rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$/);
  });
});

describe('password policy (SEC-03 b, c, d, e)', () => {
  it('rejects a password breaking the policy, naming each rule in Vietnamese and English', async () => {
    const u = await loginAs(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/change-password',
      headers: u.headers,
      payload: { currentPassword: u.password, newPassword: 'abc' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('IAM_PASSWORD_POLICY');
    expect(body.title).toContain('ít nhất 12 ký tự');
    expect(body.title).toContain('chữ hoa');
  });

  it('refuses reusing a recent password', async () => {
    const u = await loginAs(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/change-password',
      headers: u.headers,
      payload: { currentPassword: u.password, newPassword: u.password },
    });
    expect(res.json().code).toBe('IAM_PASSWORD_REUSED');
  });

  it('requires a change after changeAfterDays and locks the account after validityDays until changed', async () => {
    const u = await loginAs(t);
    t.clock.advance(91 * 86_400_000);
    const aged = await login(t, u.username, u.password);
    expect(aged.stage).toBe('password_change');
    t.clock.advance(100 * 86_400_000);
    const expired = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/login',
      payload: { username: u.username, password: u.password },
    });
    expect(expired.statusCode).toBe(403);
    expect(expired.json().code).toBe('IAM_PASSWORD_EXPIRED');
    const account = await t.services.iam.accounts.get(systemCtx(), u.accountId);
    expect(account.status).toBe('expired');
    const newPassword = strong();
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/change-expired-password',
      payload: { username: u.username, currentPassword: u.password, newPassword },
    });
    expect(changed.statusCode).toBe(200);
    expect((await t.services.iam.accounts.get(systemCtx(), u.accountId)).status).toBe('active');
    expect((await login(t, u.username, newPassword)).stage).toBe('full');
  });
});

/** Sets the lockout policy to 3 failures in 10 minutes through the API, as an administrator; returns them. */
async function lockAfterThreeFailures() {
  const admin = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/iam/policies/lockout',
    headers: admin.headers,
    payload: { maxFailures: 3, windowMinutes: 10 },
  });
  expect(put.statusCode).toBe(200);
  t.platform.settings.invalidate();
  return admin;
}

describe('failed-login limit (SEC-04)', () => {
  it('warns with the attempts left, then locks the account and blocks even the right password', async () => {
    const admin = await lockAfterThreeFailures();
    const u = await loginAs(t);
    const attempt = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/iam/auth/login',
        payload: { username: u.username, password },
      });
    const r1 = await attempt('wrong-1');
    expect(r1.statusCode).toBe(401);
    expect(r1.json().code).toBe('IAM_INVALID_CREDENTIALS');
    expect(r1.json().title).toContain('Còn 2 lần thử');
    expect((await attempt('wrong-2')).json().title).toContain('Còn 1 lần thử');
    const r3 = await attempt('wrong-3');
    expect(r3.statusCode).toBe(423);
    expect(r3.json().code).toBe('IAM_ACCOUNT_LOCKED');
    const right = await attempt(u.password);
    expect(right.json().code).toBe('IAM_ACCOUNT_LOCKED');
    expect((await t.services.iam.accounts.get(systemCtx(), u.accountId)).status).toBe('locked');
    const lockAudit = await searchAudit(t.platform.db, {
      categories: ['account'],
      text: 'Tự động khóa',
      limit: 5,
    });
    expect(lockAudit.some((e) => e.targetId === u.accountId)).toBe(true);

    const unlock = await t.app.inject({
      method: 'POST',
      url: `/api/iam/accounts/${u.accountId}/status`,
      headers: admin.headers,
      payload: { action: 'unlock' },
    });
    expect(unlock.statusCode).toBe(200);
    expect((await attempt(u.password)).statusCode).toBe(200);
  });

  it('counts wrong current passwords of a password change like failed logins: warns, then locks, audits and ends the session', async () => {
    await lockAfterThreeFailures();
    const u = await loginAs(t);
    const change = (currentPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/iam/auth/change-password',
        headers: u.headers,
        payload: { currentPassword, newPassword: strong() },
      });
    const r1 = await change('sai-1');
    expect(r1.statusCode).toBe(400);
    expect(r1.json().code).toBe('IAM_CURRENT_PASSWORD_WRONG');
    expect(r1.json().title).toContain('Còn 2 lần thử');
    expect((await change('sai-2')).json().title).toContain('Còn 1 lần thử');
    const r3 = await change('sai-3');
    expect(r3.json().code).toBe('IAM_ACCOUNT_LOCKED');
    expect((await t.services.iam.accounts.get(systemCtx(), u.accountId)).status).toBe('locked');
    const lockAudit = await searchAudit(t.platform.db, {
      categories: ['account'],
      text: 'Tự động khóa',
      limit: 10,
    });
    expect(lockAudit.some((e) => e.targetId === u.accountId)).toBe(true);
    const after = await t.app.inject({ method: 'GET', url: '/api/iam/auth/me', headers: u.headers });
    expect(after.statusCode).toBe(401);
  });

  it('answers an unknown username exactly like a wrong password', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/login',
      payload: { username: 'khong-ton-tai', password: 'x' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('IAM_INVALID_CREDENTIALS');
  });
});

describe('login rate limit', () => {
  it('throttles login attempts per address with a Retry-After', async () => {
    const limited = await createTestApp({ 'http.loginRateLimit': 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await limited.app.inject({
          method: 'POST',
          url: '/api/iam/auth/login',
          payload: { username: 'ai-do', password: 'sai' },
        });
        codes.push(res.statusCode);
        if (res.statusCode === 429) {
          expect(res.json().code).toBe('RATE_LIMITED');
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('login rate limit across nodes', () => {
  it('counts attempts in the shared database, so a second node does not reset the limit', async () => {
    const database = await createTestDatabase();
    const nodeA = await createTestApp({ 'http.loginRateLimit': 3 }, database);
    const nodeB = await createTestApp({ 'http.loginRateLimit': 3 }, database);
    try {
      const attempt = (node: TestApp) =>
        node.app.inject({
          method: 'POST',
          url: '/api/iam/auth/login',
          payload: { username: 'ai-do', password: 'sai' },
        });
      const codes = [
        await attempt(nodeA),
        await attempt(nodeB),
        await attempt(nodeA),
        await attempt(nodeB),
      ].map((r) => r.statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await nodeA.close();
      await nodeB.close();
      await database.close();
    }
  });
});

describe('idle session timeout (SEC-06)', () => {
  it('closes an idle session with a message asking to log in again', async () => {
    const u = await loginAs(t);
    const fresh = await t.app.inject({ method: 'GET', url: '/api/iam/auth/me', headers: u.headers });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().idleTimeoutMinutes).toBe(15);
    t.clock.advance(16 * 60_000);
    const idle = await t.app.inject({ method: 'GET', url: '/api/iam/auth/me', headers: u.headers });
    expect(idle.statusCode).toBe(401);
    expect(idle.json().code).toBe('IAM_SESSION_EXPIRED');
    expect(idle.json().title).toContain('đăng nhập lại');
    const again = await t.app.inject({ method: 'GET', url: '/api/iam/auth/me', headers: u.headers });
    expect(again.json().code).toBe('IAM_SESSION_EXPIRED');
  });

  it('closes an idle session once when a page sends several requests at the same moment', async () => {
    const u = await loginAs(t);
    t.clock.advance(16 * 60_000);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.app.inject({ method: 'GET', url: '/api/iam/auth/me', headers: u.headers }),
      ),
    );
    expect(answers.map((a) => a.json().code)).toEqual(Array(8).fill('IAM_SESSION_EXPIRED'));
    const expired = await searchAudit(t.platform.db, {
      categories: ['login'],
      actorId: u.accountId,
      limit: 20,
    });
    expect(expired.filter((e) => e.action === 'iam.session.expired')).toHaveLength(1);
  });

  it('keeps an active session alive', async () => {
    const u = await loginAs(t);
    for (let i = 0; i < 3; i++) {
      t.clock.advance(10 * 60_000);
      const res = await t.app.inject({ method: 'GET', url: '/api/iam/auth/me', headers: u.headers });
      expect(res.statusCode).toBe(200);
    }
  });
});

describe('CSRF and cookies', () => {
  it('refuses a state-changing request without the CSRF token', async () => {
    const u = await loginAs(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/tokens',
      headers: { cookie: u.headers.cookie },
      payload: { name: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CSRF_TOKEN_INVALID');
  });

  it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
    const { username, oneTimePassword } = await newAccount();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/login',
      payload: { username, password: oneTimePassword },
    });
    const cookie = res.cookies.find((c) => c.name === 'tinhso_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
  });
});

describe('API tokens', () => {
  it('authenticate machine clients until revoked', async () => {
    const u = await loginAs(t, { roles: ['business_admin'], scope: 'all' });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/tokens',
      headers: u.headers,
      payload: { name: 'đồng bộ', permissions: ['iam.account.read'] },
    });
    expect(created.statusCode).toBe(200);
    const { token, id } = created.json();
    const bearer = { authorization: `Bearer ${token}` };
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/iam/accounts', headers: bearer })).statusCode,
    ).toBe(200);
    // The token was narrowed to iam.account.read: writing is refused although the account may write.
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/iam/accounts',
      headers: bearer,
      payload: { username: 'khongduoc', fullName: 'X' },
    });
    expect(write.statusCode).toBe(403);
    await t.app.inject({ method: 'DELETE', url: `/api/iam/me/tokens/${id}`, headers: u.headers });
    const revoked = await t.app.inject({ method: 'GET', url: '/api/iam/accounts', headers: bearer });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('IAM_TOKEN_INVALID');
  });
});

describe('TOTP second factor', () => {
  it('requires a valid, unused code after the password once enabled', async () => {
    const u = await loginAs(t);
    const setup = await t.app.inject({ method: 'POST', url: '/api/iam/me/totp/setup', headers: u.headers });
    const { secret } = setup.json();
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    const code = () => totp.generate({ timestamp: t.clock.now.getTime() });
    const enable = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/totp/enable',
      headers: u.headers,
      payload: { code: code() },
    });
    expect(enable.statusCode).toBe(200);
    t.clock.advance(60_000);
    const pending = await login(t, u.username, u.password);
    expect(pending.stage).toBe('totp');
    const blocked = await t.app.inject({
      method: 'GET',
      url: '/api/iam/me/tokens',
      headers: pending.headers,
    });
    expect(blocked.json().code).toBe('IAM_TOTP_REQUIRED');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/totp',
      headers: pending.headers,
      payload: { code: '000000' === code() ? '111111' : '000000' },
    });
    expect(wrong.json().code).toBe('IAM_TOTP_INVALID');
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/totp',
      headers: pending.headers,
      payload: { code: code() },
    });
    expect(right.json().stage).toBe('full');
    // The step renews the session: the cookie of the TOTP stage is worth nothing now, the new one works.
    const full = sessionHeaders(right);
    expect(full.cookie).not.toBe(pending.headers.cookie);
    const stale = await t.app.inject({ method: 'GET', url: '/api/iam/me/tokens', headers: pending.headers });
    expect(stale.statusCode).toBe(401);
    const renewed = await t.app.inject({ method: 'GET', url: '/api/iam/me/tokens', headers: full });
    expect(renewed.statusCode).toBe(200);
    const again = await login(t, u.username, u.password);
    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/totp',
      headers: again.headers,
      payload: { code: code() },
    });
    expect(replay.json().code).toBe('IAM_TOTP_INVALID');
    // An enabled second factor cannot be replaced (and so switched off) by a new enrolment.
    const reenrol = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/totp/setup',
      headers: full,
    });
    expect(reenrol.statusCode).toBe(409);
  });
});

describe('audit of authentication (SEC-10)', () => {
  it('logs successful and failed logins in the login category', async () => {
    const u = await loginAs(t);
    await t.app.inject({
      method: 'POST',
      url: '/api/iam/auth/login',
      payload: { username: u.username, password: 'sai' },
    });
    const entries = await searchAudit(t.platform.db, { categories: ['login'], text: u.username, limit: 20 });
    expect(entries.some((e) => e.action === 'iam.login.success' && e.outcome === 'success')).toBe(true);
    expect(
      entries.some((e) => e.action === 'iam.login.failure' && e.outcome === 'failure' && e.sourceIp),
    ).toBe(true);
  });
});

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { testDatabaseUrl } from '../../../test/helpers/db.ts';
import { credentialsStillValid } from '../../iam/index.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import { type Ctx, systemCtx } from '../context.ts';
import { queryRows, sql } from '../db/index.ts';
import { isAppError } from '../errors/index.ts';
import { buildServer } from '../http/server.ts';
import type { App } from '../http/types.ts';
import { NOTIFICATIONS_TOPIC, type NotificationInput, notificationRoutes } from './index.ts';
import { MAX_STREAMS_PER_ACCOUNT } from './routes.ts';

const notice = (title: string, extra: Partial<NotificationInput> = {}): NotificationInput => ({
  kind: 'test.notice',
  severity: 'info',
  title: { vi: `Thông báo ${title}`, en: `Notice ${title}` },
  body: { vi: `Nội dung ${title}`, en: `Body ${title}` },
  link: '/system/backups',
  ...extra,
});

/** Waits until `check` holds, polling; fails the test after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One parsed Server-Sent Event block: its fields, or a comment line. */
interface SseBlock {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comments: string[];
}

function parseBlock(block: string): SseBlock {
  const out: SseBlock = { comments: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) out.comments.push(line.slice(1).trim());
    else {
      const at = line.indexOf(':');
      const field = line.slice(0, at) as 'id' | 'event' | 'data' | 'retry';
      out[field] = line.slice(at + 1).trimStart();
    }
  }
  return out;
}

/** An open stream read by fetch, its blocks collected as they arrive. */
interface Stream {
  status: number;
  headers: Headers;
  blocks: SseBlock[];
  events(): { id: string; data: Record<string, unknown> }[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

async function openStream(base: string, headers: Record<string, string>): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/notifications/stream`, { headers, signal: controller.signal });
  const blocks: SseBlock[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          blocks.push(parseBlock(buffer.slice(0, i)));
          buffer = buffer.slice(i + 2);
        }
      }
    } catch {
      // Aborted by the test.
    }
  })();
  const stream: Stream = {
    status: res.status,
    headers: res.headers,
    blocks,
    events: () =>
      blocks
        .filter((b) => b.event === 'notification')
        .map((b) => ({ id: b.id!, data: JSON.parse(b.data!) as Record<string, unknown> })),
    ended,
    close: () => controller.abort(),
  };
  if (res.status === 200) await until(() => blocks.some((b) => b.comments.includes('connected')));
  return stream;
}

async function listen(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** A request context of a signed-in account, for calling the service directly. */
function ctxOf(accountId: string): Ctx {
  return {
    actor: { kind: 'user', id: accountId, name: 'x', unitId: null, permissions: new Set(), scope: 'own' },
    ip: '127.0.0.1',
    requestId: null,
    lang: 'vi',
  };
}

let t: TestApp;
let p: Province;
let base: string;
let alice: LoggedIn;
let bob: LoggedIn;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
  alice = await loginAs(t, { roles: ['user'], unitId: p.finance.id });
  bob = await loginAs(t, { roles: ['user'], unitId: p.finance.id });
  base = await listen(t.app);
});
afterAll(async () => {
  await t.close();
});

describe('the list of my notifications', () => {
  it('shows what was notified, newest first, with the unread count and keyset pages', async () => {
    const { notifications } = t.services;
    for (const n of ['một', 'hai', 'ba']) {
      await notifications.notify(t.platform.db, { recipients: [alice.accountId], ...notice(n) });
    }
    const first = await t.app.inject({ url: '/api/notifications?limit=2', headers: alice.headers });
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.unreadCount).toBe(3);
    expect(page.items.map((i: { titleVi: string }) => i.titleVi)).toEqual(['Thông báo ba', 'Thông báo hai']);
    expect(page.items[0]).toEqual({
      id: expect.any(String),
      kind: 'test.notice',
      severity: 'info',
      titleVi: 'Thông báo ba',
      titleEn: 'Notice ba',
      bodyVi: 'Nội dung ba',
      bodyEn: 'Body ba',
      link: '/system/backups',
      createdAt: t.clock.now.toISOString(),
      readAt: null,
    });
    expect(page.nextCursor).toMatch(/^\d+$/);
    const second = await t.app.inject({
      url: `/api/notifications?limit=2&cursor=${page.nextCursor}`,
      headers: alice.headers,
    });
    expect(second.json().items.map((i: { titleEn: string }) => i.titleEn)).toEqual(['Notice một']);
    expect(second.json().nextCursor).toBeNull();
  });

  it('marks one read (keeping the first reading time), lists unread ones, and marks all read', async () => {
    const [n] = await t.services.notifications.notify(t.platform.db, {
      recipients: [bob.accountId],
      ...notice('đọc'),
    });
    await t.services.notifications.notify(t.platform.db, { recipients: [bob.accountId], ...notice('sau') });
    const read = await t.app.inject({
      method: 'POST',
      url: `/api/notifications/${n!.id}/read`,
      headers: bob.headers,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      notification: { id: n!.id, readAt: t.clock.now.toISOString() },
      unreadCount: 1,
    });
    const firstReadAt = read.json().notification.readAt;
    t.clock.advance(60_000);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/notifications/${n!.id}/read`,
      headers: bob.headers,
    });
    expect(again.json().notification.readAt).toBe(firstReadAt);

    const unread = await t.app.inject({ url: '/api/notifications?unread=true', headers: bob.headers });
    expect(unread.json().items.map((i: { titleEn: string }) => i.titleEn)).toEqual(['Notice sau']);

    const all = await t.app.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: bob.headers,
    });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({ updated: 1, unreadCount: 0 });
  });

  it("never shows or lets anyone mark another account's notification: NOT_FOUND, as for a missing one", async () => {
    const [secret] = await t.services.notifications.notify(t.platform.db, {
      recipients: [bob.accountId],
      ...notice('riêng của Bình'),
    });
    const listed = await t.app.inject({ url: '/api/notifications?limit=100', headers: alice.headers });
    expect(listed.body).not.toContain('riêng của Bình');
    expect(listed.body).not.toContain(secret!.id);
    for (const id of [secret!.id, randomUUID()]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/notifications/${id}/read`,
        headers: alice.headers,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    const bobs = await t.app.inject({ url: '/api/notifications?unread=true', headers: bob.headers });
    expect(bobs.json().items.map((i: { id: string }) => i.id)).toContain(secret!.id);
  });

  it('answers 401 without a session and 400 for a malformed id or cursor', async () => {
    expect((await t.app.inject({ url: '/api/notifications' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/notifications/stream' })).json().code).toBe(
      'IAM_UNAUTHENTICATED',
    );
    for (const url of [
      '/api/notifications?cursor=0',
      '/api/notifications?cursor=abc',
      '/api/notifications?limit=101',
    ]) {
      const res = await t.app.inject({ url, headers: alice.headers });
      expect(res.statusCode, url).toBe(400);
    }
    const res = await t.app.inject({
      method: 'POST',
      url: "/api/notifications/1'%20or%20'1'='1/read",
      headers: alice.headers,
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('notify', () => {
  it('refuses a link outside the console, a malformed kind or an empty title with VALIDATION_FAILED', async () => {
    const bad: Partial<NotificationInput>[] = [
      { link: '//evil.example/x' },
      { link: 'https://evil.example' },
      { link: 'javascript:alert(1)' },
      { link: '/a\\b' },
      { kind: 'Backup' },
      { kind: 'backup' },
      { title: { vi: '', en: 'x' } },
      { title: { vi: 'x'.repeat(201), en: 'x' } },
    ];
    for (const extra of bad) {
      const err = await t.services.notifications
        .notify(t.platform.db, { recipients: [alice.accountId], ...notice('x', extra) })
        .catch((e: unknown) => e);
      expect(isAppError(err, 'VALIDATION_FAILED'), JSON.stringify(extra)).toBe(true);
    }
    const err = await t.services.notifications
      .notify(t.platform.db, { recipients: ['not-an-id'], ...notice('x') })
      .catch((e: unknown) => e);
    expect(isAppError(err, 'VALIDATION_FAILED')).toBe(true);
  });

  it('writes in the caller’s transaction: nothing is left when it rolls back', async () => {
    await t.platform.db
      .transaction(async (tx) => {
        await t.services.notifications.notify(tx, { recipients: [alice.accountId], ...notice('huỷ') });
        throw new Error('rollback');
      })
      .catch(() => {});
    const listed = await t.app.inject({ url: '/api/notifications?limit=100', headers: alice.headers });
    expect(listed.body).not.toContain('Thông báo huỷ');
  });

  it('announces many recipients in several bus messages, each within the NOTIFY limit', async () => {
    const sizes: number[] = [];
    const stop = t.services.bus.subscribe(NOTIFICATIONS_TOPIC, (payload) => {
      sizes.push(JSON.stringify(payload).length);
    });
    const recipients = Array.from({ length: 150 }, () => randomUUID());
    const rows = await t.services.notifications.notify(t.platform.db, { recipients, ...notice('nhiều') });
    stop();
    expect(rows).toHaveLength(150);
    expect(sizes).toHaveLength(3);
    for (const s of sizes) expect(s).toBeLessThan(7000);
  });
});

describe('the stream of new notifications (Server-Sent Events)', () => {
  it('delivers my new notification in real time and nobody else’s, with the security headers', async () => {
    const stream = await openStream(base, { cookie: alice.headers.cookie });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
    expect(stream.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(stream.blocks[0]!.retry).toBe('5000');
    await until(() => t.services.notifications.streams === 1);

    await t.services.notifications.notify(t.platform.db, {
      recipients: [bob.accountId],
      ...notice('của Bình'),
    });
    const [mine] = await t.services.notifications.notify(t.platform.db, {
      recipients: [alice.accountId],
      ...notice('tức thì', { severity: 'warning' }),
    });
    await until(() => stream.events().length === 1);
    expect(stream.events()[0]).toEqual({
      id: String(mine!.seq),
      data: expect.objectContaining({ id: mine!.id, titleVi: 'Thông báo tức thì', severity: 'warning' }),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(stream.events()).toHaveLength(1);

    // Marking it read through the API works on what the stream delivered.
    const read = await t.app.inject({
      method: 'POST',
      url: `/api/notifications/${mine!.id}/read`,
      headers: alice.headers,
    });
    expect(read.statusCode).toBe(200);

    stream.close();
    await until(() => t.services.notifications.streams === 0);
  });

  it('resumes after the Last-Event-ID the browser sends back on reconnection', async () => {
    const [first] = await t.services.notifications.notify(t.platform.db, {
      recipients: [alice.accountId],
      ...notice('trước'),
    });
    await t.services.notifications.notify(t.platform.db, {
      recipients: [alice.accountId],
      ...notice('lỡ 1'),
    });
    await t.services.notifications.notify(t.platform.db, {
      recipients: [alice.accountId],
      ...notice('lỡ 2'),
    });
    await t.services.notifications.notify(t.platform.db, { recipients: [bob.accountId], ...notice('Bình') });
    const stream = await openStream(base, {
      cookie: alice.headers.cookie,
      'last-event-id': String(first!.seq),
    });
    await until(() => stream.events().length === 2);
    expect(stream.events().map((e) => e.data.titleEn)).toEqual(['Notice lỡ 1', 'Notice lỡ 2']);
    stream.close();
  });

  it('delivers to every stream of the account (two tabs)', async () => {
    const tabs = [
      await openStream(base, { cookie: alice.headers.cookie }),
      await openStream(base, { cookie: alice.headers.cookie }),
    ];
    await until(() => t.services.notifications.streams === 2);
    await t.services.notifications.notify(t.platform.db, {
      recipients: [alice.accountId],
      ...notice('hai thẻ'),
    });
    for (const tab of tabs) await until(() => tab.events().length === 1);
    for (const tab of tabs) tab.close();
  });

  it(`keeps at most ${MAX_STREAMS_PER_ACCOUNT} streams per account: a new tab ends the oldest with end/superseded`, async () => {
    const gina = await loginAs(t, { roles: ['user'] });
    const before = t.services.notifications.streams;
    const tabs: Stream[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_ACCOUNT; i++)
      tabs.push(await openStream(base, { cookie: gina.headers.cookie }));
    // Another account's streams do not count towards Gina's limit.
    const other = await openStream(base, { cookie: bob.headers.cookie });
    await until(() => t.services.notifications.streams === before + MAX_STREAMS_PER_ACCOUNT + 1);

    const newest = await openStream(base, { cookie: gina.headers.cookie });
    expect(newest.status).toBe(200);
    await tabs[0]!.ended;
    expect(tabs[0]!.blocks.at(-1)).toMatchObject({ event: 'end', data: '{"reason":"superseded"}' });
    await until(() => t.services.notifications.streams === before + MAX_STREAMS_PER_ACCOUNT + 1);

    // The open ones (the newest among them) still receive; the superseded one and Bob's do not get Gina's.
    await t.services.notifications.notify(t.platform.db, {
      recipients: [gina.accountId],
      ...notice('nhiều thẻ'),
    });
    for (const tab of [...tabs.slice(1), newest]) await until(() => tab.events().length === 1);
    expect(tabs[0]!.events()).toHaveLength(0);
    expect(other.events()).toHaveLength(0);
    expect(other.blocks.some((b) => b.event === 'end')).toBe(false);
    for (const tab of [...tabs, newest, other]) tab.close();
    await until(() => t.services.notifications.streams === before);
  });
});

describe('a stream whose credentials stop holding', () => {
  let guarded: App;
  let guardedBase: string;
  beforeAll(async () => {
    // The same services behind a server whose heartbeat (and credential check) comes every 100 ms.
    guarded = await buildServer(t.platform, {
      register: async (app) => {
        await t.services.iam.register(app);
        await app.register(
          notificationRoutes({
            notifications: t.services.notifications,
            stillAuthorised: (request) => credentialsStillValid(t.services.iam, request),
            heartbeatMs: 100,
          }),
          { prefix: '/api/notifications' },
        );
      },
    });
    guardedBase = await listen(guarded);
  });
  afterAll(async () => {
    await guarded.close();
  });

  const idOf = async (accountId: string) =>
    (
      await queryRows<{ lastSeenAt: Date }>(
        t.platform.db,
        sql`select last_seen_at as "lastSeenAt" from iam_sessions where account_id = ${accountId} and revoked_at is null`,
      )
    ).map((r) => new Date(r.lastSeenAt).getTime());

  it('sends heartbeats without keeping the session alive, and ends once the session is idle too long', async () => {
    const carol = await loginAs(t, { roles: ['user'] });
    const stream = await openStream(guardedBase, { cookie: carol.headers.cookie });
    const seenBefore = await idOf(carol.accountId);
    t.clock.advance(5 * 60_000);
    await until(() => stream.blocks.filter((b) => b.comments.includes('heartbeat')).length >= 3);
    // A request through the gate would have moved last_seen_at after 15 s; the heartbeat must not.
    expect(await idOf(carol.accountId)).toEqual(seenBefore);
    t.clock.advance(11 * 60_000);
    await stream.ended;
    expect(stream.blocks.at(-1)).toMatchObject({ event: 'end', data: '{"reason":"unauthenticated"}' });
  });

  it('ends when the person logs out, and when their API token is revoked', async () => {
    const dan = await loginAs(t, { roles: ['user'] });
    const stream = await openStream(guardedBase, { cookie: dan.headers.cookie });
    const logout = await t.app.inject({ method: 'POST', url: '/api/iam/auth/logout', headers: dan.headers });
    expect(logout.statusCode).toBeLessThan(300);
    await stream.ended;
    expect(stream.blocks.at(-1)?.event).toBe('end');

    const erin = await loginAs(t, { roles: ['user'] });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/iam/me/tokens',
      headers: erin.headers,
      payload: { name: 'Luồng thông báo' },
    });
    const { id, token } = created.json() as { id: string; token: string };
    const byToken = await openStream(guardedBase, { authorization: `Bearer ${token}` });
    await t.services.notifications.notify(t.platform.db, { recipients: [erin.accountId], ...notice('mã') });
    await until(() => byToken.events().length === 1);
    await t.app.inject({ method: 'DELETE', url: `/api/iam/me/tokens/${id}`, headers: erin.headers });
    await byToken.ended;
    expect(byToken.blocks.at(-1)?.event).toBe('end');
  });

  it('is ended by the server closing instead of holding the close up', async () => {
    const fay = await loginAs(t, { roles: ['user'] });
    const server = await buildServer(t.platform, {
      register: async (app) => {
        await t.services.iam.register(app);
        await app.register(notificationRoutes({ notifications: t.services.notifications }), {
          prefix: '/api/notifications',
        });
      },
    });
    const stream = await openStream(await listen(server), { cookie: fay.headers.cookie });
    const started = Date.now();
    await server.close();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('notifyHolders', () => {
  it('reaches the active holders of a permission whose scope covers the unit, and no one else', async () => {
    const make = async (roles: string[], unitId: string | null, scope: 'own' | 'subtree' | 'all') =>
      (
        await t.services.iam.accounts.create(systemCtx(), {
          username: `holder${randomUUID().slice(0, 8)}`,
          fullName: 'Người nhận',
          unitId,
          scope,
          roles,
        })
      ).account.id;
    const platformWide = await make(['business_admin'], p.root.id, 'all');
    const districtSubtree = await make(['business_admin'], p.district.id, 'subtree');
    const rootSubtree = await make(['business_admin'], p.root.id, 'subtree');
    const communeOwn = await make(['business_admin'], p.communeA.id, 'own');
    const districtOwn = await make(['business_admin'], p.district.id, 'own');
    const financeSubtree = await make(['business_admin'], p.finance.id, 'subtree');
    const siblingSubtree = await make(['business_admin'], p.communeB.id, 'subtree');
    const withoutPermission = await make(['user'], p.communeA.id, 'subtree');
    const denied = await make(['business_admin'], p.root.id, 'all');
    await t.services.iam.accounts.setGrants(systemCtx(), denied, [
      { permission: 'iam.account.write', effect: 'deny' },
    ]);
    const disabled = await make(['business_admin'], p.root.id, 'all');
    await t.services.iam.accounts.setStatus(systemCtx(), disabled, 'disable', 'kiểm thử');

    const rows = await t.services.notifications.notifyHolders(
      'iam.account.write',
      p.communeA.id,
      notice('xã Đông La'),
    );
    const got = new Set(rows.map((r) => r.recipientId));
    for (const id of [platformWide, districtSubtree, rootSubtree, communeOwn]) expect(got).toContain(id);
    for (const id of [districtOwn, financeSubtree, siblingSubtree, withoutPermission, denied, disabled]) {
      expect(got).not.toContain(id);
    }

    // Without a unit, every active holder is told.
    const all = new Set(
      (await t.services.notifications.notifyHolders('iam.account.write', null, notice('toàn tỉnh'))).map(
        (r) => r.recipientId,
      ),
    );
    for (const id of [platformWide, districtSubtree, districtOwn, financeSubtree, siblingSubtree]) {
      expect(all).toContain(id);
    }
    for (const id of [withoutPermission, denied, disabled]) expect(all).not.toContain(id);
  });

  it('tells the account administrators of the unit when the lockout policy locks an account', async () => {
    const victim = await loginAs(t, { roles: ['user'], unitId: p.communeB.id });
    const admin = await loginAs(t, { roles: ['business_admin'], unitId: p.district.id, scope: 'subtree' });
    const elsewhere = await loginAs(t, { roles: ['business_admin'], unitId: p.finance.id, scope: 'subtree' });
    const stream = await openStream(base, { cookie: admin.headers.cookie });
    let code = '';
    for (let i = 0; i < 10 && code !== 'IAM_ACCOUNT_LOCKED'; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/iam/auth/login',
        payload: { username: victim.username, password: 'Sai-mat-khau-1' },
      });
      code = res.json().code;
    }
    expect(code).toBe('IAM_ACCOUNT_LOCKED');
    const page = await t.services.notifications.list(ctxOf(admin.accountId), {});
    const locked = page.items.find((n) => n.kind === 'account.locked');
    expect(locked).toMatchObject({
      severity: 'warning',
      titleVi: 'Tài khoản bị khóa tự động',
      link: `/iam/accounts/${victim.accountId}`,
    });
    expect(locked!.bodyVi).toContain(victim.username);
    await until(() => stream.events().some((e) => e.data.kind === 'account.locked'));
    stream.close();
    const other = await t.services.notifications.list(ctxOf(elsewhere.accountId), {});
    expect(other.items.some((n) => n.kind === 'account.locked')).toBe(false);
  });
});

describe.skipIf(!testDatabaseUrl)('across two nodes on one PostgreSQL database', () => {
  it('delivers a notification made on one node to a stream open on the other', async () => {
    const a = await createTestApp({ 'database.url': testDatabaseUrl });
    const b = await createTestApp({ 'database.url': testDatabaseUrl }, a.platform.database);
    try {
      expect(a.services.bus.status()).toMatchObject({ transport: 'postgres', listening: true });
      const gina = await loginAs(a, { roles: ['user'] });
      const stream = await openStream(await listen(b.app), { cookie: gina.headers.cookie });
      const [n] = await a.services.notifications.notify(a.platform.db, {
        recipients: [gina.accountId],
        ...notice('từ nút A'),
      });
      await until(() => stream.events().length === 1);
      expect(stream.events()[0]!.data.id).toBe(n!.id);
      expect(a.services.notifications.streams).toBe(0);
      stream.close();
    } finally {
      await b.close();
      await a.close();
    }
  });
});

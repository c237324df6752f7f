import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type LoggedIn, login, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { systemCtx } from '../../core/context.ts';

let t: TestApp;
let operator: LoggedIn;
let follower: LoggedIn;
let outsider: LoggedIn;

const hours = (h: number) => new Date(t.clock.now.getTime() + h * 3_600_000).toISOString();

async function unread(who: LoggedIn) {
  const res = await t.app.inject({ method: 'GET', url: '/api/notifications', headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: { kind: string; bodyVi: string; titleVi: string }[] }).items;
}

beforeAll(async () => {
  t = await createTestApp();
  operator = await loginAs(t, { roles: ['tech_admin'], scope: 'all' });
  follower = await loginAs(t, { roles: ['business_admin'], scope: 'all' });
  outsider = await loginAs(t, { roles: ['user'] });
});
afterAll(() => t?.close());

describe('maintenance notices (LGSP-34)', () => {
  it('announces a window to every account that follows LGSP, and to no one else', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/lgsp/maintenance',
      headers: operator.headers,
      payload: {
        title: 'Nâng cấp trục LGSP',
        message: 'Cập nhật phiên bản 2.1',
        startsAt: hours(26),
        endsAt: hours(28),
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'scheduled', title: 'Nâng cấp trục LGSP' });
    const seen = await unread(follower);
    expect(seen.find((n) => n.kind === 'lgsp.maintenance.scheduled')?.bodyVi).toMatch(
      /Cập nhật phiên bản 2\.1/,
    );
    expect((await unread(outsider)).some((n) => n.kind.startsWith('lgsp.maintenance'))).toBe(false);
  });

  it('lists upcoming windows for agency systems without a session and without staff names', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/lgsp/maintenance/upcoming' });
    expect(res.statusCode).toBe(200);
    const items = res.json() as Record<string, unknown>[];
    expect(items.some((w) => w.title === 'Nâng cấp trục LGSP')).toBe(true);
    expect(items.every((w) => !('createdBy' in w))).toBe(true);
  });

  it('cancels a window, tells the followers, and hides it from agency systems', async () => {
    const created = await t.services.lgsp.maintenance.schedule(systemCtx('test'), {
      title: 'Bảo trì cơ sở dữ liệu',
      startsAt: hours(10),
      endsAt: hours(11),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/lgsp/maintenance/${created.id}/cancel`,
      headers: operator.headers,
      payload: { reason: 'Lùi sang tuần sau' },
    });
    expect(res.json()).toMatchObject({ status: 'cancelled', cancelReason: 'Lùi sang tuần sau' });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/lgsp/maintenance/${created.id}/cancel`,
      headers: operator.headers,
      payload: { reason: 'Lần nữa' },
    });
    expect(again.json()).toMatchObject({ code: 'LGSP_MAINTENANCE_ALREADY_CANCELLED' });
    expect((await unread(follower)).some((n) => n.kind === 'lgsp.maintenance.cancelled')).toBe(true);
    const upcoming = (
      await t.app.inject({ method: 'GET', url: '/api/lgsp/maintenance/upcoming' })
    ).json() as {
      id: string;
    }[];
    expect(upcoming.some((w) => w.id === created.id)).toBe(false);
  });

  it('refuses windows in the past, reversed, too long, and callers without the permission', async () => {
    const post = (payload: object, who = operator) =>
      t.app.inject({ method: 'POST', url: '/api/lgsp/maintenance', headers: who.headers, payload });
    for (const payload of [
      { title: 'Quá khứ', startsAt: hours(-1), endsAt: hours(1) },
      { title: 'Ngược', startsAt: hours(5), endsAt: hours(4) },
      { title: 'Quá dài', startsAt: hours(5), endsAt: hours(5 + 24 * 8) },
    ]) {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'LGSP_MAINTENANCE_WINDOW_INVALID' });
    }
    expect(
      (await post({ title: 'Không có quyền', startsAt: hours(5), endsAt: hours(6) }, follower)).statusCode,
    ).toBe(403);
  });
  // Last: it moves the clock.
  it('reminds once, an hour before the start, however many nodes run the job', async () => {
    const created = await t.services.lgsp.maintenance.schedule(systemCtx('test'), {
      title: 'Thay chứng thư số',
      startsAt: hours(3),
      endsAt: hours(4),
    });
    const job = t.services.lgsp.maintenance.reminderJob;
    expect(await job.run(systemCtx('scheduler'), { scheduledFor: t.clock.now } as never)).toBe(
      '0 reminder(s)',
    );
    t.clock.advance(2.5 * 3_600_000);
    expect(await job.run(systemCtx('scheduler'), { scheduledFor: t.clock.now } as never)).toBe(
      '1 reminder(s)',
    );
    expect(await job.run(systemCtx('scheduler'), { scheduledFor: t.clock.now } as never)).toBe(
      '0 reminder(s)',
    );
    // The clock moved past the idle timeout: log in again to read the bell.
    follower = { ...follower, headers: (await login(t, follower.username, follower.password)).headers };
    const reminders = (await unread(follower)).filter((n) => n.kind === 'lgsp.maintenance.reminder');
    expect(reminders.map((n) => n.titleVi)).toEqual([`Sắp bảo trì: ${created.title}`]);
  });
});

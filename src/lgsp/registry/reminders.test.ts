import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { systemCtx } from '../../core/context.ts';
import { queryRows, sql } from '../../core/db/index.ts';
import { buildProvince, type Province } from '../../org/testing.ts';
import { thresholdOf } from './reminders.ts';
import { freshCode, operator, rsaKeys, selfSigned } from './testing.ts';

const DAY = 86_400_000;
let t: TestApp;
let p: Province;

beforeAll(async () => {
  t = await createTestApp();
  p = await buildProvince(t.services.org, systemCtx());
});
afterAll(() => t.close());

describe('thresholdOf', () => {
  it('maps remaining days to the 30 / 7 / 1 day thresholds', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const at = (days: number) => new Date(now.getTime() + days * DAY);
    expect([30, 20, 8, 7, 2, 1, 0.5].map((d) => thresholdOf(at(d), now))).toEqual([30, 30, 30, 7, 7, 1, 1]);
  });
});

describe('certificate reminders', () => {
  it('tells the key operators of the unit once per threshold, and no one else', async () => {
    const { account: keeper } = await t.services.iam.accounts.create(systemCtx(), {
      username: `keeper${process.pid}`,
      fullName: 'Người giữ khóa',
      unitId: p.district.id,
      scope: 'subtree',
      roles: ['tech_admin'],
    });
    const { account: outsider } = await t.services.iam.accounts.create(systemCtx(), {
      username: `outsider${process.pid}`,
      fullName: 'Người đơn vị khác',
      unitId: p.health.id,
      scope: 'own',
      roles: ['tech_admin'],
    });
    const registry = t.services.lgsp.registry;
    const app = await registry.service.createApplication(operator(), {
      unitId: p.communeA.id,
      code: freshCode(),
      name: 'Phần mềm ký số xã',
      kind: 'rsa',
    });
    const now = t.clock.now.getTime();
    const pem = await selfSigned(
      await rsaKeys(),
      new Date(now - DAY),
      new Date(now + 20 * DAY),
      'xa-dong-la',
    );
    const { key } = await registry.service.registerPublicKey(operator(), app.id, { pem });
    const received = async (accountId: string) =>
      queryRows<{ kind: string; severity: string; body_vi: string }>(
        t.platform.db,
        sql`select kind, severity, body_vi from core_notifications where recipient_id = ${accountId} order by seq`,
      );

    expect(await registry.reminderJob.run(systemCtx(), { attempt: 1 } as never)).toMatch(/^1 certificate/);
    const first = await received(keeper.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ kind: 'lgsp.certificate.expiring', severity: 'warning' });
    expect(first[0]!.body_vi).toContain(key.accessKey);
    expect(await received(outsider.id)).toEqual([]);

    // The next day: same threshold, nothing new.
    await registry.reminderJob.run(systemCtx(), {} as never);
    expect(await received(keeper.id)).toHaveLength(1);

    // Six days before the end: the 7-day reminder, as an error.
    t.clock.advance(14 * DAY);
    try {
      await registry.reminderJob.run(systemCtx(), {} as never);
      const second = await received(keeper.id);
      expect(second.map((n) => n.severity)).toEqual(['warning', 'error']);
    } finally {
      t.clock.advance(-14 * DAY);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { nextDailyAt } from './calendar.ts';

describe('nextDailyAt', () => {
  it('reads the time in Vietnam time (UTC+7)', () => {
    // 2026-11-23 10:00 in Hà Nội is 03:00 UTC; 02:00 local has passed, so the next is tomorrow 02:00 local.
    expect(nextDailyAt(new Date('2026-11-23T03:00:00Z'), '02:00').toISOString()).toBe(
      '2026-11-23T19:00:00.000Z',
    );
    expect(nextDailyAt(new Date('2026-11-23T03:00:00Z'), '23:30').toISOString()).toBe(
      '2026-11-23T16:30:00.000Z',
    );
  });

  it('never returns the instant it was given', () => {
    const at = new Date('2026-11-23T19:00:00Z');
    expect(nextDailyAt(at, '02:00').toISOString()).toBe('2026-11-24T19:00:00.000Z');
  });

  it('rejects a malformed time', () => {
    expect(() => nextDailyAt(new Date(), '24:00')).toThrow(TypeError);
  });
});

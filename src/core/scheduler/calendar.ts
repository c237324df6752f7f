/**
 * @module core/scheduler/calendar
 * Wall-clock times of the province: schedules such as "every day at 02:00" are meant in Vietnam time.
 * Asia/Ho_Chi_Minh has been UTC+07:00 without daylight saving since 1975, so a fixed offset is exact and
 * does not depend on the ICU data of the Node build.
 */

/** Offset of Asia/Ho_Chi_Minh from UTC. */
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True when `time` is a valid `HH:mm` (00:00 to 23:59). */
export function isTimeOfDay(time: string): boolean {
  return HH_MM.test(time);
}

/** The first instant strictly after `after` at which the Vietnam wall clock reads `time` (HH:mm). */
export function nextDailyAt(after: Date, time: string): Date {
  const match = HH_MM.exec(time);
  if (!match) throw new TypeError(`not a time of day (HH:mm): ${time}`);
  const local = new Date(after.getTime() + VIETNAM_OFFSET_MS);
  local.setUTCHours(Number(match[1]), Number(match[2]), 0, 0);
  let at = local.getTime() - VIETNAM_OFFSET_MS;
  if (at <= after.getTime()) at += 86_400_000;
  return new Date(at);
}

/**
 * @module soc/search/time
 * Times in queries and the searched time range. A date or time without a zone is Vietnam time (UTC+7, no
 * daylight saving), the zone every operator of the province works in.
 */
import { AppError } from '../../core/errors/index.ts';

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** The longest range one search may cover: a year and a bit (monthly reports across a year end). */
export const MAX_RANGE_DAYS = 400;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

function validParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCDate() === d && probe.getUTCMonth() === mo - 1;
}

/** Parses `2026-12-01` (the whole day, Vietnam time) or an ISO date-time; null when neither. */
export function parseTime(text: string): { start: Date; end: Date | null } | null {
  if (text.length > 40) return null;
  const day = DATE.exec(text);
  if (day) {
    const [y, mo, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (!validParts(y, mo, d)) return null;
    const start = Date.UTC(y, mo - 1, d) - VN_OFFSET_MS;
    return { start: new Date(start), end: new Date(start + DAY_MS) };
  }
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const s = Number(m[6] ?? 0);
  if (!validParts(y, mo, d, h, mi, s)) return null;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3) || 0);
  let offset = VN_OFFSET_MS;
  const zone = m[8];
  if (zone === 'Z') offset = 0;
  else if (zone) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = Number(digits.slice(2));
    if (zh > 14 || zm > 59) return null;
    offset = sign * (zh * 3_600_000 + zm * 60_000);
  }
  return { start: new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset), end: null };
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** What a request says about time: `last` (15m, 24h, 7d) or `from` (and `to`, default now). */
export interface TimeInput {
  from?: string;
  to?: string;
  last?: string;
}

function rangeError(reason: string, reasonVi: string): never {
  throw new AppError('SOC_TIME_RANGE_INVALID', {
    reason,
    reasonVi,
    errors: [{ field: 'body', message: reason }],
  });
}

/** Resolves the searched range [from, to); a range is always required so only its day partitions are read. */
export function resolveRange(input: TimeInput, now: Date): { from: Date; to: Date } {
  let from: Date;
  let to: Date;
  if (input.last) {
    if (input.from || input.to) rangeError('give either last or from/to', 'chỉ dùng last hoặc from/to');
    const m = /^(\d{1,5})([smhdw])$/.exec(input.last);
    if (!m) rangeError('last must look like 15m, 24h or 7d', 'last có dạng 15m, 24h, 7d');
    to = now;
    from = new Date(now.getTime() - Number(m[1]) * (UNIT_MS[m[2] as string] as number));
  } else if (input.from) {
    const f = parseTime(input.from);
    if (!f) rangeError('from is not a date or time', 'from không phải ngày giờ');
    from = f.start;
    if (input.to) {
      const t = parseTime(input.to);
      if (!t) rangeError('to is not a date or time', 'to không phải ngày giờ');
      // `to` as a day includes that day.
      to = t.end ?? t.start;
    } else to = now;
  } else {
    return rangeError(
      'a time range is required (from/to or last)',
      'cần khoảng thời gian (from/to hoặc last)',
    );
  }
  if (!(from.getTime() < to.getTime())) rangeError('from must be before to', 'from phải trước to');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    rangeError(`at most ${MAX_RANGE_DAYS} days`, `tối đa ${MAX_RANGE_DAYS} ngày`);
  }
  return { from, to };
}

/** Histogram intervals, smallest first; each divides a day or a week evenly so buckets align. */
const INTERVALS: { label: string; ms: number }[] = [
  { label: '1s', ms: 1000 },
  { label: '5s', ms: 5000 },
  { label: '10s', ms: 10_000 },
  { label: '30s', ms: 30_000 },
  { label: '1m', ms: 60_000 },
  { label: '5m', ms: 300_000 },
  { label: '10m', ms: 600_000 },
  { label: '15m', ms: 900_000 },
  { label: '30m', ms: 1_800_000 },
  { label: '1h', ms: 3_600_000 },
  { label: '2h', ms: 7_200_000 },
  { label: '3h', ms: 10_800_000 },
  { label: '6h', ms: 21_600_000 },
  { label: '12h', ms: 43_200_000 },
  { label: '1d', ms: DAY_MS },
  { label: '7d', ms: 7 * DAY_MS },
];

/** The smallest interval giving at most 100 buckets over the range (24 h → 15m: 96, 7 d → 2h: 84, 30 d → 12h: 60). */
export function histogramInterval(from: Date, to: Date, maxBuckets = 100): { label: string; ms: number } {
  const span = to.getTime() - from.getTime();
  for (const i of INTERVALS) if (span / i.ms <= maxBuckets) return i;
  return INTERVALS[INTERVALS.length - 1] as { label: string; ms: number };
}

/**
 * The origin buckets are counted from: midnight Vietnam time on a Monday, so days start at 00:00 in
 * Asia/Ho_Chi_Minh and weeks on Monday (a fixed UTC+7 offset: no daylight saving since 1975).
 */
export const BUCKET_ORIGIN = '2000-01-03T00:00:00+07:00';

/**
 * @module soc/ingest/syslog/timestamp
 * Syslog timestamps: RFC 3164's `Mmm dd hh:mm:ss` (no year, no zone: the year is inferred from the time of
 * receipt, the zone is the sender's assumed one) and RFC 3339/ISO 8601 (RFC 5424, rsyslog's forward format).
 */

/** Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975: a constant offset is exact. */
export const VIETNAM_OFFSET_MINUTES = 420;

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** A timestamp read from the start of a header: epoch milliseconds and the index after it. */
export interface ReadTimestamp {
  ms: number;
  end: number;
}

// `Oct 11 22:14:15`, `Oct  1 22:14:15`, `Oct 11 2024 22:14:15` (Cisco, some firewalls), `.123` fractions.
const BSD = /^([A-Za-z]{3}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?/;

/** Milliseconds of a fraction given as digits (`3` → 300, `123456` → 123). */
function fractionMs(digits: string | undefined): number {
  if (!digits) return 0;
  return Number(`${digits}000`.slice(0, 3));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;
/** Within this distance of now, this year's candidate is nearer than last or next year's could be. */
const HALF_YEAR_MS = 182 * DAY_MS;

function daysIn(y: number, mo: number): number {
  if (mo !== 1) return DAYS_IN_MONTH[mo] as number;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

/** Epoch ms of a wall-clock time, or NaN when a field is out of range (Feb 30, 25:00…). */
function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (mo < 0 || mo > 11 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 60) return Number.NaN;
  // A leap second (:60) is kept as the last millisecond of its minute rather than refused.
  return Date.UTC(y, mo, d, h, mi, s === 60 ? 59 : s, s === 60 ? 999 : ms);
}

// The year of "now" changes once a year: remember its bounds instead of building a Date per message.
let yearCache = { year: 1970, from: 0, to: 0 };
function yearOf(ms: number): number {
  if (ms >= yearCache.from && ms < yearCache.to) return yearCache.year;
  const year = new Date(ms).getUTCFullYear();
  yearCache = { year, from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1) };
  return year;
}

/**
 * Reads an RFC 3164 timestamp. Without a year, takes the one (last, this or next) that puts the time closest
 * to `nowMs`: a December message received on 1 January belongs to last year, and a sender whose clock runs a
 * little ahead on 31 December to next year.
 */
export function readBsdTimestamp(text: string, nowMs: number, offsetMinutes: number): ReadTimestamp | null {
  const m = BSD.exec(text);
  if (!m) return null;
  const month = MONTHS[(m[1] as string).toLowerCase()];
  if (month === undefined) return null;
  const day = Number(m[2]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  const ms = fractionMs(m[7]);
  const offsetMs = offsetMinutes * 60_000;
  let best = Number.NaN;
  if (m[3]) {
    best = wallClock(Number(m[3]), month, day, h, mi, s, ms);
  } else {
    const localNow = nowMs + offsetMs;
    const year = yearOf(localNow);
    best = wallClock(year, month, day, h, mi, s, ms);
    if (Number.isNaN(best) || Math.abs(best - localNow) > HALF_YEAR_MS) {
      for (const y of [year - 1, year + 1]) {
        const t = wallClock(y, month, day, h, mi, s, ms);
        if (!Number.isNaN(t) && (Number.isNaN(best) || Math.abs(t - localNow) < Math.abs(best - localNow))) {
          best = t;
        }
      }
    }
  }
  if (Number.isNaN(best)) return null;
  return { ms: best - offsetMs, end: m[0].length };
}

/** Reads an RFC 3339 / ISO 8601 timestamp; one without a zone is in `offsetMinutes`. */
export function readIsoTimestamp(text: string, offsetMinutes: number): ReadTimestamp | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const t = wallClock(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    fractionMs(m[7]),
  );
  if (Number.isNaN(t)) return null;
  let offset = offsetMinutes;
  if (m[8]) offset = 0;
  else if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { ms: t - offset * 60_000, end: m[0].length };
}

/** ISO string of epoch ms, or undefined when out of Date's range. */
export function isoOf(ms: number): string | undefined {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

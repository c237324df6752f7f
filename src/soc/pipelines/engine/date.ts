/**
 * @module soc/pipelines/engine/date
 * Date parsing for the `date` processor: ISO 8601, UNIX seconds and milliseconds, syslog `MMM d HH:mm:ss`
 * (no year: inferred from when the event was received), HTTPDATE `dd/MMM/yyyy:HH:mm:ss Z`, and custom
 * patterns in the usual letters (yyyy MM MMM dd HH mm ss SSS Z XXX …). Times without an offset are read in
 * the processor's time zone (default Asia/Ho_Chi_Minh).
 */

/** Parses a value into epoch milliseconds; `receivedAt` anchors year inference. NaN when it does not parse. */
export type DateParser = (value: unknown, receivedAt: number) => number;

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Offset of a zone (ms to add to UTC to get local time) near a local time; fixed zones are constant. */
export type ZoneOffset = (localMs: number) => number;

/** A time zone by IANA name or fixed offset (`+07:00`, `Z`, `UTC`); throws on an unknown name. */
export function zoneOffset(tz: string): ZoneOffset {
  const fixed = parseOffset(tz);
  if (!Number.isNaN(fixed)) return () => fixed;
  if (tz === 'UTC' || tz === 'Etc/UTC' || tz === 'GMT') return () => 0;
  // Viet Nam has kept UTC+7 without daylight saving since 1975.
  if (tz === 'Asia/Ho_Chi_Minh' || tz === 'Asia/Saigon' || tz === 'Asia/Bangkok') return () => 25_200_000;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const cache = new Map<number, number>();
  const offsetAt = (utcMs: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(utcMs))) {
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    }
    const asUtc = Date.UTC(
      p.year ?? 1970,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      p.hour ?? 0,
      p.minute ?? 0,
      p.second ?? 0,
    );
    return asUtc - Math.floor(utcMs / 1000) * 1000;
  };
  return (localMs) => {
    const bucket = Math.floor(localMs / 3_600_000);
    let offset = cache.get(bucket);
    if (offset === undefined) {
      // Two rounds settle the offset around a transition.
      offset = offsetAt(localMs);
      offset = offsetAt(localMs - offset);
      if (cache.size > 10_000) cache.clear();
      cache.set(bucket, offset);
    }
    return offset;
  };
}

/** `Z`, `+07:00`, `+0700`, `+07` → milliseconds; NaN otherwise. */
export function parseOffset(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return Number.NaN;
  const ms = (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
  return m[1] === '-' ? -ms : ms;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

function fractionMs(text: string | undefined): number {
  if (!text) return 0;
  return Math.floor(Number(`0.${text}`) * 1000);
}

function isoParser(zone: ZoneOffset): DateParser {
  return (value) => {
    if (typeof value !== 'string') return Number.NaN;
    const m = ISO.exec(value.trim());
    if (!m) return Number.NaN;
    const local = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
      fractionMs(m[7]),
    );
    const offset = m[8] !== undefined ? parseOffset(m[8]) : zone(local);
    return local - offset;
  };
}

function unixParser(scale: number): DateParser {
  return (value) => {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value !== ''
          ? Number(value)
          : Number.NaN;
    return Number.isFinite(n) ? Math.round(n * scale) : Number.NaN;
  };
}

/** Milliseconds of `/Date(1700000000000)/` (the JSON of .NET, as `ConvertTo-Json` writes DateTime). */
function dotnetParser(): DateParser {
  const re = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;
  return (value) => {
    if (typeof value !== 'string') return Number.NaN;
    const m = re.exec(value);
    return m ? Number(m[1]) : Number.NaN;
  };
}

interface Slot {
  kind:
    | 'year'
    | 'year2'
    | 'month'
    | 'monthName'
    | 'day'
    | 'hour'
    | 'hour12'
    | 'ampm'
    | 'minute'
    | 'second'
    | 'fraction'
    | 'zone'
    | 'skip';
}

/**
 * Compiles a pattern of date letters into a parser. Letters: yyyy yy MM M MMM MMMM dd d HH H hh h a mm m
 * ss s S… (fraction) Z ZZ X XX XXX (offsets) EEE EEEE (week day, ignored); 'quoted' text and other
 * characters are literal; a space matches one or more spaces (syslog pads the day: `Mar  5`).
 */
export function compilePattern(pattern: string, zone: ZoneOffset): DateParser {
  let re = '^';
  const slots: Slot[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new Error('unclosed quote in the date pattern');
      re += escapeRe(pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      re += ch === ' ' ? ' +' : escapeRe(ch);
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === ch) n++;
    i += n;
    const add = (kind: Slot['kind'], expr: string) => {
      slots.push({ kind });
      re += `(${expr})`;
    };
    switch (ch) {
      case 'y':
        if (n === 2) add('year2', '\\d{2}');
        else add('year', '\\d{4}');
        break;
      case 'M':
        if (n >= 3) add('monthName', '[A-Za-z]{3,9}');
        else add('month', n === 2 ? '\\d{2}' : '\\d{1,2}');
        break;
      case 'd':
        add('day', n === 2 ? '\\d{2}' : '\\d{1,2}');
        break;
      case 'H':
        add('hour', n === 2 ? '\\d{2}' : '\\d{1,2}');
        break;
      case 'h':
        add('hour12', n === 2 ? '\\d{2}' : '\\d{1,2}');
        break;
      case 'a':
        add('ampm', '[AaPp][Mm]');
        break;
      case 'm':
        add('minute', n === 2 ? '\\d{2}' : '\\d{1,2}');
        break;
      case 's':
        add('second', n === 2 ? '\\d{2}' : '\\d{1,2}');
        break;
      case 'S':
        add('fraction', `\\d{1,${Math.max(n, 9)}}`);
        break;
      case 'Z':
      case 'X':
        add('zone', 'Z|[+-]\\d{2}(?::?\\d{2})?');
        break;
      case 'E':
        add('skip', '[A-Za-z]{3,9}');
        break;
      default:
        throw new Error(`unknown letter "${ch}" in the date pattern`);
    }
  }
  const regex = new RegExp(`${re}$`);
  const hasYear = slots.some((s) => s.kind === 'year' || s.kind === 'year2');
  return (value, receivedAt) => {
    if (typeof value !== 'string') return Number.NaN;
    const m = regex.exec(value.trim());
    if (!m) return Number.NaN;
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let ms = 0;
    let pm: boolean | null = null;
    let offset = Number.NaN;
    for (let k = 0; k < slots.length; k++) {
      const text = m[k + 1] as string;
      switch ((slots[k] as Slot).kind) {
        case 'year':
          year = Number(text);
          break;
        case 'year2':
          year = 2000 + Number(text);
          break;
        case 'month':
          month = Number(text);
          break;
        case 'monthName': {
          const mm = MONTHS[text.slice(0, 3).toLowerCase()];
          if (mm === undefined) return Number.NaN;
          month = mm;
          break;
        }
        case 'day':
          day = Number(text);
          break;
        case 'hour':
        case 'hour12':
          hour = Number(text);
          break;
        case 'ampm':
          pm = text[0] === 'P' || text[0] === 'p';
          break;
        case 'minute':
          minute = Number(text);
          break;
        case 'second':
          second = Number(text);
          break;
        case 'fraction':
          ms = fractionMs(text);
          break;
        case 'zone':
          offset = parseOffset(text);
          break;
        case 'skip':
          break;
      }
    }
    if (pm !== null) hour = (hour % 12) + (pm ? 12 : 0);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
      return Number.NaN;
    if (hasYear) return toUtc(year, month, day, hour, minute, second, ms, offset, zone);
    // No year (syslog): the year the event was received, unless that puts it more than a day in the
    // future: then it was written last year (a December line read in January).
    const receivedLocal = receivedAt + zone(receivedAt);
    const y = new Date(receivedLocal).getUTCFullYear();
    const t = toUtc(y, month, day, hour, minute, second, ms, offset, zone);
    return t > receivedAt + 86_400_000 ? toUtc(y - 1, month, day, hour, minute, second, ms, offset, zone) : t;
  };
}

/** Epoch ms of a local time, at its own offset or else in the zone. */
function toUtc(
  y: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offset: number,
  zone: ZoneOffset,
): number {
  const local = Date.UTC(y, month - 1, day, hour, minute, second, ms);
  return local - (Number.isNaN(offset) ? zone(local) : offset);
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Parser of one named format or pattern; throws an Error for a pattern that does not compile. */
export function dateParser(format: string, zone: ZoneOffset): DateParser {
  switch (format) {
    case 'ISO8601':
      return isoParser(zone);
    case 'UNIX':
      return unixParser(1000);
    case 'UNIX_MS':
      return unixParser(1);
    case 'DOTNET_JSON':
      return dotnetParser();
    case 'SYSLOG':
      return compilePattern('MMM d HH:mm:ss', zone);
    case 'HTTPDATE':
      return compilePattern('dd/MMM/yyyy:HH:mm:ss Z', zone);
    default:
      return compilePattern(format, zone);
  }
}

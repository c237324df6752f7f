/**
 * @module web/lib/format
 * Dates, numbers and Vietnamese text for display, using the same rules as the server
 * (src/core/text/vietnamese.ts and src/core/time/format.ts are shared, not copied).
 */
import { foldForSearch, viCollator } from '../../../src/core/text/vietnamese.ts';
import { formatDateTimeVn } from '../../../src/core/time/format.ts';

export { foldForSearch, viCollator };

const dateOnly = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

function toDate(v: string | number | Date): Date {
  return v instanceof Date ? v : new Date(v);
}

/** `23/11/2026 10:15:00`, Vietnam time; empty for null. */
export function formatDateTime(v: string | number | Date | null | undefined): string {
  return v == null ? '' : formatDateTimeVn(toDate(v));
}

/** `23/11/2026`, Vietnam time; empty for null. */
export function formatDate(v: string | number | Date | null | undefined): string {
  return v == null ? '' : dateOnly.format(toDate(v));
}

/** Thousands grouped the Vietnamese way (1.234.567) or the English way. */
export function formatNumber(n: number, lang: 'vi' | 'en' = 'vi'): string {
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(n);
}

/** Bytes as KB/MB/GB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** True when `text` contains `query`, ignoring diacritics and case ("ha noi" matches "Hà Nội"). */
export function matchesFolded(text: string, query: string): boolean {
  return foldForSearch(text).includes(foldForSearch(query));
}

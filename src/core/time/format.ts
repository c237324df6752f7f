/**
 * @module core/time/format
 * Dates as Vietnamese readers expect them: dd/MM/yyyy HH:mm:ss in Asia/Ho_Chi_Minh.
 */

const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** `23/11/2026 10:15:00` for an instant, in Vietnam time. */
export function formatDateTimeVn(at: Date): string {
  const p = Object.fromEntries(dateTime.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

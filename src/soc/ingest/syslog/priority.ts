/**
 * @module soc/ingest/syslog/priority
 * The PRI part of a syslog message (RFC 5424 §6.2.1): facility × 8 + severity, with ECS's names.
 */

// RFC 5424 table 1; 13–15 have no agreed keyword, these are the ones rsyslog and syslog-ng print.
const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

// The spelling of ECS's log.syslog.severity.name examples.
const SEVERITIES = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
] as const;

/** Priority decoded into ECS's `log.syslog` fields. */
export interface SyslogPriority {
  priority: number;
  facility: { code: number; name: string };
  severity: { code: number; name: string };
}

/** Decodes a priority value (0–191); null when out of range. */
export function decodePriority(priority: number): SyslogPriority | null {
  if (!Number.isInteger(priority) || priority < 0 || priority > 191) return null;
  const facility = priority >> 3;
  const severity = priority & 7;
  return {
    priority,
    facility: { code: facility, name: FACILITIES[facility] as string },
    severity: { code: severity, name: SEVERITIES[severity] as string },
  };
}

/**
 * Reads `<PRI>` at the start of `text`: the priority and the index after `>`, or null when there is none.
 * RFC 5424 forbids leading zeros except for `<0>`; senders that pad (`<013>`) are still accepted.
 */
export function readPri(text: string): { pri: SyslogPriority; end: number } | null {
  if (text.charCodeAt(0) !== 60 /* < */) return null;
  let value = 0;
  let i = 1;
  for (; i < text.length && i <= 4; i++) {
    const c = text.charCodeAt(i);
    if (c === 62 /* > */) break;
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  if (i === 1 || text.charCodeAt(i) !== 62) return null;
  const pri = decodePriority(value);
  return pri ? { pri, end: i + 1 } : null;
}

/**
 * @module core/log/logger
 * pino JSON logs with secrets redacted at the logger, never at call sites.
 */
import pino, { type Logger } from 'pino';

/** Paths whose values never reach a log line, wherever they appear. */
export const redactPaths = [
  'password',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.secret',
  '*.secretKey',
  '*.token',
  '*.totp',
  '*.totpCode',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'config.database.url',
  'config.security.masterKey',
  'config.tls.pfxPassphrase',
  'config.redis.url',
];

export type { Logger };

/** Creates the process logger. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'tinhso', ...base },
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

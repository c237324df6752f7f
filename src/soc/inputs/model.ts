/**
 * @module soc/inputs/model
 * Settings of an input and the rules checking them, shared by the control and the routes.
 */
import { isIP } from 'node:net';
import { AppError } from '../../core/errors/index.ts';
import { charsetSupported } from '../ingest/syslog/index.ts';

/** Per-input settings stored in `soc_inputs.settings`; an absent key falls back to `soc.syslog.*`. */
export interface InputSettings {
  /** Charset of messages that do not say (`windows-1258`…); UTF-8 when absent. */
  charset?: string;
  port?: number;
  host?: string;
  maxConnections?: number;
}

/** A settings change: a value sets, null returns to the configured default, absent leaves as is. */
export type SettingsPatch = { [K in keyof InputSettings]?: InputSettings[K] | null };

const SYSLOG_KINDS = new Set(['syslog-udp', 'syslog-tcp', 'syslog-tls']);

/** True for the inputs that are listeners of this module (the others are HTTP routes). */
export function isSyslogKind(kind: string): kind is 'syslog-udp' | 'syslog-tcp' | 'syslog-tls' {
  return SYSLOG_KINDS.has(kind);
}

/** Applies `patch` to `current` after checking each setting applies to the kind and is valid. */
export function applySettings(
  id: string,
  kind: string,
  current: InputSettings,
  patch: SettingsPatch,
): InputSettings {
  const next: InputSettings = { ...current };
  const invalid = (setting: string, reason: string) =>
    new AppError('SOC_INPUT_SETTING_INVALID', { id, setting, reason });
  for (const [key, value] of Object.entries(patch) as [keyof InputSettings, unknown][]) {
    if (value === undefined) continue;
    if (!isSyslogKind(kind)) throw invalid(key, 'chỉ áp dụng cho đầu vào syslog / syslog inputs only');
    if (key === 'maxConnections' && kind === 'syslog-udp') {
      throw invalid(key, 'UDP không có kết nối / UDP has no connections');
    }
    if (value === null) {
      delete next[key];
      continue;
    }
    if (key === 'charset') {
      if (!charsetSupported(value as string)) {
        throw new AppError('SOC_INPUT_CHARSET_UNKNOWN', { charset: value });
      }
      next.charset = (value as string).toLowerCase();
    } else if (key === 'host') {
      if (isIP(value as string) === 0) throw invalid(key, 'cần địa chỉ IP / an IP address is required');
      next.host = value as string;
    } else if (key === 'port') next.port = value as number;
    else if (key === 'maxConnections') next.maxConnections = value as number;
  }
  return next;
}

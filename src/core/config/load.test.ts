import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/index.ts';
import { loadConfig, redactedConfig } from './load.ts';

describe('loadConfig', () => {
  it('applies defaults when nothing is configured', () => {
    const c = loadConfig({ env: {}, file: '' });
    expect(c.http.port).toBe(8080);
    expect(c.database.url).toBe('');
    expect(c.tls.mode).toBe('off');
    expect(c.backup.dir.endsWith('backups')).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
  });

  it('reads derived TINHSO_* names and conventional aliases, converting types', () => {
    const c = loadConfig({
      env: {
        TINHSO_HTTP_PORT: '9090',
        TINHSO_HTTP_TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8',
        DATABASE_URL: 'postgres://localhost/test',
        TINHSO_SCHEDULER_ENABLED: 'false',
        TINHSO_TLS: 'self-signed',
      },
      file: '',
    });
    expect(c.http.port).toBe(9090);
    expect(c.http.trustedProxies).toEqual(['10.0.0.1', '10.0.0.0/8']);
    expect(c.database.url).toBe('postgres://localhost/test');
    expect(c.scheduler.enabled).toBe(false);
    expect(c.tls.mode).toBe('self-signed');
  });

  it('reports every problem at once, naming the key and its variable', () => {
    try {
      loadConfig({ env: { TINHSO_HTTP_PORT: 'eighty', TINHSO_TLS: 'maybe', LOG_LEVEL: 'loud' }, file: '' });
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'CONFIG_INVALID')).toBe(true);
      const problems = (err as { details: { problems: string[] } }).details.problems;
      expect(problems.join('\n')).toMatch(/http\.port \(TINHSO_HTTP_PORT\): expected integer/);
      expect(problems).toContain('tls.mode (TINHSO_TLS_MODE): expected one of off, files, self-signed');
      expect(problems.join('\n')).toMatch(/log\.level/);
      expect(problems.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('reads secrets from *_FILE paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinhso-cfg-'));
    const key = 'ab'.repeat(32);
    writeFileSync(join(dir, 'key'), `${key}\n`);
    const c = loadConfig({ env: { TINHSO_SECURITY_MASTER_KEY_FILE: join(dir, 'key') }, file: '' });
    expect(c.security.masterKey).toBe(key);
    expect(redactedConfig(c).security).toMatchObject({ masterKey: '[redacted]' });
  });

  it('merges the JSON file under the environment and rejects unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinhso-cfg-'));
    const file = join(dir, 'tinhso.config.json');
    writeFileSync(file, JSON.stringify({ http: { port: 7000, bodyLimit: 2048 } }));
    const c = loadConfig({ env: { TINHSO_HTTP_PORT: '7001' }, file });
    expect(c.http.port).toBe(7001);
    expect(c.http.bodyLimit).toBe(2048);
    writeFileSync(file, JSON.stringify({ htp: {} }));
    expect(() => loadConfig({ env: {}, file })).toThrow(/htp/);
  });

  it('requires certificate files when TLS uses files', () => {
    expect(() => loadConfig({ env: { TINHSO_TLS: 'files' }, file: '' })).toThrow(/certFile/);
  });
});

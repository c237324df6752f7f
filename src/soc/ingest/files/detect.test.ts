import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { fixture } from './testing.ts';

describe('detectFormat', () => {
  it.each([
    ['app.jsonl', 'jsonl'],
    ['suricata-eve.ndjson', 'suricata-eve'],
    ['zeek-conn.ndjson', 'zeek-json'],
    ['zeek-conn.tsv.log', 'zeek-tsv'],
    ['auth.log', 'auth-log'],
    ['nginx-access.log', 'nginx'],
    ['apache-access.log', 'apache'],
    ['winlogbeat.ndjson', 'winlogbeat'],
    ['get-winevent.utf8.txt', 'get-winevent'],
  ])('recognises %s as %s', (file, format) => {
    expect(detectFormat(fixture(file).toString('utf8'), 'upload')).toBe(format);
  });

  it('lets the file name choose between nginx and Apache for the combined layout they share', () => {
    const combined = fixture('nginx-access.log').toString('utf8');
    expect(detectFormat(combined, 'apache2/access.log.1')).toBe('apache');
    expect(detectFormat(combined, 'nginx-access.log')).toBe('nginx');
  });

  it('reads one pretty-printed Get-WinEvent object (ConvertTo-Json of a single event)', () => {
    const one =
      '{\r\n    "Id":  4625,\r\n    "ProviderName":  "Microsoft-Windows-Security-Auditing",\r\n    "TimeCreated":  "/Date(1763605300008)/"\r\n}\r\n';
    expect(detectFormat(one)).toBe('get-winevent');
  });

  it('does not let one odd line outvote the rest, and falls back to plain lines, then JSON', () => {
    const auth = fixture('auth.log').toString('utf8');
    expect(detectFormat(`garbage first line\n${auth}`)).toBe('auth-log');
    expect(detectFormat('hello\nworld\n')).toBe('lines');
    expect(detectFormat('{"a":1}\n{"b":2}\n')).toBe('jsonl');
    expect(detectFormat('[{"a":1},{"b":2}]')).toBe('jsonl');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../errors.ts';
import { AppError, formatMessage } from './app-error.ts';
import { renderErrorsDoc } from './render-docs.ts';

describe('error catalogue', () => {
  it('docs/errors.md is generated from the current catalogue', () => {
    const onDisk = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    expect(onDisk, 'run `npm run docs:errors`').toBe(renderErrorsDoc());
  });

  it('every entry has a 4xx/5xx status and both languages with the same placeholders', () => {
    for (const [code, spec] of Object.entries(catalogue)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(holes(spec.vi), code).toEqual(holes(spec.en));
      expect(spec.vi.normalize('NFC'), `${code} Vietnamese text must be NFC`).toBe(spec.vi);
    }
  });

  it('AppError fills placeholders from its details in both languages', () => {
    const err = new AppError('RATE_LIMITED', { retryAfter: 30 });
    expect(err.status).toBe(429);
    expect(err.localized('vi')).toContain('30 giây');
    expect(err.message).toContain('30 seconds');
  });

  it('leaves an unknown placeholder visible instead of printing undefined', () => {
    expect(formatMessage('a {x} b', {})).toBe('a {x} b');
  });
});

/**
 * The published protocol documentation (LGSP-35) stays in step with the code: every error code of the
 * authentication service is listed in docs/lgsp/signing.md and known to the SDK (and the SDK knows no code
 * the platform lacks); the documents and vectors the SDK README and getting-started guide point to exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LGSP_ERROR_CODES } from '../../../sdk/src/errors.ts';
import { authErrors } from './errors.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('published authentication protocol (LGSP-35)', () => {
  it('documents every error code of the authentication service, and the SDK knows exactly those codes', () => {
    const signing = read('docs/lgsp/signing.md');
    const codes = Object.keys(authErrors);
    expect(codes.length).toBeGreaterThanOrEqual(15);
    for (const code of codes) expect(signing, code).toContain(`\`${code}\``);
    expect([...LGSP_ERROR_CODES].sort()).toEqual([...codes].sort());
    const guide = read('docs/lgsp/getting-started.md');
    for (const code of codes.filter((c) => c !== 'LGSP_SIGNATURE_MISSING')) {
      expect(guide + read('sdk/README.md'), code).toContain(
        code.replace(/^LGSP_ACCESS_KEY_(REVOKED|EXPIRED)$/, '_$1'),
      );
    }
  });

  it('every code has a Vietnamese and an English message with the same placeholders', () => {
    for (const [code, spec] of Object.entries(authErrors)) {
      const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(holes(spec.vi), code).toEqual(holes(spec.en));
      expect(spec.vi).not.toBe(spec.en);
    }
  });

  it('links the documents the guides name: protocol, vectors, getting started, SDK readme', () => {
    for (const path of [
      'docs/lgsp/signing.md',
      'docs/lgsp/test-vectors.json',
      'docs/lgsp/getting-started.md',
      'sdk/README.md',
      'sdk/package.json',
    ]) {
      expect(existsSync(join(root, path)), path).toBe(true);
    }
    const signing = read('docs/lgsp/signing.md');
    for (const step of [
      '/api/lgsp/auth/sessions',
      '/api/lgsp/auth/introspect',
      'sequenceDiagram',
      'LGSP1-',
    ]) {
      expect(signing).toContain(step);
    }
    const pkg = JSON.parse(read('sdk/package.json')) as {
      name: string;
      dependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('@tinhso/lgsp-client');
    expect(pkg.dependencies).toEqual({});
  });
});

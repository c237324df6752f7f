import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scanned = ['src', 'bench', 'sdk', 'agent', 'web/src'];

function* files(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|tsx|js|json|sql)$/.test(name) && !name.endsWith('.test.ts')) yield path;
  }
}

// Patterns of credentials that must come from configuration instead (SEC-15).
const patterns: [string, RegExp][] = [
  ['private key', /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/],
  ['password literal', /\b(password|passwd|secret|apiKey|api_key)\s*[:=]\s*['"][^'"\s]{6,}['"]/i],
  ['connection string with password', /postgres(ql)?:\/\/[^:/\s]+:[^@/\s]+@/],
  ['64-hex key literal', /['"][0-9a-fA-F]{64}['"]/],
  ['bearer token literal', /['"]tsk_[A-Za-z0-9_-]{20,}['"]/],
];

describe('source code carries no secrets (SEC-15)', () => {
  it('finds no credential, key or connection string with a password in product code', () => {
    const hits: string[] = [];
    for (const dir of scanned) {
      for (const file of files(join(root, dir))) {
        const text = readFileSync(file, 'utf8');
        for (const [label, re] of patterns) if (re.test(text)) hits.push(`${relative(root, file)}: ${label}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('reads process.env only in the configuration loader', () => {
    const readers: string[] = [];
    for (const file of files(join(root, 'src'))) {
      if (/process\.env\b/.test(readFileSync(file, 'utf8'))) readers.push(relative(root, file));
    }
    expect(readers).toEqual(['src/core/config/load.ts']);
  });

  it('the detector itself catches a planted secret', () => {
    const planted = `const password = ${JSON.stringify('hunter2hunter2')};`;
    expect(patterns.some(([, re]) => re.test(planted))).toBe(true);
  });
});

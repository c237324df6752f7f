import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const requirements = join(root, '..', 'shared', 'spec', 'REQUIREMENTS.md');
const doc = readFileSync(join(root, 'docs', 'traceability.md'), 'utf8');

describe('docs/traceability.md', () => {
  it.skipIf(!existsSync(requirements))('has one row for every requirement ID', () => {
    const ids = [
      ...readFileSync(requirements, 'utf8').matchAll(/^\| ((?:LGSP|SOC|HRM|PERF|SEC|IR)-\d+) \|/gm),
    ].map((m) => m[1]);
    const rows = [...doc.matchAll(/^\| ((?:LGSP|SOC|HRM|PERF|SEC|IR)-\d+) \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...new Set(ids)].sort());
  });

  it('names only files that exist', () => {
    const paths = [...doc.matchAll(/`((?:src|test|bench|docs)\/[^`\s]+?)`/g)].map((m) =>
      m[1]!.replace(/[`]/g, ''),
    );
    expect(paths.length).toBeGreaterThan(20);
    const missing = paths.filter((p) => !existsSync(join(root, p)));
    expect(missing).toEqual([]);
  });

  it('quotes only test names that stand in the test files it names', () => {
    const missing: string[] = [];
    for (const line of doc.split('\n').filter((l) => /^\| (SEC|LGSP|SOC|HRM|PERF|IR)-/.test(l))) {
      // Within a cell, a quoted name belongs to the test files named in the same `;`-separated part.
      for (const part of (line.split('|')[4] ?? '').split(';')) {
        const files = [...part.matchAll(/`((?:src|test)\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
        if (files.length === 0) continue;
        const sources = files.map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
        for (const [, name] of part.matchAll(/"([^"]+)"/g)) {
          const prefix = name!.split('…')[0]!.trim();
          if (!sources.includes(prefix)) missing.push(`${line.slice(2, 9)}: ${name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

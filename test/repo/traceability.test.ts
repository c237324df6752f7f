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
});

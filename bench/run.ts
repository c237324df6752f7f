/**
 * `npm run bench`: runs every bench/*.bench.ts in turn; each prints one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const only = process.argv[2];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  const r = spawnSync(join(dir, '..', 'node_modules', '.bin', 'tsx'), [join(dir, file)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exitCode = 1;
}

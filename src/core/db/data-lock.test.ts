import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors/index.ts';
import { lockDataFolder } from './data-lock.ts';

const folder = () => mkdtempSync(join(tmpdir(), 'tinhso-lock-'));

describe('embedded database folder lock', () => {
  it('refuses a second holder with DATABASE_IN_USE naming the first, and frees the folder on release', () => {
    const dir = folder();
    const release = lockDataFolder(dir);
    let refused: unknown;
    try {
      lockDataFolder(dir);
    } catch (err) {
      refused = err;
    }
    expect(isAppError(refused, 'DATABASE_IN_USE')).toBe(true);
    expect((refused as { details: Record<string, unknown> }).details).toMatchObject({
      pid: process.pid,
      file: join(dir, 'tinhso.lock'),
    });
    release();
    lockDataFolder(dir)();
  });

  it('takes over a lock left by a process that has ended', () => {
    const dir = folder();
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(ended.stdout.toString());
    writeFileSync(join(dir, 'tinhso.lock'), JSON.stringify({ pid, command: 'serve', since: '' }));
    const release = lockDataFolder(dir);
    expect(JSON.parse(readFileSync(join(dir, 'tinhso.lock'), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('takes over a lock naming this very process when it does not hold it (a restarted container, pid 1 again)', () => {
    const dir = folder();
    writeFileSync(
      join(dir, 'tinhso.lock'),
      JSON.stringify({ pid: process.pid, command: 'serve', since: '' }),
    );
    lockDataFolder(dir)();
  });

  it('takes over a half-written lock file', () => {
    const dir = folder();
    writeFileSync(join(dir, 'tinhso.lock'), '{"pi');
    lockDataFolder(dir)();
  });
});

/**
 * @module core/db/data-lock
 * One process at a time on an embedded database. PGlite has no lock of its own: a `tinhso` command run
 * while `tinhso serve` holds the same folder reads a stale copy, and what it writes is lost or corrupts
 * the folder. The lock is a file naming the holder's process id; a file left by a process that has ended
 * (a crash, a kill -9) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors/index.ts';

const LOCK_FILE = 'tinhso.lock';
/** Folders this process holds: a lock naming our own pid but not held here is a previous life's (pid 1 in a container). */
const held = new Set<string>();

interface LockHolder {
  pid: number;
  command: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof holder.pid === 'number' ? (holder as LockHolder) : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of an embedded database folder for this process, or refuses with DATABASE_IN_USE naming
 * the process that holds it. Returns the function that releases it.
 */
export function lockDataFolder(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    command: process.argv.slice(2).join(' ') || 'tinhso',
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      held.add(file);
      return () => {
        held.delete(file);
        if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(file);
      const ours = holder?.pid === process.pid;
      if (holder && ((ours && held.has(file)) || (!ours && alive(holder.pid)))) {
        throw new AppError('DATABASE_IN_USE', { pid: holder.pid, command: holder.command, file });
      }
      // Left by a process that has ended, or half-written: take it over.
      rmSync(file, { force: true });
    }
  }
  throw new AppError('DATABASE_IN_USE', { pid: 0, command: 'unknown', file });
}

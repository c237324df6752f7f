/**
 * @module soc/ingest/files/upload
 * Receives an upload into its file: the body is written as it arrives (never held in memory), counted, and
 * refused as soon as it passes the limit; a refused or broken upload leaves no file behind.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { AppError } from '../../../core/errors/index.ts';

/** Writes `body` to `path` (created, never overwritten); resolves with its size. */
export async function receiveUpload(body: Readable, path: string, maxBytes: number): Promise<number> {
  try {
    return await write(body, path, maxBytes);
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

function write(body: Readable, path: string, maxBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    let size = 0;
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onBroken);
      body.off('aborted', onBroken);
      if (!err) {
        out.end();
        out.once('close', () => resolve(size));
        return;
      }
      // The rest of a refused body is not read; the route closes the connection instead.
      body.pause();
      out.destroy();
      // Only once the file is closed may it be removed (an open still pending would recreate it).
      out.once('close', () => reject(err));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        settle(new AppError('SOC_IMPORT_TOO_LARGE', { maxBytes }));
        return;
      }
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    };
    const onEnd = () => settle(null);
    const onBroken = () => settle(new AppError('SOC_IMPORT_UPLOAD_ABORTED'));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onBroken);
    body.once('aborted', onBroken);
    out.once('error', (err) => settle(err));
  });
}

/**
 * @module soc/ingest/http/body
 * Reads an ingest request's body as it streams in, decompressing gzip/deflate (Beats compress by default),
 * and stops as soon as the decompressed size passes the limit: at most `limit` bytes are ever held, and a
 * gzip bomb is cut at the limit instead of filling memory.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { AppError } from '../../../core/errors/index.ts';

/** A body as read: its bytes (decompressed) and the size that came over the wire. */
export interface ReadBody {
  bytes: Buffer;
  wireBytes: number;
}

/** Reads the whole body of `stream` (at most `limit` decompressed bytes), or throws a coded AppError. */
export async function readBody(
  stream: Readable,
  headers: IncomingHttpHeaders,
  limit: number,
): Promise<ReadBody> {
  const encoding = String(headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  const declared = Number(headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    stream.resume();
    throw new AppError('SOC_INGEST_BODY_TOO_LARGE', { limit });
  }
  let source: Readable = stream;
  let inflater: Transform | null = null;
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate') {
    const z = encoding === 'deflate' ? createInflate() : createGunzip();
    inflater = z;
    stream.on('error', (err) => z.destroy(err));
    source = stream.pipe(z);
  } else if (encoding !== 'identity' && encoding !== '') {
    stream.resume();
    throw new AppError('SOC_INGEST_ENCODING_UNSUPPORTED', { encoding: encoding.slice(0, 40) });
  }
  let wireBytes = 0;
  if (source !== stream) stream.on('data', (chunk: Buffer) => (wireBytes += chunk.length));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        if (inflater) {
          stream.unpipe(inflater);
          inflater.destroy();
        }
        // The rest is read and thrown away, so the answer reaches a client still sending.
        stream.resume();
        throw new AppError('SOC_INGEST_BODY_TOO_LARGE', { limit });
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('Z_') || code.startsWith('ERR__')) {
      stream.resume();
      throw new AppError('SOC_INGEST_BODY_CORRUPT', { reason: code });
    }
    throw err;
  }
  if (source === stream) wireBytes = size;
  return { bytes: Buffer.concat(chunks, size), wireBytes };
}

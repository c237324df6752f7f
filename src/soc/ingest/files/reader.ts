/**
 * @module soc/ingest/files/reader
 * Reads a stored upload as raw events, never holding more than a chunk and one record in memory:
 * file → gunzip (when asked, or by the gzip magic) → UTF-8 (BOMs, UTF-16) → format detection on the first
 * 64 KiB → line splitter or JSON splitter → one RawEvent per record. Every record is kept: a cut, invalid
 * UTF-8, invalid JSON or malformed Zeek row goes on as text with a tag; only blank lines are skipped.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { RawEvent } from '../../contracts.ts';
import { decodeRecord, type TextEncoding, toUtf8 } from './decode.ts';
import { detectFormat } from './detect.ts';
import { type ImportFormat, importTags, pipelineOf, type RequestedFormat, shapeOf } from './formats.ts';
import { splitJsonValues } from './json-values.ts';
import { type RawRecord, splitLines } from './lines.ts';
import { ZeekTsvReader, zeekPathFromFileName } from './zeek-tsv.ts';

const SNIFF_BYTES = 64 * 1024;
const READ_CHUNK = 256 * 1024;

export interface ReadOptions {
  path: string;
  importId: string;
  fileName: string;
  requested: RequestedFormat;
  /** true/false as the uploader said; null = decided by the gzip magic bytes. */
  gzip: boolean | null;
  maxEventBytes: number;
  /** Largest decompressed size accepted (a gzip bomb stops here). */
  maxExpandedBytes: number;
  /** Epoch ms stamped as `receivedAt`. */
  now: () => number;
  /** The import's unit: its events belong to it. */
  unitId: string | null;
}

/** What the reader found and how far it got; updated as it reads. */
export interface ReadState {
  /** Bytes of the stored file read so far (compressed bytes for gzip). */
  bytesRead: number;
  compressed: boolean;
  encoding: TextEncoding | null;
  format: ImportFormat | null;
  /** Records turned into events. */
  records: number;
  /** Records kept with a problem tag (cut, invalid UTF-8, invalid JSON, malformed row). */
  problems: number;
}

/** A read that stopped for a reason the job records. */
export class ImportReadError extends Error {
  constructor(
    readonly code: 'SOC_IMPORT_GZIP_INVALID' | 'SOC_IMPORT_EXPANDS_TOO_MUCH' | 'SOC_IMPORT_READ_FAILED',
    cause?: unknown,
  ) {
    super(code, { cause });
  }
}

/** A fresh read state. */
export function newReadState(): ReadState {
  return { bytesRead: 0, compressed: false, encoding: null, format: null, records: 0, problems: 0 };
}

async function hasGzipMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

async function* fileBytes(options: ReadOptions, state: ReadState): AsyncGenerator<Buffer> {
  const file = createReadStream(options.path, { highWaterMark: READ_CHUNK });
  const gzip = options.gzip ?? (await hasGzipMagic(options.path));
  state.compressed = gzip;
  if (!gzip) {
    for await (const chunk of file) {
      state.bytesRead = file.bytesRead;
      yield chunk as Buffer;
    }
    return;
  }
  const gunzip = createGunzip();
  // pipeline destroys both streams when either fails or the reader stops early.
  pipeline(file, gunzip, () => {});
  let expanded = 0;
  try {
    for await (const chunk of gunzip) {
      state.bytesRead = file.bytesRead;
      expanded += (chunk as Buffer).length;
      if (expanded > options.maxExpandedBytes) throw new ImportReadError('SOC_IMPORT_EXPANDS_TOO_MUCH');
      yield chunk as Buffer;
    }
  } catch (err) {
    if (err instanceof ImportReadError) throw err;
    const code = (err as { code?: string }).code ?? '';
    throw new ImportReadError(
      code.startsWith('Z_') ? 'SOC_IMPORT_GZIP_INVALID' : 'SOC_IMPORT_READ_FAILED',
      err,
    );
  } finally {
    gunzip.destroy();
  }
}

/** Takes the first `bytes` of `source` (or all of it), and the rest to go on with. */
async function peek(
  source: AsyncIterable<Buffer>,
  bytes: number,
): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks, length);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { head, all: all() };
}

/** Reads the file at `options.path` as batches of raw events (one batch per chunk read). */
export async function* readImport(options: ReadOptions, state: ReadState): AsyncGenerator<RawEvent[]> {
  const utf8 = toUtf8(fileBytes(options, state), (encoding) => {
    state.encoding = encoding;
  });
  const { head, all } = await peek(utf8, SNIFF_BYTES);
  const format =
    options.requested === 'auto' ? detectFormat(head.toString('utf8'), options.fileName) : options.requested;
  state.format = format;
  const shape = shapeOf(format);
  // Get-WinEvent's ConvertTo-Json is pretty-printed (one object spans lines), and any JSON format may come
  // as one array: those are split by JSON structure, everything else by lines.
  const firstByte = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  const byStructure = shape === 'json' && (format === 'get-winevent' || firstByte === 0x5b);
  const records = byStructure
    ? splitJsonValues(all, options.maxEventBytes)
    : splitLines(all, options.maxEventBytes);
  const toEvent = eventMaker(format, options, state);
  for await (const batch of records) {
    const events: RawEvent[] = [];
    for (const record of batch) {
      const event = toEvent(record);
      if (event) events.push(event);
    }
    if (events.length) yield events;
  }
}

/** The function turning one record of `format` into an event (undefined: blank line or Zeek header). */
function eventMaker(
  format: ImportFormat,
  options: ReadOptions,
  state: ReadState,
): (record: RawRecord) => RawEvent | undefined {
  const input = `file:${options.importId}`;
  const pipeline = pipelineOf(format);
  const shape = shapeOf(format);
  const fallbackPath =
    format === 'zeek-json' || format === 'zeek-tsv' ? zeekPathFromFileName(options.fileName) : null;
  const zeek = shape === 'zeek-tsv' ? new ZeekTsvReader(fallbackPath) : null;

  const textEvent = (text: string, tags: string[]): RawEvent => {
    const event: RawEvent = {
      input,
      kind: 'file',
      receivedAt: options.now(),
      text,
      pipeline,
      unitId: options.unitId,
    };
    if (tags.length) event.tags = tags;
    return event;
  };

  return (record) => {
    const { text, valid } = decodeRecord(record.bytes, record.truncated);
    if (!text.trim()) return undefined;
    const tags: string[] = [];
    if (record.truncated) tags.push(importTags.truncated);
    if (!valid) tags.push(importTags.invalidUtf8);
    let event: RawEvent;
    if (shape === 'text') event = textEvent(text, tags);
    else if (shape === 'zeek-tsv') {
      const row = (zeek as ZeekTsvReader).line(text);
      if (row.kind === 'header') return undefined;
      if (row.kind === 'invalid' || record.truncated) {
        if (!record.truncated) tags.push(importTags.zeekInvalid);
        event = textEvent(text, tags);
      } else {
        event = {
          input,
          kind: 'file',
          receivedAt: options.now(),
          doc: row.doc,
          pipeline,
          unitId: options.unitId,
        };
        if (tags.length) event.tags = tags;
      }
    } else {
      const doc = record.truncated ? undefined : parseObject(text);
      if (!doc) {
        if (!record.truncated) tags.push(importTags.invalidJson);
        event = textEvent(text, tags);
      } else {
        if (fallbackPath && doc._path === undefined) doc._path = fallbackPath;
        event = { input, kind: 'file', receivedAt: options.now(), doc, pipeline, unitId: options.unitId };
        if (tags.length) event.tags = tags;
      }
    }
    state.records++;
    if (event.tags?.length) state.problems++;
    return event;
  };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

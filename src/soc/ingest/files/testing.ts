/**
 * @module soc/ingest/files/testing
 * Helpers for the import tests: the fixtures, a UTF-16 LE copy with BOM (what PowerShell's `>` writes),
 * and reading a whole file through `readImport`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawEvent } from '../../contracts.ts';
import type { RequestedFormat } from './formats.ts';
import { newReadState, type ReadState, readImport } from './reader.ts';

/** The bytes of a fixture file. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

/** `text` as UTF-16 LE with a BOM. */
export function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/** `text` as UTF-16 BE with a BOM. */
export function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
}

/** Writes `bytes` to a fresh temporary file and reads it as an import; every event and the final state. */
export async function readAll(
  bytes: Buffer,
  options: {
    fileName?: string;
    format?: RequestedFormat;
    gzip?: boolean | null;
    maxEventBytes?: number;
  } = {},
): Promise<{ events: RawEvent[]; state: ReadState }> {
  const path = join(mkdtempSync(join(tmpdir(), 'soc-import-')), 'f.upload');
  writeFileSync(path, bytes);
  const state = newReadState();
  const events: RawEvent[] = [];
  const reader = readImport(
    {
      path,
      importId: '00000000-0000-4000-8000-000000000001',
      fileName: options.fileName ?? 'upload',
      requested: options.format ?? 'auto',
      gzip: options.gzip ?? null,
      maxEventBytes: options.maxEventBytes ?? 65_536,
      unitId: null,
      maxExpandedBytes: 100 * 1024 * 1024,
      now: () => 1_763_600_000_000,
    },
    state,
  );
  for await (const batch of reader) events.push(...batch);
  return { events, state };
}

/**
 * @module soc/ingest/files/service
 * Forensic file imports: an upload is written to the data folder, recorded as a queued job (audited with
 * it), and read in the background by this node's runner; jobs are listed and cancelled within the caller's
 * scope (their own, and those of the units they see).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { audit, auditAlone } from '../../../core/audit/index.ts';
import type { Ctx } from '../../../core/context.ts';
import { systemCtx } from '../../../core/context.ts';
import type { Db } from '../../../core/db/index.ts';
import { AppError } from '../../../core/errors/index.ts';
import type { ErrorCode } from '../../../errors.ts';
import type { OrgService } from '../../../org/index.ts';
import type { RequestedFormat } from './formats.ts';
import { type ImportRunner, uploadPath } from './runner.ts';
import {
  cancelImport,
  finishImport,
  getImport,
  type ImportVisibility,
  insertImport,
  isVisible,
  listImports,
  pendingImports,
} from './store.ts';
import type { ImportRow, ImportState } from './tables.ts';
import { receiveUpload } from './upload.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UploadInput {
  fileName: string;
  format: RequestedFormat;
  gzip: boolean | null;
  /** Declared body length, when the client sent one: refused before reading a byte when too large. */
  contentLength: number | null;
}

/** A job as the console shows it, with its rate and time left. */
export interface ImportView {
  id: string;
  input: string;
  fileName: string;
  requestedFormat: string;
  format: string | null;
  encoding: string | null;
  compressed: boolean | null;
  state: ImportState;
  errorCode: string | null;
  errorMessage: string | null;
  sizeBytes: number;
  bytesRead: number;
  percent: number;
  eventsSubmitted: number;
  problemLines: number;
  eventsPerSecond: number | null;
  etaSeconds: number | null;
  createdBy: { id: string | null; name: string };
  unitId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ImportServiceDeps {
  db: Db;
  org: OrgService;
  runner: ImportRunner;
  dir: string;
  node: string;
  maxImportBytes: number;
  now: () => Date;
}

/** A display name: no folders, no control characters, NFC, at most 255 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .normalize('NFC')
    .trim()
    .slice(0, 255);
  return clean || 'upload';
}

/** Creates the import service. */
export function createImportService(deps: ImportServiceDeps) {
  const { db, runner } = deps;

  const present = (row: ImportRow, lang: 'vi' | 'en'): ImportView => {
    const started = row.startedAt?.getTime() ?? null;
    const end = row.finishedAt?.getTime() ?? deps.now().getTime();
    const elapsed = started === null ? 0 : (end - started) / 1000;
    const running = row.state === 'running';
    const eta =
      running && row.bytesRead > 0 && elapsed > 0
        ? Math.round(((row.sizeBytes - row.bytesRead) * elapsed) / row.bytesRead)
        : null;
    return {
      id: row.id,
      input: `file:${row.id}`,
      fileName: row.fileName,
      requestedFormat: row.requestedFormat,
      format: row.format,
      encoding: row.encoding,
      compressed: row.compressed,
      state: row.state,
      errorCode: row.errorCode,
      errorMessage: row.errorCode
        ? new AppError(row.errorCode as ErrorCode, { maxBytes: deps.maxImportBytes }).localized(lang)
        : null,
      sizeBytes: row.sizeBytes,
      bytesRead: row.bytesRead,
      percent: row.sizeBytes > 0 ? Math.round((row.bytesRead / row.sizeBytes) * 1000) / 10 : 100,
      eventsSubmitted: row.eventsSubmitted,
      problemLines: row.problemLines,
      eventsPerSecond: elapsed > 0 ? Math.round(row.eventsSubmitted / elapsed) : null,
      etaSeconds: eta,
      createdBy: { id: row.createdBy, name: row.createdByName },
      unitId: row.unitId,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  };

  const visibility = async (ctx: Ctx): Promise<ImportVisibility> => {
    const units = await deps.org.visibleUnitIds(ctx);
    return { actorId: ctx.actor.id, unitIds: units === 'all' ? undefined : units };
  };

  const visibleRow = async (ctx: Ctx, id: string): Promise<ImportRow> => {
    const row = UUID.test(id) ? await getImport(db, id) : undefined;
    if (!row || !isVisible(row, await visibility(ctx))) throw new AppError('SOC_IMPORT_NOT_FOUND');
    return row;
  };

  return {
    present,

    /** Stores the uploaded file and queues its job. */
    async upload(ctx: Ctx, body: Readable, input: UploadInput): Promise<ImportView> {
      if (input.contentLength !== null && input.contentLength > deps.maxImportBytes) {
        throw new AppError('SOC_IMPORT_TOO_LARGE', { maxBytes: deps.maxImportBytes });
      }
      const id = randomUUID();
      const path = uploadPath(deps.dir, id);
      await mkdir(deps.dir, { recursive: true, mode: 0o700 });
      const size = await receiveUpload(body, path, deps.maxImportBytes);
      if (size === 0) {
        await rm(path, { force: true });
        throw new AppError('SOC_IMPORT_EMPTY');
      }
      const fileName = cleanFileName(input.fileName);
      let row: ImportRow;
      try {
        row = await db.transaction(async (tx) => {
          const created = await insertImport(tx, {
            id,
            fileName,
            requestedFormat: input.format,
            compressed: input.gzip,
            sizeBytes: size,
            node: deps.node,
            createdBy: ctx.actor.id && UUID.test(ctx.actor.id) ? ctx.actor.id : null,
            createdByName: ctx.actor.name,
            unitId: ctx.actor.unitId,
            createdAt: deps.now(),
          });
          await audit(tx, ctx, {
            category: 'soc',
            action: 'soc.import.start',
            description: `Nhập tệp nhật ký để điều tra: ${fileName} (${size} byte, định dạng ${input.format})`,
            target: { type: 'soc_import', id },
            details: { fileName, requestedFormat: input.format, sizeBytes: size, gzip: input.gzip },
          });
          return created;
        });
      } catch (err) {
        await rm(path, { force: true });
        throw err;
      }
      runner.enqueue({ id, fileName, requested: input.format, gzip: input.gzip, unitId: row.unitId, ctx });
      return present(row, ctx.lang);
    },

    /** Jobs the caller may see, newest first. */
    async list(
      ctx: Ctx,
      q: { state?: ImportState; cursor?: string; limit: number },
    ): Promise<{ items: ImportView[]; nextCursor: string | null }> {
      const rows = await listImports(db, {
        ...(await visibility(ctx)),
        state: q.state,
        before: q.cursor ? decodeCursor(q.cursor) : undefined,
        limit: q.limit,
      });
      const last = rows[rows.length - 1];
      return {
        items: rows.map((r) => present(r, ctx.lang)),
        nextCursor:
          rows.length === q.limit && last
            ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
            : null,
      };
    },

    /** One job with its progress. */
    async get(ctx: Ctx, id: string): Promise<ImportView> {
      return present(await visibleRow(ctx, id), ctx.lang);
    },

    /** Cancels a queued job at once, or asks the running one to stop (any node); audited. */
    async cancel(ctx: Ctx, id: string): Promise<ImportView> {
      const before = await visibleRow(ctx, id);
      const row = await db.transaction(async (tx) => {
        const changed = await cancelImport(tx, id, deps.now());
        if (!changed) return undefined;
        await audit(tx, ctx, {
          category: 'soc',
          action: 'soc.import.cancel',
          description: `Hủy nhập tệp nhật ký ${before.fileName}`,
          target: { type: 'soc_import', id },
          unitId: before.unitId,
          details: { stateBefore: changed.state === 'cancelled' ? 'queued' : 'running' },
        });
        return changed;
      });
      if (!row) {
        const now = await getImport(db, id);
        throw new AppError('SOC_IMPORT_FINISHED', { state: now?.state ?? before.state });
      }
      runner.cancelLocal(id);
      return present(row, ctx.lang);
    },

    /**
     * After a restart: the files left in the folder say which jobs were this node's. A queued one is
     * queued again, a running one ends as interrupted (its events so far are stored; reading it again would
     * store them twice), a file without a pending job is removed.
     */
    async resume(): Promise<void> {
      await mkdir(deps.dir, { recursive: true, mode: 0o700 });
      const files = (await readdir(deps.dir)).filter((f) => f.endsWith('.upload'));
      const ids = new Set(files.map((f) => f.slice(0, -'.upload'.length)).filter((id) => UUID.test(id)));
      const ctx = systemCtx('soc-import');
      for (const row of await pendingImports(db, deps.node)) {
        if (!ids.has(row.id)) await endInterrupted(row, ctx);
      }
      for (const id of ids) {
        const row = await getImport(db, id);
        if (row?.state === 'queued') {
          runner.enqueue({
            id,
            fileName: row.fileName,
            requested: row.requestedFormat as RequestedFormat,
            gzip: row.compressed,
            unitId: row.unitId,
            ctx,
          });
        } else {
          if (row?.state === 'running') await endInterrupted(row, ctx);
          await rm(uploadPath(deps.dir, id), { force: true });
        }
      }
      for (const f of files)
        if (!ids.has(f.slice(0, -'.upload'.length))) await rm(`${deps.dir}/${f}`, { force: true });
    },

    /** Audits a job's end under the identity of whoever started it. */
    async auditEnded(job: ImportRow, ctx: Ctx): Promise<void> {
      await auditAlone(db, ctx, {
        category: 'soc',
        action: 'soc.import.finish',
        description: `Kết thúc nhập tệp nhật ký ${job.fileName}: ${job.state}, ${job.eventsSubmitted} sự kiện`,
        severity: job.state === 'failed' ? 'warning' : 'info',
        outcome: job.state === 'failed' ? 'failure' : 'success',
        target: { type: 'soc_import', id: job.id },
        unitId: job.unitId,
        details: {
          state: job.state,
          format: job.format,
          eventsSubmitted: job.eventsSubmitted,
          problemLines: job.problemLines,
          bytesRead: job.bytesRead,
          errorCode: job.errorCode,
        },
      });
    },
  };

  async function endInterrupted(row: ImportRow, ctx: Ctx): Promise<void> {
    const ended = await finishImport(db, row.id, {
      bytesRead: row.bytesRead,
      eventsSubmitted: row.eventsSubmitted,
      problemLines: row.problemLines,
      format: row.format,
      encoding: row.encoding,
      compressed: row.compressed,
      state: 'failed',
      errorCode: 'SOC_IMPORT_INTERRUPTED',
      at: deps.now(),
    });
    if (ended) {
      await auditAlone(db, ctx, {
        category: 'soc',
        action: 'soc.import.finish',
        description: `Nhập tệp nhật ký ${row.fileName} bị gián đoạn do máy chủ dừng`,
        severity: 'warning',
        outcome: 'failure',
        target: { type: 'soc_import', id: row.id },
        unitId: row.unitId,
        details: {
          state: 'failed',
          errorCode: 'SOC_IMPORT_INTERRUPTED',
          eventsSubmitted: row.eventsSubmitted,
        },
      });
    }
  }
}

/** The import service. */
export type ImportService = ReturnType<typeof createImportService>;

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new AppError('VALIDATION_FAILED', {
      summary: 'querystring.cursor: not a cursor of this list',
      errors: [{ field: 'querystring.cursor', message: 'not a cursor of this list' }],
    });
  }
  return { createdAt, id };
}

/**
 * @module soc/ingest/bulk/parse
 * Reads an Elasticsearch `_bulk` body: NDJSON pairs of an action line (`index`, `create`, `update`,
 * `delete`) and, except for `delete`, a source line. A malformed action line breaks the pairing, so the
 * whole request is refused (as Elasticsearch does); a source line that is not JSON is kept as raw text
 * tagged `_json_invalid`; a bomb anywhere refuses the whole request.
 */
import { AppError } from '../../../core/errors/index.ts';
import { scanJson } from '../http/json-scan.ts';
import { forEachLine, type ParseLimits, rawLine } from '../http/parse.ts';

/** Operations of the bulk API. */
export type BulkOp = 'index' | 'create' | 'update' | 'delete';

/** One item of a bulk request, in request order. */
export interface BulkItem {
  op: BulkOp;
  index: string | undefined;
  id: string | undefined;
  pipeline: string | undefined;
  /** The source document (index/create), absent for delete. */
  doc?: Record<string, unknown>;
  /** The source line kept raw when it was not a JSON object. */
  raw?: { text: string; tags: string[] };
}

const OPS = new Set<string>(['index', 'create', 'update', 'delete']);

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined;
}

/** Parses a bulk body (see the module comment); `defaultIndex` is the `/{index}/_bulk` path's. */
export function parseBulk(buf: Buffer, limits: ParseLimits, defaultIndex?: string): BulkItem[] {
  const items: BulkItem[] = [];
  let pending: BulkItem | null = null;
  forEachLine(buf, (start, end, line) => {
    const violation = scanJson(buf, start, end, limits);
    if (violation === 'depth')
      throw new AppError('SOC_INGEST_JSON_TOO_DEEP', { limit: limits.maxDepth, line });
    if (violation === 'elements')
      throw new AppError('SOC_INGEST_JSON_TOO_LARGE', { limit: limits.maxElements, line });
    if (pending) {
      const item: BulkItem = pending;
      pending = null;
      let value: unknown;
      try {
        value = JSON.parse(buf.toString('utf8', start, end));
      } catch {
        const kept = rawLine(buf, start, end, line, limits) as { text: string; tags: string[] };
        item.raw = { text: kept.text, tags: kept.tags };
        return;
      }
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        item.doc = value as Record<string, unknown>;
      } else {
        item.raw = { text: buf.toString('utf8', start, end), tags: ['_json_invalid'] };
      }
      return;
    }
    let action: unknown;
    try {
      action = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      throw new AppError('SOC_BULK_MALFORMED', { line, reason: 'the action line is not JSON' });
    }
    const keys = action !== null && typeof action === 'object' ? Object.keys(action) : [];
    const op = keys[0];
    if (keys.length !== 1 || !op || !OPS.has(op)) {
      throw new AppError('SOC_BULK_MALFORMED', {
        line,
        reason: 'expected one of index, create, update, delete',
      });
    }
    const meta = (action as Record<string, unknown>)[op];
    const m = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
    const item: BulkItem = {
      op: op as BulkOp,
      index: text(m._index) ?? defaultIndex,
      id: text(m._id),
      pipeline: text(m.pipeline),
    };
    items.push(item);
    if (op !== 'delete') pending = item;
  });
  if (pending) {
    throw new AppError('SOC_BULK_MALFORMED', {
      line: 'end',
      reason: 'the last action has no source line',
    });
  }
  return items;
}

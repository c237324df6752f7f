/**
 * @module soc/pipelines/service
 * Operator pipelines: list, create, replace, delete (validated with line and column, audited in `config`,
 * announced on the bus so every node reloads), and the simulator the console's editor runs samples through.
 */
import { randomBytes } from 'node:crypto';
import { audit } from '../../core/audit/index.ts';
import { BUS_RECONNECTED, type Bus } from '../../core/bus/index.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors/index.ts';
import type { Platform } from '../../core/platform.ts';
import type { RawEvent } from '../contracts.ts';
import { type LoadedPipeline, PipelineSourceError } from './engine/index.ts';
import type { PipelineRuntime } from './runtime.ts';
import type {
  CreatePipelineBody,
  PipelineList,
  PipelineView,
  SimulateBody,
  SimulateResult,
  UpdatePipelineBody,
} from './schema.ts';
import {
  allPipelines,
  deletePipeline,
  enabledPipelines,
  findPipeline,
  insertPipeline,
  updatePipeline,
} from './store.ts';
import type { PipelineRow } from './tables.ts';

/** Bus topic of a change to the operator pipelines; the payload names the pipeline and the sending service. */
export const PIPELINES_CHANGED = 'soc.pipelines.changed';

export interface PipelineAdmin {
  list(ctx: Ctx): Promise<PipelineList>;
  create(ctx: Ctx, body: CreatePipelineBody): Promise<PipelineView>;
  update(ctx: Ctx, id: string, body: UpdatePipelineBody): Promise<PipelineView>;
  remove(ctx: Ctx, id: string): Promise<void>;
  simulate(ctx: Ctx, body: SimulateBody): SimulateResult;
  /** Loads the enabled operator pipelines from the database into the runtime. */
  reload(): Promise<void>;
  /** Stops listening to the bus. */
  close(): void;
}

function actorLabel(ctx: Ctx): string {
  return ctx.actor.name;
}

/** Compiles a source or answers SOC_PIPELINE_INVALID with where and why. */
function compileOrThrow(runtime: PipelineRuntime, source: string): LoadedPipeline {
  try {
    return runtime.compile(source.normalize('NFC'));
  } catch (err) {
    if (err instanceof PipelineSourceError) {
      throw new AppError('SOC_PIPELINE_INVALID', {
        line: err.line,
        column: err.column,
        reason: err.reason,
        errors: [{ field: `source:${err.line}:${err.column}`, message: err.reason }],
      });
    }
    throw err;
  }
}

/** Creates the administration of operator pipelines over a runtime. */
export function createPipelineAdmin(platform: Platform, bus: Bus, runtime: PipelineRuntime): PipelineAdmin {
  const db = platform.db;
  const self = randomBytes(6).toString('hex');
  /** Why an enabled operator pipeline failed to load on this node (engine changes, a bad row). */
  const loadErrors = new Map<string, string>();
  let loaded = false;
  let reloading: Promise<void> = Promise.resolve();

  async function loadNow(): Promise<void> {
    const rows = await enabledPipelines(db);
    const compiled: LoadedPipeline[] = [];
    loadErrors.clear();
    for (const row of rows) {
      try {
        compiled.push(runtime.compile(row.source));
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        loadErrors.set(row.id, reason);
        platform.log.warn(
          { pipeline: row.id, reason },
          'soc pipelines: an operator pipeline does not load; skipped',
        );
      }
    }
    runtime.setOperatorPipelines(compiled);
    loaded = true;
  }

  /** Reloads after whatever reload is running (the last change always wins). */
  function reload(): Promise<void> {
    reloading = reloading.catch(() => {}).then(loadNow);
    return reloading;
  }

  async function ensureLoaded(): Promise<void> {
    if (!loaded) await reload();
  }

  const unsubscribe = bus.subscribe(PIPELINES_CHANGED, (payload) => {
    const from = (payload as { from?: unknown } | null)?.from;
    // This service reloaded before publishing.
    if (from === self) return;
    reload().catch((err: unknown) => platform.log.error({ err }, 'soc pipelines: reload failed'));
  });
  const unsubscribeReconnect = bus.subscribe(BUS_RECONNECTED, () => {
    reload().catch((err: unknown) => platform.log.error({ err }, 'soc pipelines: reload failed'));
  });

  async function changed(id: string): Promise<void> {
    await reload();
    await bus.publish(PIPELINES_CHANGED, { id, from: self });
  }

  function operatorView(row: PipelineRow, shippedIds: Set<string>): PipelineView {
    const active = runtime.set.byId.get(row.id);
    let description = '';
    try {
      description = runtime.compile(row.source).description;
    } catch {
      // A row that no longer loads still lists, with its error.
    }
    return {
      id: row.id,
      name: row.name,
      description,
      origin: 'operator',
      overrides: shippedIds.has(row.id),
      active: row.enabled && active?.origin === 'operator',
      enabled: row.enabled,
      priority: row.priority,
      version: row.version,
      source: row.source,
      updatedAt: row.updatedAt.toISOString(),
      updatedBy: row.updatedBy,
      loadError: row.enabled ? (loadErrors.get(row.id) ?? null) : null,
    };
  }

  return {
    async list() {
      await ensureLoaded();
      const rows = await allPipelines(db);
      const shippedIds = runtime.shippedIds();
      const overridden = new Set(rows.filter((r) => r.enabled && !loadErrors.has(r.id)).map((r) => r.id));
      const items: PipelineView[] = [];
      for (const s of runtime.shippedSourcesList()) {
        items.push({
          id: s.pipeline.id,
          name: s.pipeline.name,
          description: s.pipeline.description,
          origin: 'shipped',
          overrides: overridden.has(s.pipeline.id),
          active: !overridden.has(s.pipeline.id),
          enabled: true,
          priority: s.pipeline.priority,
          version: null,
          source: s.source,
          updatedAt: null,
          updatedBy: null,
          loadError: null,
        });
      }
      for (const row of rows) items.push(operatorView(row, shippedIds));
      items.sort((a, b) => a.id.localeCompare(b.id) || (a.origin === 'operator' ? -1 : 1));
      return { items };
    },

    async create(ctx, body) {
      const source = body.source.normalize('NFC');
      const p = compileOrThrow(runtime, source);
      const now = platform.now();
      const row: PipelineRow = {
        id: p.id,
        name: p.name,
        source,
        enabled: body.enabled ?? true,
        priority: p.priority,
        version: 1,
        createdAt: now,
        createdBy: actorLabel(ctx),
        updatedAt: now,
        updatedBy: actorLabel(ctx),
      };
      const shipped = runtime.shippedIds().has(p.id);
      await db.transaction(async (tx) => {
        if (!(await insertPipeline(tx, row))) throw new AppError('SOC_PIPELINE_EXISTS', { id: p.id });
        await audit(tx, ctx, {
          category: 'config',
          action: 'soc.pipeline.create',
          description: shipped
            ? `Thêm luồng xử lý nhật ký ${p.id} (${p.name}) thay cho luồng có sẵn cùng mã`
            : `Thêm luồng xử lý nhật ký ${p.id} (${p.name})`,
          severity: 'notice',
          target: { type: 'soc_pipeline', id: p.id },
          unitId: null,
          details: {
            id: p.id,
            name: p.name,
            enabled: row.enabled,
            priority: p.priority,
            overridesShipped: shipped,
            source,
          },
        });
      });
      await changed(p.id);
      return operatorView(row, runtime.shippedIds());
    },

    async update(ctx, id, body) {
      const source = body.source.normalize('NFC');
      const p = compileOrThrow(runtime, source);
      if (p.id !== id) throw new AppError('SOC_PIPELINE_ID_MISMATCH', { id, found: p.id });
      const updated = await db.transaction(async (tx) => {
        const before = await findPipeline(tx, id, true);
        if (!before) {
          if (runtime.shippedIds().has(id)) throw new AppError('SOC_PIPELINE_READ_ONLY', { id });
          throw new AppError('SOC_PIPELINE_NOT_FOUND', { id });
        }
        if (body.version !== undefined && body.version !== before.version) {
          throw new AppError('SOC_PIPELINE_VERSION_CONFLICT', { id, current: before.version });
        }
        const row = await updatePipeline(tx, id, {
          name: p.name,
          source,
          enabled: body.enabled ?? before.enabled,
          priority: p.priority,
          version: before.version + 1,
          updatedAt: platform.now(),
          updatedBy: actorLabel(ctx),
        });
        if (!row) throw new AppError('SOC_PIPELINE_VERSION_CONFLICT', { id, current: before.version });
        await audit(tx, ctx, {
          category: 'config',
          action: 'soc.pipeline.update',
          description: `Sửa luồng xử lý nhật ký ${id} (${p.name}), phiên bản ${row.version}${row.enabled ? '' : ', đang tắt'}`,
          severity: 'notice',
          target: { type: 'soc_pipeline', id },
          unitId: null,
          details: {
            id,
            version: row.version,
            before: { enabled: before.enabled, priority: before.priority, source: before.source },
            after: { enabled: row.enabled, priority: row.priority, source },
          },
        });
        return row;
      });
      await changed(id);
      return operatorView(updated, runtime.shippedIds());
    },

    async remove(ctx, id) {
      await db.transaction(async (tx) => {
        const row = await deletePipeline(tx, id);
        if (!row) {
          if (runtime.shippedIds().has(id)) throw new AppError('SOC_PIPELINE_READ_ONLY', { id });
          throw new AppError('SOC_PIPELINE_NOT_FOUND', { id });
        }
        const shipped = runtime.shippedIds().has(id);
        await audit(tx, ctx, {
          category: 'config',
          action: 'soc.pipeline.delete',
          description: shipped
            ? `Xóa luồng xử lý nhật ký ${id} của người vận hành; dùng lại luồng có sẵn`
            : `Xóa luồng xử lý nhật ký ${id} (${row.name})`,
          severity: 'notice',
          target: { type: 'soc_pipeline', id },
          unitId: null,
          details: { id, name: row.name, version: row.version, source: row.source },
        });
      });
      await changed(id);
    },

    simulate(ctx, body) {
      let set = runtime.set;
      let forced: string | undefined;
      if (body.source !== undefined) {
        // A source brings its own regular expressions, run on this node's event loop: only those who may
        // write pipelines may try one; readers simulate the pipelines in force.
        if (!ctx.actor.permissions.has('soc.config.write')) throw new AppError('IAM_FORBIDDEN');
        const candidate = compileOrThrow(runtime, body.source);
        set = runtime.withCandidate(candidate);
        forced = candidate.id;
      } else if (body.id !== undefined) {
        if (!set.get(body.id)) throw new AppError('SOC_PIPELINE_NOT_FOUND', { id: body.id });
        forced = body.id;
      }
      const receivedAt = platform.now().getTime();
      const raws = body.samples.map(
        (sample): RawEvent =>
          ({
            input: 'simulate',
            kind: sample.kind ?? (sample.doc ? 'http' : 'file'),
            receivedAt,
            ...(sample.text !== undefined ? { text: sample.text } : {}),
            ...(sample.doc !== undefined ? { doc: sample.doc } : {}),
            ...(sample.peer !== undefined ? { peer: sample.peer } : {}),
            ...(sample.tags !== undefined ? { tags: sample.tags } : {}),
            ...((forced ?? sample.pipeline) !== undefined ? { pipeline: forced ?? sample.pipeline } : {}),
          }) as RawEvent,
      );
      // Under the same time limit as the inputs: a candidate's runaway pattern stops, not the server.
      const results = runtime.runBatch(raws, set).map((outcome) => ({
        pipeline: outcome.pipeline,
        dropped: outcome.dropped,
        error: outcome.error,
        ts: new Date(outcome.event.ts).toISOString(),
        doc: outcome.event.doc,
      }));
      return { results };
    },

    reload,

    close() {
      unsubscribe();
      unsubscribeReconnect();
    },
  };
}

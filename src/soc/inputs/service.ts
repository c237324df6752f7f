/**
 * @module soc/inputs/service
 * Operating the inputs (SOC-16): list them with their state and totals, start, stop, change settings. Each
 * change is written and audited (`config` category) in one transaction, applied on this node, then announced
 * on the bus so every other node that hosts inputs starts or stops the same one.
 */
import { audit } from '../../core/audit/index.ts';
import { BUS_RECONNECTED, type Bus } from '../../core/bus/index.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors/index.ts';
import type { Platform } from '../../core/platform.ts';
import type { SiemTotals } from '../health/counters.ts';
import { applySettings, type InputSettings, isSyslogKind, type SettingsPatch } from './model.ts';
import type { InputRuntime } from './runtime.ts';
import type { InputView } from './schema.ts';
import { type InputRow, listInputs, lockInput, saveInput } from './store.ts';

/** Bus topic of a changed input; the payload is `{ id }`, the state is read from the database. */
export const INPUT_CHANGED = 'soc.inputs.changed';

const READ = 'soc.sources.read';
const WRITE = 'soc.config.write';

export interface InputServiceDeps {
  platform: Platform;
  bus: Bus;
  runtime: InputRuntime;
  counters: SiemTotals;
}

/** The input registry's operations. */
export interface InputService {
  list(ctx: Ctx): Promise<InputView[]>;
  start(ctx: Ctx, id: string): Promise<InputView>;
  stop(ctx: Ctx, id: string): Promise<InputView>;
  update(ctx: Ctx, id: string, patch: SettingsPatch): Promise<InputView>;
  /** Reads the rows into the runtime. */
  load(): Promise<void>;
  /** Follows other nodes' changes; `hosting()` says whether this node runs listeners. Returns the stop function. */
  follow(hosting: () => boolean): () => void;
}

/** Refuses an actor without `permission` (the HTTP gate checks first; this guards non-HTTP callers). */
function requirePermission(ctx: Ctx, permission: string): void {
  if (ctx.actor.kind !== 'system' && !ctx.actor.permissions.has(permission))
    throw new AppError('IAM_FORBIDDEN');
}

/** Creates the service. */
export function createInputService(deps: InputServiceDeps): InputService {
  const { platform, bus, runtime, counters } = deps;
  const db = platform.db;
  const log = platform.log;

  const load = async () => runtime.setRows(await listInputs(db));

  const view = (row: InputRow): InputView => {
    const spec = runtime.spec(row);
    const stats = runtime.stats(row.id);
    const totals = counters.inputs.get(row.id);
    return {
      id: row.id,
      kind: row.kind,
      enabled: row.enabled,
      running: runtime.isRunning(row.id),
      address: runtime.address(row.id),
      listen: spec,
      settings: { ...row.settings },
      charset: isSyslogKind(row.kind) ? (row.settings.charset ?? 'utf-8') : 'utf-8',
      problem: row.enabled ? runtime.problem(row.id) : null,
      connections: stats.connections,
      refusedConnections: stats.refusedConnections,
      totals: {
        events: totals?.events ?? 0,
        bytes: totals?.bytes ?? 0,
        dropped: totals?.dropped ?? 0,
        dropReasons: { ...(totals?.dropReasons ?? {}) },
      },
      updatedAt: row.updatedAt.toISOString(),
      updatedBy: row.updatedBy,
    };
  };

  const known = async (id: string): Promise<InputRow> => {
    if (!runtime.row(id)) await load();
    const row = runtime.row(id);
    if (!row) throw new AppError('SOC_INPUT_NOT_FOUND', { id });
    return row;
  };

  /** Writes a change under the row lock with its audit entry; null when nothing changed. */
  const write = async (
    ctx: Ctx,
    id: string,
    change: (row: InputRow) => { enabled: boolean; settings: InputSettings } | null,
    entry: (
      before: InputRow,
      after: { enabled: boolean; settings: InputSettings },
    ) => {
      action: string;
      description: string;
    },
  ): Promise<InputRow | null> => {
    const now = platform.now();
    const saved = await db.transaction(async (tx) => {
      const row = await lockInput(tx, id);
      if (!row) throw new AppError('SOC_INPUT_NOT_FOUND', { id });
      const next = change(row);
      if (!next) return null;
      await saveInput(tx, id, { ...next, at: now, by: ctx.actor.id });
      const { action, description } = entry(row, next);
      await audit(
        tx,
        ctx,
        {
          category: 'config',
          action,
          description,
          severity: 'notice',
          target: { type: 'soc_input', id },
          unitId: null,
          details: {
            before: { enabled: row.enabled, settings: row.settings },
            after: next,
          },
        },
        now,
      );
      return { ...row, ...next, updatedAt: now, updatedBy: ctx.actor.id };
    });
    if (saved) runtime.setRows([saved]);
    return saved;
  };

  const announce = async (id: string) => {
    try {
      await bus.publish(INPUT_CHANGED, { id });
    } catch (err) {
      // The change is committed; other nodes catch up on their next reconnect or restart.
      log.error({ err, id }, 'SIEM input change could not be announced to the other nodes');
    }
  };

  return {
    load,

    async list(ctx) {
      requirePermission(ctx, READ);
      await load();
      return runtime.ids().map((id) => view(runtime.row(id) as InputRow));
    },

    async start(ctx, id) {
      requirePermission(ctx, WRITE);
      const row = await known(id);
      // Bind here first: a port in use or a missing certificate is refused before anything is recorded.
      if (isSyslogKind(row.kind)) {
        runtime.setRows([{ ...row, enabled: true }]);
        try {
          await runtime.reconcile(id);
        } catch (err) {
          runtime.setRows([row]);
          await runtime.reconcile(id).catch(() => {});
          throw err;
        }
      }
      let saved: InputRow | null;
      try {
        saved = await write(
          ctx,
          id,
          (current) => (current.enabled ? null : { enabled: true, settings: current.settings }),
          () => ({ action: 'soc.input.start', description: `Bật đầu vào SIEM ${id}` }),
        );
      } catch (err) {
        // Not recorded, so not running either: the registry and this node must not disagree.
        await load();
        await runtime.reconcile(id).catch(() => {});
        throw err;
      }
      if (saved) await announce(id);
      return view((await known(id)) as InputRow);
    },

    async stop(ctx, id) {
      requirePermission(ctx, WRITE);
      await known(id);
      const saved = await write(
        ctx,
        id,
        (current) => (current.enabled ? { enabled: false, settings: current.settings } : null),
        () => ({ action: 'soc.input.stop', description: `Tắt đầu vào SIEM ${id}` }),
      );
      await runtime.reconcile(id);
      if (saved) await announce(id);
      return view(await known(id));
    },

    async update(ctx, id, patch) {
      requirePermission(ctx, WRITE);
      const row = await known(id);
      applySettings(id, row.kind, row.settings, patch); // refuse before opening a transaction
      const saved = await write(
        ctx,
        id,
        (current) => {
          const settings = applySettings(id, current.kind, current.settings, patch);
          return JSON.stringify(settings) === JSON.stringify(current.settings)
            ? null
            : { enabled: current.enabled, settings };
        },
        (before, after) => {
          const changed = Object.keys({ ...before.settings, ...after.settings }).filter(
            (k) => before.settings[k as keyof InputSettings] !== after.settings[k as keyof InputSettings],
          );
          return {
            action: 'soc.input.update',
            description: `Sửa thiết lập đầu vào SIEM ${id}: ${changed.join(', ')}`,
          };
        },
      );
      if (saved) {
        await announce(id);
        // A new port or address rebinds the listener; the change is saved even if this node cannot bind it.
        await runtime.reconcile(id);
      }
      return view(await known(id));
    },

    follow(hosting) {
      const changed = bus.subscribe(INPUT_CHANGED, async (payload, delivery) => {
        if (delivery.local) return;
        const id = (payload as { id?: unknown } | null)?.id;
        if (typeof id !== 'string') return;
        await load();
        if (!hosting()) return;
        await runtime.reconcile(id).catch((err: unknown) => {
          log.warn({ err, id }, 'SIEM input changed elsewhere could not be applied on this node');
        });
      });
      const reconnected = bus.subscribe(BUS_RECONNECTED, async () => {
        await load();
        if (!hosting()) return;
        for (const id of runtime.ids()) {
          await runtime
            .reconcile(id)
            .catch((err: unknown) => log.warn({ err, id }, 'SIEM input not started'));
        }
      });
      return () => {
        changed();
        reconnected();
      };
    },
  };
}

/**
 * @module soc/config/service
 * Export and import of the SIEM's configuration (SOC-16, configuration backup). Both go through the parts'
 * own services, so every check (permission, unit scope, CIDR and YAML validation) and every audit entry is
 * theirs: an import is the same changes an operator would make on the screens, one by one. An import adds and
 * updates; it never deletes (a file that lacks a system does not remove it), and a source is only updated,
 * since sources are inventoried from their events. `dryRun` plans the same changes and makes none.
 */
import { auditAlone } from '../../core/audit/index.ts';
import { type Ctx, systemCtx } from '../../core/context.ts';
import type { Db } from '../../core/db/index.ts';
import { AppError, isAppError } from '../../core/errors/index.ts';
import type { OrgService } from '../../org/index.ts';
import type { Inputs } from '../inputs/index.ts';
import type { PipelineService } from '../pipelines/index.ts';
import { normaliseCidr, type SourceService } from '../sources/index.ts';
import {
  CONFIG_FORMAT,
  type ConfigChange,
  type ImportResult,
  type InputEntry,
  type SocConfigDocument,
  type SourceEntry,
} from './schema.ts';

const PAGE = 500;
const KINDS = ['input', 'pipeline', 'system', 'range', 'source'] as const;
type Kind = (typeof KINDS)[number];
type SourcesPart = Pick<
  SourceService,
  | 'listSystems'
  | 'createSystem'
  | 'updateSystem'
  | 'listRanges'
  | 'createRange'
  | 'listSources'
  | 'updateSource'
>;

export interface ConfigServiceDeps {
  db: Db;
  now: () => Date;
  org: Pick<OrgService, 'resolveCode'>;
  inputs: Pick<Inputs['service'], 'list' | 'update' | 'start' | 'stop'>;
  pipelines: Pick<PipelineService['admin'], 'list' | 'create' | 'update'>;
  sources: SourcesPart;
}

/** The configuration service. */
export interface ConfigService {
  /** The configuration the actor sees (systems and sources of their units), as one document. */
  exportConfig(ctx: Ctx): Promise<SocConfigDocument>;
  /** Applies (or with `dryRun` only plans) a document; answers every change, skip and error. */
  importConfig(ctx: Ctx, doc: SocConfigDocument, options: { dryRun: boolean }): Promise<ImportResult>;
}

/** Every page of a paged list. */
async function all<T>(page: (offset: number) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items, total } = await page(offset);
    out.push(...items);
    if (items.length < PAGE || out.length >= total) return out;
  }
}

/** The names of the fields whose values differ. */
function differing(wanted: Record<string, unknown>, current: Record<string, unknown>): string[] {
  return Object.keys(wanted).filter(
    (k) => JSON.stringify(wanted[k] ?? null) !== JSON.stringify(current[k] ?? null),
  );
}

/** NFC text, or null for null and the empty string (a hand-edited file may say either for "none"). */
function textOrNull(v: string | null | undefined): string | null {
  return v ? v.normalize('NFC') : null;
}

/** Creates the service over the parts' services. */
export function createConfigService(deps: ConfigServiceDeps): ConfigService {
  const { org, inputs, pipelines, sources } = deps;
  // Codes are resolved as the platform; whether the actor may act in that unit is the parts' own check.
  const resolver = systemCtx('soc.config', ['org.read']);

  return {
    async exportConfig(ctx) {
      const [inputList, pipelineList, systems, ranges, sourceList] = await Promise.all([
        inputs.list(ctx),
        pipelines.list(ctx),
        all((offset) => sources.listSystems(ctx, { limit: PAGE, offset })),
        all((offset) => sources.listRanges(ctx, { limit: PAGE, offset })),
        all((offset) => sources.listSources(ctx, { limit: PAGE, offset })),
      ]);
      const rangesOf = new Map<string, { cidr: string; description: string | null }[]>();
      for (const r of ranges) {
        const list = rangesOf.get(r.systemId) ?? [];
        list.push({ cidr: r.cidr, description: r.description });
        rangesOf.set(r.systemId, list);
      }
      const doc: SocConfigDocument = {
        format: CONFIG_FORMAT,
        version: 1,
        exportedAt: deps.now().toISOString(),
        inputs: inputList.map((i) => ({ id: i.id, enabled: i.enabled, settings: { ...i.settings } })),
        pipelines: pipelineList.items
          .filter((p) => p.origin === 'operator')
          .map((p) => ({ id: p.id, enabled: p.enabled, source: p.source })),
        systems: systems.map((s) => ({
          code: s.code,
          name: s.name,
          unitCode: s.unitCode ?? '',
          securityLevel: s.securityLevel,
          description: s.description,
          ranges: rangesOf.get(s.id) ?? [],
        })),
        sources: sourceList.map((s) => ({
          key: s.key,
          name: s.name,
          kind: s.kind,
          unitCode: s.unitCode,
          systemCode: s.systemCode,
          expectedIntervalSeconds: s.expectedIntervalSeconds,
          retentionDays: s.retentionDays,
        })),
      };
      await auditAlone(
        deps.db,
        ctx,
        {
          category: 'config',
          action: 'soc.config.export',
          description: `Xuất cấu hình SIEM: ${doc.inputs.length} đầu vào, ${doc.pipelines.length} luồng xử lý, ${doc.systems.length} hệ thống, ${doc.sources.length} nguồn`,
          details: {
            pipelines: doc.pipelines.length,
            systems: doc.systems.length,
            sources: doc.sources.length,
          },
        },
        deps.now(),
      );
      return doc;
    },

    async importConfig(ctx, doc, { dryRun }) {
      if (doc.format !== CONFIG_FORMAT || doc.version !== 1) throw new AppError('SOC_CONFIG_FORMAT');
      const changes: ConfigChange[] = [];
      const counts = Object.fromEntries(
        KINDS.map((k) => [k, { create: 0, update: 0, unchanged: 0, skip: 0, error: 0 }]),
      ) as Record<Kind, { create: number; update: number; unchanged: number; skip: number; error: number }>;
      const note = (
        kind: Kind,
        key: string,
        action: ConfigChange['action'] | 'unchanged',
        fields: string[] = [],
        reason: string | null = null,
      ) => {
        counts[kind][action]++;
        if (action !== 'unchanged') changes.push({ kind, key, action, fields, reason });
      };
      /** Runs a change unless planning; a refusal is recorded with its message and the import goes on. */
      const apply = async <T>(
        kind: Kind,
        key: string,
        action: 'create' | 'update',
        fields: string[],
        run: () => Promise<T>,
      ) => {
        if (dryRun) {
          note(kind, key, action, fields);
          return null;
        }
        try {
          const out = await run();
          note(kind, key, action, fields);
          return out;
        } catch (err) {
          if (!isAppError(err)) throw err;
          note(kind, key, 'error', fields, err.localized(ctx.lang));
          return null;
        }
      };
      const unitIds = new Map<string, string | null>();
      const unitOf = async (code: string): Promise<string | null> => {
        if (!unitIds.has(code)) {
          const found = await org.resolveCode(resolver, code).catch((err: unknown) => {
            if (isAppError(err)) return null;
            throw err;
          });
          // A code that several units took over (a split) names no one unit.
          unitIds.set(code, found && found.current.length === 1 ? (found.current[0]?.id ?? null) : null);
        }
        return unitIds.get(code) ?? null;
      };

      // Inputs: settings, then on or off.
      const inputList = await inputs.list(ctx);
      for (const entry of doc.inputs) {
        const current = inputList.find((i) => i.id === entry.id);
        if (!current) {
          note('input', entry.id, 'skip', [], 'không có đầu vào này / no such input');
          continue;
        }
        const keys = new Set([...Object.keys(entry.settings), ...Object.keys(current.settings)]) as Set<
          keyof InputEntry['settings']
        >;
        const patch: Record<string, unknown> = {};
        for (const k of keys) {
          const want = entry.settings[k] ?? null;
          if (want !== (current.settings[k] ?? null)) patch[k] = want;
        }
        const fields = [...Object.keys(patch), ...(entry.enabled !== current.enabled ? ['enabled'] : [])];
        if (fields.length === 0) {
          note('input', entry.id, 'unchanged');
          continue;
        }
        await apply('input', entry.id, 'update', fields, async () => {
          if (Object.keys(patch).length > 0) await inputs.update(ctx, entry.id, patch);
          if (entry.enabled !== current.enabled)
            await (entry.enabled ? inputs.start(ctx, entry.id) : inputs.stop(ctx, entry.id));
        });
      }

      // Operator pipelines, by the id their YAML declares.
      const operatorPipelines = new Map(
        (await pipelines.list(ctx)).items.filter((p) => p.origin === 'operator').map((p) => [p.id, p]),
      );
      for (const entry of doc.pipelines) {
        const source = entry.source.normalize('NFC');
        const current = operatorPipelines.get(entry.id);
        if (!current) {
          await apply('pipeline', entry.id, 'create', [], () =>
            pipelines.create(ctx, { source, enabled: entry.enabled }),
          );
          continue;
        }
        const fields = differing(
          { source, enabled: entry.enabled },
          { source: current.source, enabled: current.enabled },
        );
        if (fields.length === 0) note('pipeline', entry.id, 'unchanged');
        else
          await apply('pipeline', entry.id, 'update', fields, () =>
            pipelines.update(ctx, entry.id, {
              source,
              enabled: entry.enabled,
              version: current.version ?? undefined,
            }),
          );
      }

      // Information systems by code, then their ranges.
      const systems = new Map(
        (await all((offset) => sources.listSystems(ctx, { limit: PAGE, offset }))).map((s) => [s.code, s]),
      );
      const registered = new Set(
        (await all((offset) => sources.listRanges(ctx, { limit: PAGE, offset }))).map(
          (r) => `${r.systemId}/${r.cidr}`,
        ),
      );
      const systemIds = new Map([...systems].map(([code, s]) => [code, s.id as string | null]));
      for (const entry of doc.systems) {
        const unitId = await unitOf(entry.unitCode);
        if (!unitId) {
          note('system', entry.code, 'skip', [], `không tìm thấy đơn vị ${entry.unitCode} / unit not found`);
          continue;
        }
        const wanted = {
          unitId,
          name: entry.name.normalize('NFC'),
          securityLevel: entry.securityLevel,
          description: textOrNull(entry.description),
        };
        const current = systems.get(entry.code);
        if (!current) {
          const created = await apply('system', entry.code, 'create', [], () =>
            sources.createSystem(ctx, { code: entry.code, ...wanted }),
          );
          systemIds.set(entry.code, created?.id ?? null);
        } else {
          const fields = differing(wanted, current);
          if (fields.length === 0) note('system', entry.code, 'unchanged');
          else
            await apply('system', entry.code, 'update', fields, () =>
              sources.updateSystem(
                ctx,
                current.id,
                Object.fromEntries(fields.map((f) => [f, wanted[f as keyof typeof wanted]])),
              ),
            );
        }
        const systemId = systemIds.get(entry.code) ?? null;
        for (const range of entry.ranges) {
          // Compared in the form the registry stores (203.0.113.7/24 is 203.0.113.0/24); one that does not
          // read as a network goes on to createRange, whose refusal says why.
          const cidr = normalisedOrAsWritten(range.cidr);
          const key = `${entry.code}/${cidr}`;
          if (systemId && registered.has(`${systemId}/${cidr}`)) {
            note('range', key, 'unchanged');
            continue;
          }
          if (!systemId && !dryRun) {
            note('range', key, 'skip', [], `hệ thống ${entry.code} chưa có / system not created`);
            continue;
          }
          await apply('range', key, 'create', [], () =>
            sources.createRange(ctx, {
              cidr,
              systemId: systemId as string,
              description: textOrNull(range.description),
            }),
          );
        }
      }

      // Sources: only those already inventoried, by key.
      const sourceList = new Map(
        (await all((offset) => sources.listSources(ctx, { limit: PAGE, offset }))).map((s) => [s.key, s]),
      );
      for (const entry of doc.sources) {
        const current = sourceList.get(entry.key);
        if (!current) {
          note('source', entry.key, 'skip', [], 'nguồn chưa gửi sự kiện nào / not seen yet');
          continue;
        }
        const wanted = await sourceWanted(entry);
        if (typeof wanted === 'string') {
          note('source', entry.key, 'skip', [], wanted);
          continue;
        }
        const fields = differing(wanted, current);
        if (fields.length === 0) note('source', entry.key, 'unchanged');
        else
          await apply('source', entry.key, 'update', fields, () =>
            sources.updateSource(
              ctx,
              current.id,
              Object.fromEntries(fields.map((f) => [f, wanted[f as keyof typeof wanted]])),
            ),
          );
      }

      if (!dryRun) {
        const total = (a: 'create' | 'update' | 'error') => KINDS.reduce((n, k) => n + counts[k][a], 0);
        await auditAlone(
          deps.db,
          ctx,
          {
            category: 'config',
            action: 'soc.config.import',
            description: `Nhập cấu hình SIEM: ${total('create')} mục tạo mới, ${total('update')} mục sửa, ${total('error')} lỗi`,
            severity: total('error') > 0 ? 'warning' : 'notice',
            details: { counts },
          },
          deps.now(),
        );
      }
      return { dryRun, counts, changes };

      /** The source's fields as the document wants them, or why they cannot be applied. */
      async function sourceWanted(entry: SourceEntry) {
        const unitId = entry.unitCode === null ? null : await unitOf(entry.unitCode);
        if (entry.unitCode !== null && !unitId)
          return `không tìm thấy đơn vị ${entry.unitCode} / unit not found`;
        const systemId = entry.systemCode === null ? null : (systemIds.get(entry.systemCode) ?? null);
        if (entry.systemCode !== null && !systemId && !dryRun)
          return `không có hệ thống ${entry.systemCode} / system not found`;
        return {
          name: entry.name.normalize('NFC'),
          kind: entry.kind,
          unitId,
          systemId,
          expectedIntervalSeconds: entry.expectedIntervalSeconds,
          retentionDays: entry.retentionDays,
        };
      }
    },
  };
}

/** The registry's form of a CIDR, or the text as written when it is not one. */
function normalisedOrAsWritten(cidr: string): string {
  try {
    return normaliseCidr(cidr).cidr;
  } catch {
    return cidr;
  }
}

/**
 * @module soc/pipelines/pipeline-set
 * The pipelines in force on this node: the shipped ones, overridden by enabled operator pipelines with the
 * same id, plus the operators' own. Immutable: a reload builds a new set and swaps it in one assignment,
 * so `process()` never sees half a reload.
 */
import type { LoadedPipeline } from './engine/compile.ts';

/** Where a pipeline in force comes from. */
export type PipelineOrigin = 'shipped' | 'operator';

export interface ActivePipeline {
  pipeline: LoadedPipeline;
  origin: PipelineOrigin;
}

/** The pipelines in force, by id and in match order. */
export class PipelineSet {
  readonly byId: ReadonlyMap<string, ActivePipeline>;
  /** Pipelines with a `match`, highest priority first (operator before shipped at equal priority). */
  readonly matchOrder: readonly LoadedPipeline[];

  constructor(shipped: readonly LoadedPipeline[], operator: readonly LoadedPipeline[]) {
    const byId = new Map<string, ActivePipeline>();
    for (const p of shipped) byId.set(p.id, { pipeline: p, origin: 'shipped' });
    for (const p of operator) byId.set(p.id, { pipeline: p, origin: 'operator' });
    this.byId = byId;
    this.matchOrder = [...byId.values()]
      .filter((a) => a.pipeline.match !== null)
      .sort(
        (a, b) =>
          b.pipeline.priority - a.pipeline.priority ||
          (a.origin === b.origin ? 0 : a.origin === 'operator' ? -1 : 1) ||
          a.pipeline.id.localeCompare(b.pipeline.id),
      )
      .map((a) => a.pipeline);
  }

  get(id: string): LoadedPipeline | undefined {
    return this.byId.get(id)?.pipeline;
  }
}

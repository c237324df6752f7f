/**
 * @module soc/pipelines/runtime
 * The pipelines of one node in memory: the shipped ones compiled once, the operators' swapped in on each
 * reload, and `process()` over whichever set is current. No database here: the service feeds it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Reader } from 'maxmind';
import type { NormalisedEvent, RawEvent } from '../contracts.ts';
import { type GeoLookup, type LoadedPipeline, loadPipeline } from './engine/index.ts';
import { type Outcome, type RunWatch, runEvent, timedOut } from './normalise.ts';
import { PipelineSet } from './pipeline-set.ts';
import { shippedSources } from './shipped.ts';
import { runWithin } from './time-limit.ts';

/** Marks events a `drop` processor discarded (the event contract has no "no event"). */
const droppedEvents = new WeakSet<NormalisedEvent>();

/** True when a `drop` processor discarded the event: the processor should not store it. */
export function isDropped(event: NormalisedEvent): boolean {
  return droppedEvents.has(event);
}

/** Opens a MaxMind/DB-IP database when the file exists; null otherwise (GeoIP processors do nothing). */
export function openGeoip(path: string): GeoLookup | null {
  if (!path || !existsSync(path)) return null;
  const reader = new Reader<Record<string, unknown>>(readFileSync(path));
  return (ip) => reader.get(ip);
}

/** What the runtime is told of an event the time limit stopped. */
export type TimeoutListener = (outcome: Outcome, raw: RawEvent) => void;

/** The pipelines in force on this node. */
export class PipelineRuntime {
  private current: PipelineSet;
  private operators: readonly LoadedPipeline[] = [];
  private readonly shipped: readonly LoadedPipeline[];
  private readonly shippedWithSource: readonly { pipeline: LoadedPipeline; source: string }[];

  /**
   * @param eventTimeoutMs longest one event may spend in the pipelines before it is stopped and kept raw
   * @param onTimeout told of each ingested event stopped (processBatch; not the simulator's samples)
   */
  constructor(
    readonly geoip: GeoLookup | null,
    readonly eventTimeoutMs = 250,
    private readonly onTimeout: TimeoutListener = () => {},
  ) {
    this.shippedWithSource = shippedSources().map((s) => {
      const p = this.compile(s.source);
      if (p.id !== s.id) throw new Error(`shipped pipeline ${s.id}.yaml declares id ${p.id}`);
      return { pipeline: p, source: s.source };
    });
    this.shipped = this.shippedWithSource.map((s) => s.pipeline);
    this.current = new PipelineSet(this.shipped, []);
  }

  /** Compiles a source against this runtime (its GeoIP, its pipelines for `pipeline` processors). */
  compile(source: string): LoadedPipeline {
    return loadPipeline(source, { geoip: this.geoip, pipeline: (id) => this.current.get(id) });
  }

  /** Puts the operators' pipelines in force (replacing the previous ones). */
  setOperatorPipelines(pipelines: readonly LoadedPipeline[]): void {
    this.operators = pipelines;
    this.current = new PipelineSet(this.shipped, pipelines);
  }

  /** The set in force with one more pipeline put in front (the simulator's candidate), without changing it. */
  withCandidate(candidate: LoadedPipeline): PipelineSet {
    return new PipelineSet(this.shipped, [...this.operators.filter((p) => p.id !== candidate.id), candidate]);
  }

  get set(): PipelineSet {
    return this.current;
  }

  /** The shipped pipelines with their YAML. */
  shippedSourcesList(): readonly { pipeline: LoadedPipeline; source: string }[] {
    return this.shippedWithSource;
  }

  /** Ids of the shipped pipelines. */
  shippedIds(): Set<string> {
    return new Set(this.shipped.map((p) => p.id));
  }

  /**
   * Events through the pipelines, in order, with which pipeline ran and whether each failed. An event that
   * takes longer than the time limit is stopped and kept raw with the timeout tag; the others run as usual.
   */
  runBatch(
    raws: readonly RawEvent[],
    set: PipelineSet = this.current,
    onTimeout: TimeoutListener | null = null,
  ): Outcome[] {
    const limit = this.eventTimeoutMs;
    const out: Outcome[] = new Array(raws.length);
    const watch: RunWatch = { pipeline: null };
    let i = 0;
    let startedAt = 0;
    const work = (): void => {
      for (; i < raws.length; i++) {
        startedAt = performance.now();
        out[i] = runEvent(set, raws[i] as RawEvent, watch);
      }
    };
    // One watched call for the whole batch (a call costs ~0.2 ms): stopped at twice the limit, it resumes
    // where it stood; the event it stood on is given up only if that event alone has had the limit.
    while (i < raws.length && !runWithin(limit * 2, work)) {
      if (out[i] !== undefined) i++;
      else if (performance.now() - startedAt >= limit) {
        const raw = raws[i] as RawEvent;
        const outcome = timedOut(raw, watch.pipeline, limit);
        out[i++] = outcome;
        onTimeout?.(outcome, raw);
      }
    }
    for (const outcome of out) if (outcome.dropped) droppedEvents.add(outcome.event);
    return out;
  }

  /** One event through the pipelines (under the same time limit), with which pipeline ran. */
  run(raw: RawEvent, set: PipelineSet = this.current): Outcome {
    return this.runBatch([raw], set)[0] as Outcome;
  }

  /** One event through the pipelines; never throws. */
  process(raw: RawEvent): NormalisedEvent {
    return this.run(raw).event;
  }

  /** Events through the pipelines, in order; never throws. */
  processBatch(raws: readonly RawEvent[]): NormalisedEvent[] {
    return this.runBatch(raws, this.current, this.onTimeout).map((o) => o.event);
  }
}

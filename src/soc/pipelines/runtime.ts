/**
 * @module soc/pipelines/runtime
 * The pipelines of one node in memory: the shipped ones compiled once, the operators' swapped in on each
 * reload, and `process()` over whichever set is current. No database here: the service feeds it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Reader } from 'maxmind';
import type { NormalisedEvent, RawEvent } from '../contracts.ts';
import { type GeoLookup, type LoadedPipeline, loadPipeline } from './engine/index.ts';
import { type Outcome, runEvent } from './normalise.ts';
import { PipelineSet } from './pipeline-set.ts';
import { shippedSources } from './shipped.ts';

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

/** Runs a raw event and tells which pipeline ran, whether it was dropped, why it failed. */
export interface RawEventRunner {
  run(raw: RawEvent): Outcome;
}

/** The pipelines in force on this node. */
export class PipelineRuntime implements RawEventRunner {
  private current: PipelineSet;
  private operators: readonly LoadedPipeline[] = [];
  private readonly shipped: readonly LoadedPipeline[];
  private readonly shippedWithSource: readonly { pipeline: LoadedPipeline; source: string }[];

  constructor(readonly geoip: GeoLookup | null) {
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

  /** One event through the pipelines, with which pipeline ran and whether it failed. */
  run(raw: RawEvent, set: PipelineSet = this.current): Outcome {
    const outcome = runEvent(set, raw);
    if (outcome.dropped) droppedEvents.add(outcome.event);
    return outcome;
  }

  /** One event through the pipelines; never throws. */
  process(raw: RawEvent): NormalisedEvent {
    return this.run(raw).event;
  }
}

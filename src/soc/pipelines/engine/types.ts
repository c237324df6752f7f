/**
 * @module soc/pipelines/engine/types
 * What compiled processors and pipelines are: closures over the working document, run synchronously.
 */
import type { EcsDoc, RawEvent } from '../../contracts.ts';
import type { Condition } from './condition.ts';
import type { MapReader, Source } from './yaml-reader.ts';

/** State of one event's run through a pipeline (and the pipelines it calls). */
export interface RunCtx {
  readonly raw: RawEvent;
  /** A `drop` processor ran: the event is not kept. */
  dropped: boolean;
  /** Nesting of `pipeline` processors, against loops. */
  depth: number;
  /** The message of the failure an `on_failure` block handles (`{{$error}}` in templates). */
  lastError: string;
}

/** A compiled processor: changes the document, or throws a `StepFailure`. */
export type Step = (doc: EcsDoc, run: RunCtx) => void;

/**
 * A processor's failure. Not an Error: expected failures (a line no pattern matches) are frequent on the
 * hot path and capturing a stack trace for each would cost more than parsing the line.
 */
export class StepFailure {
  constructor(readonly message: string) {}
}

/** Reads the text of anything a step may throw. */
export function failureMessage(err: unknown): string {
  if (err instanceof StepFailure) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A GeoIP database lookup (maxmind's Reader.get); null when no database is configured. */
export type GeoLookup = (ip: string) => Record<string, unknown> | null;

/** What compiling needs besides the YAML. */
export interface CompileEnv {
  readonly source: Source;
  readonly geoip: GeoLookup | null;
  /** Finds another pipeline at run time (the `pipeline` processor); the set changes on reload. */
  readonly pipeline: (id: string) => CompiledPipeline | undefined;
}

/** Compiles one processor's options (the reader of its mapping) into a step. */
export type ProcessorCompiler = (r: MapReader, env: CompileEnv) => Step;

/** A pipeline ready to run. */
export interface CompiledPipeline {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Higher is tried first when choosing a pipeline by `match`. */
  readonly priority: number;
  /** Null: chosen only by hint or as a fallback. */
  readonly match: Condition | null;
  /** Runs the processors (and the pipeline's `on_failure` when one fails); throws when unhandled. */
  run(doc: EcsDoc, run: RunCtx): void;
}

/**
 * @module soc/pipelines/engine/testing
 * Test helpers: run a pipeline written inline on one raw event.
 */
import type { RawEvent } from '../../contracts.ts';
import { type Outcome, runEvent } from '../normalise.ts';
import { PipelineSet } from '../pipeline-set.ts';
import { type LoadedPipeline, loadPipeline } from './compile.ts';

/** A raw event received 2024-03-05 10:00:05 in Viet Nam, with the given text or document. */
export function rawEvent(part: Partial<RawEvent>): RawEvent {
  return { input: 'test', kind: 'file', receivedAt: Date.parse('2024-03-05T03:00:05Z'), ...part };
}

/** Compiles `processors` (YAML of the list) into a pipeline `t` and runs the event through it. */
export function runProcessors(
  processors: string,
  part: Partial<RawEvent>,
  others: LoadedPipeline[] = [],
): Outcome {
  const pipelines: LoadedPipeline[] = [...others];
  const set = () => new PipelineSet([], pipelines);
  let current: PipelineSet | null = null;
  const p = loadPipeline(`id: t\nname: T\nprocessors:\n${processors}`, {
    geoip: null,
    pipeline: (id) => current?.get(id),
  });
  pipelines.push(p);
  current = set();
  return runEvent(current, rawEvent({ pipeline: 't', ...part }));
}

/** Loads a pipeline source with no GeoIP and no other pipelines. */
export function load(source: string): LoadedPipeline {
  return loadPipeline(source, { geoip: null, pipeline: () => undefined });
}

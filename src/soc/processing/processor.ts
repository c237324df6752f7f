/**
 * @module soc/processing/processor
 * One batch through the stages: parse and normalise each event, tie them to their sources, commit them.
 * The same function runs in the in-process queue and in a NATS worker.
 */
import type {
  EventWriter,
  NormalisedEvent,
  Pipelines,
  RawEvent,
  SiemCounters,
  SourceEnricher,
} from '../contracts.ts';

/** The tag a pipeline puts on an event it could not parse. */
export const PARSE_ERROR_TAG = '_parse_error';

/** How a batch is written (the event store's options; other writers may ignore them). */
export interface BatchOptions {
  /** Row ids, one per raw event: a NATS worker derives them from the message so a redelivery repeats them. */
  ids?: readonly string[];
  /** The batch may already be stored (a redelivery): replace rows with the same ids instead of adding. */
  replace?: boolean;
}

/** The writer stage: an `EventWriter` that may take the batch options. */
export interface OptionsWriter extends EventWriter {
  write(events: NormalisedEvent[], options?: BatchOptions): Promise<void>;
}

/** Processes one batch of raw events; resolves once they are committed. */
export type BatchProcessor = (batch: RawEvent[], options?: BatchOptions) => Promise<void>;

export interface ProcessorStages {
  pipelines: Pipelines;
  enricher: SourceEnricher;
  /** Must keep the events in order: ids are matched by position. */
  writer: OptionsWriter;
  counters: SiemCounters;
  now: () => number;
  /** True for an event a pipeline's `drop` processor discarded on purpose: not stored, counted per input. */
  isDropped?: (event: NormalisedEvent) => boolean;
}

/** Builds the batch processor over the stages. */
export function createProcessor(stages: ProcessorStages): BatchProcessor {
  return async (batch, options) => {
    const events = stages.pipelines.processBatch(batch);
    let errors = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < batch.length; i++) {
      const tags = (events[i] as NormalisedEvent).doc.tags;
      if (Array.isArray(tags) && tags.includes(PARSE_ERROR_TAG)) errors++;
      const receivedAt = (batch[i] as RawEvent).receivedAt;
      if (receivedAt < oldest) oldest = receivedAt;
    }
    stages.counters.parsed(events.length, errors);
    const kept = stages.isDropped ? keepUndropped(events, options, stages) : { events, options };
    await stages.enricher.enrich(kept.events);
    await stages.writer.write(kept.events, kept.options);
    stages.counters.stored(kept.events.length, events.length > 0 ? Math.max(0, stages.now() - oldest) : 0);
  };
}

/** The events a pipeline did not drop, with their ids still matched by position; drops counted per input. */
function keepUndropped(
  events: NormalisedEvent[],
  options: BatchOptions | undefined,
  stages: ProcessorStages,
): { events: NormalisedEvent[]; options: BatchOptions | undefined } {
  const isDropped = stages.isDropped as (event: NormalisedEvent) => boolean;
  if (!events.some(isDropped)) return { events, options };
  const keptEvents: NormalisedEvent[] = [];
  const keptIds: string[] = [];
  events.forEach((event, i) => {
    if (isDropped(event)) {
      stages.counters.dropped(event.input, 1, 'pipeline_drop');
      return;
    }
    keptEvents.push(event);
    const id = options?.ids?.[i];
    if (id !== undefined) keptIds.push(id);
  });
  return { events: keptEvents, options: options?.ids ? { ...options, ids: keptIds } : options };
}

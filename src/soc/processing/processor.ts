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
}

/** Builds the batch processor over the stages. */
export function createProcessor(stages: ProcessorStages): BatchProcessor {
  return async (batch, options) => {
    const events: NormalisedEvent[] = new Array(batch.length);
    let errors = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < batch.length; i++) {
      const raw = batch[i] as RawEvent;
      const event = stages.pipelines.process(raw);
      const tags = event.doc.tags;
      if (Array.isArray(tags) && tags.includes(PARSE_ERROR_TAG)) errors++;
      if (raw.receivedAt < oldest) oldest = raw.receivedAt;
      events[i] = event;
    }
    stages.counters.parsed(events.length, errors);
    await stages.enricher.enrich(events);
    await stages.writer.write(events, options);
    stages.counters.stored(events.length, events.length > 0 ? Math.max(0, stages.now() - oldest) : 0);
  };
}

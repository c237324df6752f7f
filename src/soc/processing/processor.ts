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

export interface ProcessorStages {
  pipelines: Pipelines;
  enricher: SourceEnricher;
  writer: EventWriter;
  counters: SiemCounters;
  now: () => number;
}

/** Builds the batch processor over the stages. */
export function createProcessor(stages: ProcessorStages): (batch: RawEvent[]) => Promise<void> {
  return async (batch) => {
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
    await stages.writer.write(events);
    stages.counters.stored(events.length, events.length > 0 ? Math.max(0, stages.now() - oldest) : 0);
  };
}

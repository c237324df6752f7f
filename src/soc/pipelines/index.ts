/**
 * @module soc/pipelines
 * Parsing and normalisation to ECS by declarative pipelines. PLACEHOLDER until the pipeline engine lands:
 * keeps a structured document as is and a text as `message` + `event.original`.
 */
import type { NormalisedEvent, Pipelines, RawEvent } from '../contracts.ts';
import type { SocDeps, SocPart } from '../deps.ts';

export type PipelineService = Pipelines & SocPart;

/** Creates the pipeline service. */
export function createPipelines(_deps: SocDeps): PipelineService {
  return {
    process(raw: RawEvent): NormalisedEvent {
      const doc: Record<string, unknown> = raw.doc
        ? { ...raw.doc }
        : { message: raw.text ?? '', event: { original: raw.text ?? '' } };
      if (raw.tags?.length) doc.tags = [...raw.tags];
      return { ts: raw.receivedAt, receivedAt: raw.receivedAt, input: raw.input, doc };
    },
  };
}

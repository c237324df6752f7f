/**
 * @module soc/ingest/testing
 * Test support for the ingest part: an ingest token issued through the service, and the raw events that
 * reached the processor (recorded as the pipelines receive them). Not used by the product.
 */
import { vi } from 'vitest';
import { systemCtx } from '../../core/context.ts';
import type { RawEvent } from '../contracts.ts';
import type { Soc } from '../index.ts';

/** Issues a token as the system (scope all) and returns its header forms. */
export async function issueToken(soc: Soc, name = 'Mã kiểm thử', unitId: string | null = null) {
  const issued = await soc.ingest.tokens.create(systemCtx('test', ['soc.config.write']), { name, unitId });
  const basic = Buffer.from(`${issued.username}:${issued.password}`).toString('base64');
  return {
    ...issued,
    bearer: `Bearer ${issued.token}`,
    basic,
    apiKeyBase64: Buffer.from(issued.apiKey).toString('base64'),
  };
}

/** Records every raw event the processor takes from the sink from now on. */
export function recordRawEvents(soc: Soc): RawEvent[] {
  const seen: RawEvent[] = [];
  const original = soc.pipelines.processBatch.bind(soc.pipelines);
  vi.spyOn(soc.pipelines, 'processBatch').mockImplementation((raws: readonly RawEvent[]) => {
    seen.push(...raws);
    return original(raws);
  });
  return seen;
}

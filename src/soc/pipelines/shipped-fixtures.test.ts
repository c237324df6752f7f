/**
 * Every fixture of every shipped pipeline: the raw event goes through `process()` (so the choice of pipeline
 * is tested too, unless the fixture gives a hint) and the output must contain the expected ECS fields.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RawEvent } from '../contracts.ts';
import { PARSE_ERROR_TAG } from '../processing/processor.ts';
import { PipelineRuntime } from './runtime.ts';
import { shippedDir, shippedSources } from './shipped.ts';

interface Fixture {
  name: string;
  raw: Omit<RawEvent, 'receivedAt' | 'input'> & { receivedAt?: string; input?: string };
  expect: { pipeline?: string; parseError?: boolean; doc: Record<string, unknown>; absent?: string[] };
}

const runtime = new PipelineRuntime(null);
const RECEIVED = '2024-03-05T03:00:05Z';

/** Leaf paths of the expected document; arrays are compared whole. */
function leaves(value: unknown, prefix: string, out: [string, unknown][]): [string, unknown][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, value]);
  return out;
}

function at(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const files = readdirSync(shippedDir).filter((f) => f.endsWith('.fixtures.yaml'));

describe('shipped pipelines', () => {
  it('each has a fixtures file with at least one fixture', () => {
    for (const { id } of shippedSources()) expect(files, id).toContain(`${id}.fixtures.yaml`);
  });

  for (const file of files) {
    const fixtures = parse(readFileSync(`${shippedDir}${file}`, 'utf8')) as Fixture[];
    describe(file.replace('.fixtures.yaml', ''), () => {
      for (const f of fixtures) {
        it(f.name, () => {
          const raw: RawEvent = {
            ...f.raw,
            input: f.raw.input ?? f.raw.kind,
            receivedAt: Date.parse(f.raw.receivedAt ?? RECEIVED),
          };
          const outcome = runtime.run(raw);
          const doc = outcome.event.doc;
          const tags = (doc.tags as string[] | undefined) ?? [];
          if (f.expect.parseError) expect(tags).toContain(PARSE_ERROR_TAG);
          else expect(outcome.error, JSON.stringify(doc)).toBeNull();
          if (!f.expect.parseError) expect(tags).not.toContain(PARSE_ERROR_TAG);
          if (f.expect.pipeline) expect(outcome.pipeline).toBe(f.expect.pipeline);
          for (const [path, value] of leaves(f.expect.doc, '', [])) {
            expect(at(doc, path), `${path} in ${JSON.stringify(doc)}`).toEqual(value);
          }
          for (const path of f.expect.absent ?? []) expect(at(doc, path), path).toBeUndefined();
          expect(outcome.event.ts).toBe(Date.parse(doc['@timestamp'] as string));
          // Temporary fields never leak into stored events.
          expect(doc._tmp).toBeUndefined();
        });
      }
    });
  }
});

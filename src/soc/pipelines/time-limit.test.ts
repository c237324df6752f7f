/**
 * The pipelines' time limit: an event caught by a pattern that backtracks catastrophically is stopped and
 * kept raw, and neither the events around it nor the process pay more than the limit for it.
 */
import { describe, expect, it } from 'vitest';
import { PARSE_ERROR_TAG } from '../processing/processor.ts';
import { load, rawEvent } from './engine/testing.ts';
import { TIMEOUT_TAG } from './normalise.ts';
import { PipelineRuntime } from './runtime.ts';
import { runWithin } from './time-limit.ts';

// `(\w+\s?)*$` tries 2^n ways to split a run of word characters that is not followed by the end.
const backtracking = load(
  `id: backtracks\nname: backtracks\npriority: 500\nmatch: { field: message, starts_with: "app " }\nprocessors:\n  - grok: { field: message, patterns: ['^app (?:\\w+\\s?)*$'] }\n  - set: { field: parsed, value: yes }\n`,
);
const evil = `app ${'a'.repeat(40)}!`;

describe('runWithin', () => {
  it('stops a regular expression caught backtracking, and the process goes on afterwards', () => {
    const started = performance.now();
    expect(runWithin(50, () => /^(\w+\s?)*$/.test(`${'a'.repeat(40)}!`))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
    let ran = false;
    expect(
      runWithin(50, () => {
        ran = true;
      }),
    ).toBe(true);
    expect(ran).toBe(true);
    expect(() =>
      runWithin(50, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
  });
});

describe('an event that takes too long in the pipelines', () => {
  it('is stopped after the limit and kept raw with the timeout tag, while the events around it are parsed', () => {
    const stopped: string[] = [];
    const runtime = new PipelineRuntime(null, 50);
    runtime.setOperatorPipelines([backtracking]);
    const batch = [
      rawEvent({ text: 'app alpha beta' }),
      rawEvent({ text: evil }),
      rawEvent({ text: 'app gamma' }),
      rawEvent({ text: evil }),
    ];
    const started = performance.now();
    const outcomes = runtime.runBatch(batch, runtime.set, (outcome) => stopped.push(outcome.pipeline ?? '?'));
    // Two stopped events cost at most twice the doubled limit each, not hours.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(outcomes.map((o) => o.event.doc.parsed ?? null)).toEqual(['yes', null, 'yes', null]);
    const kept = outcomes[1]?.event.doc as Record<string, unknown>;
    expect(kept.tags).toEqual([PARSE_ERROR_TAG, TIMEOUT_TAG]);
    expect(kept.event).toMatchObject({ original: evil, kind: 'pipeline_error' });
    expect((kept.error as { message: string }).message).toMatch(/^\[backtracks\] stopped after 50 ms/);
    expect(outcomes[1]).toMatchObject({ pipeline: 'backtracks', dropped: false });
    expect(stopped).toEqual(['backtracks', 'backtracks']);
  });

  it('does not stop a batch that is merely long: only an event that alone had the limit is given up', () => {
    const runtime = new PipelineRuntime(null, 20);
    // Each event takes 4 ms, far under the limit; the batch takes many times the limit.
    const base = load(
      `id: slow\nname: slow\npriority: 500\nmatch: { field: message, starts_with: "slow" }\nprocessors:\n  - set: { field: parsed, value: yes }\n`,
    );
    const slow = {
      ...base,
      run: (doc: Record<string, unknown>, ctx: Parameters<typeof base.run>[1]) => {
        const until = performance.now() + 4;
        while (performance.now() < until) {}
        base.run(doc, ctx);
      },
    };
    runtime.setOperatorPipelines([slow]);
    const batch = Array.from({ length: 40 }, (_, i) => rawEvent({ text: `slow ${i}` }));
    const outcomes = runtime.runBatch(batch);
    expect(outcomes.map((o) => o.event.doc.parsed)).toEqual(batch.map(() => 'yes'));
  });
});

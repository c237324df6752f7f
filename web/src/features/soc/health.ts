/**
 * The SIEM's health over time, as the health screen draws it. The server's health route keeps a window of
 * samples; when it answers with current totals only, the screen keeps its own window from the inputs'
 * totals between two polls, so the charts still show rates from the moment the screen is opened.
 */
import type { HealthSample, SiemHealth, SiemInput } from './api';

/** How many samples a chart keeps (10 s apart: 30 minutes). */
export const WINDOW = 180;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The inputs of an answer that is a list or `{ items }`. */
export function inputsOf(body: unknown): SiemInput[] {
  if (Array.isArray(body)) return body as SiemInput[];
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as SiemInput[]) : [];
}

/** The server's samples when it keeps them, oldest first. */
export function serverSamples(health: SiemHealth | undefined): HealthSample[] | null {
  const s = health?.samples;
  return Array.isArray(s) && s.length > 0 ? [...s].sort((a, b) => a.at.localeCompare(b.at)) : null;
}

/** The current figures of an answer without a window (queue depth, parse-error rate, lag). */
function currentFigures(health: SiemHealth | undefined): Omit<HealthSample, 'at' | 'inputs'> {
  const h = (health ?? {}) as Record<string, unknown>;
  const queue = h.queue as Record<string, unknown> | undefined;
  const parsed = num(h.parsed) ?? num((h.processing as Record<string, unknown> | undefined)?.parsed);
  const errors =
    num(h.parseErrors) ?? num((h.processing as Record<string, unknown> | undefined)?.parseErrors);
  return {
    queueDepth: num(queue?.depth) ?? num(h.queueDepth),
    parseErrorRate: num(h.parseErrorRate) ?? (parsed && errors !== undefined ? errors / parsed : undefined),
    lagMs: num(h.lagMs) ?? num((h.store as Record<string, unknown> | undefined)?.lagMs),
  };
}

/** A sample from two polls of the inputs' totals `dtMs` apart. */
export function sampleBetween(
  at: Date,
  previous: SiemInput[] | null,
  current: SiemInput[],
  dtMs: number,
  health: SiemHealth | undefined,
): HealthSample {
  const inputs: Record<string, { eps: number; dropped: number }> = {};
  for (const input of current) {
    const before = previous?.find((p) => p.id === input.id)?.totals;
    const now = input.totals;
    inputs[input.id] =
      before && now && dtMs > 0
        ? {
            eps: Math.max(0, ((now.events - before.events) * 1000) / dtMs),
            dropped: Math.max(0, now.dropped - before.dropped),
          }
        : { eps: 0, dropped: 0 };
  }
  return { at: at.toISOString(), inputs, ...currentFigures(health) };
}

/**
 * @module soc/pipelines/time-limit
 * Runs synchronous work with a time limit that even a regular expression caught in catastrophic
 * backtracking cannot outlast. An operator's grok pattern such as `^(\w+\s?)*$` meeting a crafted line
 * would otherwise hold the event loop for hours: every input, the API and the console with it. V8 has no way
 * to stop one JavaScript call from inside; `node:vm` does, from a watchdog thread that terminates the
 * isolate's current execution (what Elasticsearch's grok watchdog does for its Joni patterns).
 */
import { createContext, Script } from 'node:vm';

const noop = (): void => {};
// One context for the process: the work is a host function, so it runs with the caller's realm and globals.
const holder: { work: () => void } = { work: noop };
const context = createContext(holder);
const script = new Script('work()', { filename: 'tinhso-time-limit' });

/**
 * Runs `work` and returns true, or stops it after `ms` milliseconds and returns false. Errors the work
 * throws propagate; a stopped work cannot catch its stop (its `catch` and `finally` blocks do not run), so
 * whatever it wrote before is all it did.
 */
export function runWithin(ms: number, work: () => void): boolean {
  const outer = holder.work;
  holder.work = work;
  try {
    script.runInContext(context, { timeout: Math.max(1, Math.round(ms)) });
    return true;
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
    throw err;
  } finally {
    holder.work = outer;
  }
}

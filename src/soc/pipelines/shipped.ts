/**
 * @module soc/pipelines/shipped
 * The pipelines shipped with Tỉnh Số: src/soc/pipelines/shipped/<id>.yaml, read once per process. Each has
 * fixtures beside it (<id>.fixtures.yaml) that the test suite runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder of the shipped pipelines and their fixtures. */
export const shippedDir = fileURLToPath(new URL('./shipped/', import.meta.url));

/** One shipped pipeline's source. */
export interface ShippedSource {
  /** The file name without `.yaml`: also the pipeline's id. */
  id: string;
  source: string;
}

let cache: ShippedSource[] | null = null;

/** The shipped pipeline sources, sorted by id. */
export function shippedSources(): ShippedSource[] {
  if (!cache) {
    cache = readdirSync(shippedDir)
      .filter((f) => f.endsWith('.yaml') && !f.endsWith('.fixtures.yaml'))
      .sort()
      .map((f) => ({ id: f.slice(0, -5), source: readFileSync(`${shippedDir}${f}`, 'utf8') }));
  }
  return cache;
}

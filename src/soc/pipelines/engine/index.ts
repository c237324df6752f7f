/**
 * @module soc/pipelines/engine
 * The pipeline engine's surface: load a YAML source into a compiled pipeline.
 */
export { type LoadEnv, type LoadedPipeline, loadPipeline, PIPELINE_ID, processorNames } from './compile.ts';
export type { GeoLookup } from './types.ts';
export { PipelineSourceError } from './yaml-reader.ts';

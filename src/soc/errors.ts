/**
 * @module soc/errors
 * Every SOC error code, composed from the parts' own tables.
 */
import { configErrors } from './config/errors.ts';
import { ingestErrors } from './ingest/errors.ts';
import { fileImportErrors } from './ingest/files/errors.ts';
import { inputErrors } from './inputs/errors.ts';
import { pipelineErrors } from './pipelines/errors.ts';
import { searchErrors } from './search/errors.ts';
import { sourcesErrors } from './sources/errors.ts';

/** The SOC module's error codes, merged into the catalogue by src/errors.ts. */
export const socErrors = {
  ...configErrors,
  ...ingestErrors,
  ...fileImportErrors,
  ...inputErrors,
  ...pipelineErrors,
  ...searchErrors,
  ...sourcesErrors,
} as const;

/**
 * @module soc/errors
 * Every SOC error code, composed from the parts' own tables.
 */
import { searchErrors } from './search/errors.ts';

/** The SOC module's error codes, merged into the catalogue by src/errors.ts. */
export const socErrors = { ...searchErrors } as const;

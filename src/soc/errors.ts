/**
 * @module soc/errors
 * Every SOC error code, composed from the parts' own tables.
 */
import { inputErrors } from './inputs/errors.ts';

/** The SOC module's error codes, merged into the catalogue by src/errors.ts. */
export const socErrors = { ...inputErrors } as const;

/**
 * @module errors
 * The catalogue of every error code in Tỉnh Số, composed from each module's own table.
 * `docs/errors.md` is generated from it (`npm run docs:errors`) and a test keeps the two in sync.
 */
import { coreErrors } from './core/errors/core-errors.ts';
import type { ErrorSpec } from './core/errors/define.ts';
import { demoErrors } from './demo/errors.ts';
import { iamErrors } from './iam/errors.ts';
import { lgspErrors } from './lgsp/errors.ts';
import { orgErrors } from './org/errors.ts';
import { searchErrors } from './search/errors.ts';
import { socErrors } from './soc/errors.ts';

export const catalogue = {
  ...coreErrors,
  ...orgErrors,
  ...iamErrors,
  ...searchErrors,
  ...demoErrors,
  ...lgspErrors,
  ...socErrors,
} as const satisfies Record<string, ErrorSpec>;

/** Every error code a user or client can receive. */
export type ErrorCode = keyof typeof catalogue;

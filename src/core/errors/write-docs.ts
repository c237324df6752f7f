/**
 * @module core/errors/write-docs
 * `npm run docs:errors`: writes docs/errors.md from the catalogue.
 */
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from './render-docs.ts';

writeFileSync(new URL('../../../docs/errors.md', import.meta.url), renderErrorsDoc());

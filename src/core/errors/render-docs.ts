/**
 * @module core/errors/render-docs
 * Renders docs/errors.md from the catalogue, so the documentation cannot drift from the code.
 */
import { catalogue } from '../../errors.ts';

/** The full text of docs/errors.md. */
export function renderErrorsDoc(): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const rows = Object.entries(catalogue)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, spec]) => `| \`${code}\` | ${spec.status} | ${cell(spec.vi)} | ${cell(spec.en)} |`);
  return [
    '# Error codes',
    '',
    'Generated from `src/errors.ts` by `npm run docs:errors`; a test fails when this file is out of date.',
    'Every error reaches clients as `application/problem+json` with `code`, `status`, `title` (Vietnamese),',
    '`title_en` (English) and `requestId`; internal details go only to the server log.',
    '',
    '| code | HTTP | tiếng Việt | English |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

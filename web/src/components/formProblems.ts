/**
 * @module web/components/formProblems
 * Where a server's refusal of a form belongs: each field problem of a validation error (`body.username`,
 * `email`, `body.roles.0`) and each field-specific code (a taken username, a taken unit code) is put under
 * the field it names, so the person sees it where they type (the browser tests drive it through the forms).
 */
import { toApiError } from '../api/errors';

/** One message to show under a field of the form (its name path, as antd's setFields takes it). */
export interface FieldMessage {
  name: string[];
  errors: string[];
}

/**
 * The form field a server field path names: validation says `body.roles.0`, the org module `unit.phone` or
 * `parts[1].name`. The longest run of its segments that is a field of the form wins, earliest first.
 */
function formFieldOf(path: string, known: ReadonlySet<string>): string | null {
  const segments = path
    .replace(/^(body|querystring|params)\./u, '')
    .replace(/\[(\d+)\]/gu, '.$1')
    .split('.')
    .filter(Boolean);
  for (let start = 0; start < segments.length; start++) {
    for (let end = segments.length; end > start; end--) {
      const candidate = segments.slice(start, end).join('.');
      if (known.has(candidate)) return candidate;
    }
  }
  return null;
}

/**
 * The field messages of `error` for a form whose fields are `fields` (dotted name paths): validation
 * problems under the field they name, and `codeFields[code]` for a whole-request code, with the error's
 * message in `lang`. Problems naming no field of the form are left to the alert above it.
 */
export function fieldMessages(
  error: unknown,
  fields: readonly string[],
  lang: 'vi' | 'en',
  codeFields: Readonly<Record<string, string>> = {},
): FieldMessage[] {
  const e = toApiError(error);
  const known = new Set(fields);
  const byField = new Map<string, string[]>();
  const add = (name: string | null, message: string) => {
    if (name === null || !known.has(name)) return;
    byField.set(name, [...(byField.get(name) ?? []), message]);
  };
  for (const f of e.fieldErrors) add(formFieldOf(f.field, known), f.message);
  const coded = codeFields[e.code];
  if (coded) add(coded, e.message_(lang));
  return [...byField].map(([name, errors]) => ({ name: name.split('.'), errors }));
}

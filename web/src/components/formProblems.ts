/**
 * @module web/components/formProblems
 * Where a server's refusal of a form belongs: each field problem of a validation error (`body.username`,
 * `email`, `body.roles.0`) and each field-specific code (a taken username, a taken unit code) is put under
 * the field it names, so the person sees it where they type. Plain TypeScript, no React: tested in node.
 */
import { toApiError } from '../api/errors';

/** One message to show under a field of the form. */
export interface FieldMessage {
  name: string;
  errors: string[];
}

/**
 * The field messages of `error` for a form whose fields are `fields`: validation problems by the field they
 * name (the `body.` prefix and any array index dropped), and `codeFields[code]` for a whole-request code,
 * with the error's message in `lang`. Problems naming no field of the form are left to the alert above it.
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
  const add = (name: string, message: string) => {
    if (!known.has(name)) return;
    byField.set(name, [...(byField.get(name) ?? []), message]);
  };
  for (const f of e.fieldErrors) {
    const name = f.field.replace(/^(body|querystring|params)\./u, '').split('.')[0] ?? '';
    add(name, f.message);
  }
  const coded = codeFields[e.code];
  if (coded) add(coded, e.message_(lang));
  return [...byField].map(([name, errors]) => ({ name, errors }));
}

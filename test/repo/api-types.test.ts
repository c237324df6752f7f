import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../scripts/api-types.ts';

describe('the console API client', () => {
  it('is typed from the current OpenAPI document (run `npm run api:types` after changing a route)', async () => {
    const current = readFileSync(API_TYPES_FILE, 'utf8');
    expect(current === (await renderApiTypes()), 'web/src/api/schema.d.ts is stale: npm run api:types').toBe(
      true,
    );
  }, 60_000);
});

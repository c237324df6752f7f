import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { queryRows, sql } from '../core/db/index.ts';
import { scopeCondition } from './store.ts';
import { orgUnits } from './tables.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

// The scope condition is on the path of every scoped read in Tỉnh Số; these snapshots put any change to
// its SQL in front of a reviewer.
describe('scope SQL', () => {
  const sqlOf = (scope: Parameters<typeof scopeCondition>[0]) =>
    database.db.select({ id: orgUnits.id }).from(orgUnits).where(scopeCondition(scope)).toSQL();

  it('a subtree is one range on the materialised path, not a walk of the tree', () => {
    expect(sqlOf({ kind: 'subtree', unitId: 'u1' })).toMatchInlineSnapshot(`
      {
        "params": [
          "u1",
          "u1",
        ],
        "sql": "select "id" from "org_units" where ("org_units"."path" >= (select p.path from org_units p where p.id = $1)
          and "org_units"."path" < (select p.path || '~' from org_units p where p.id = $2))",
      }
    `);
  });

  it('own, all and none', () => {
    expect(sqlOf({ kind: 'own', unitId: 'u1' }).sql).toMatchInlineSnapshot(
      `"select "id" from "org_units" where "org_units"."id" = $1"`,
    );
    expect(sqlOf({ kind: 'all' }).sql).toMatchInlineSnapshot(`"select "id" from "org_units" where true"`);
    expect(sqlOf({ kind: 'none' }).sql).toMatchInlineSnapshot(`"select "id" from "org_units" where false"`);
  });
});

describe('path column', () => {
  it('compares byte by byte, which the subtree range relies on', async () => {
    const [column] = await queryRows<{ collation: string | null }>(
      database.db,
      sql`select collation_name as collation from information_schema.columns
          where table_name = 'org_units' and column_name = 'path' and table_schema = current_schema()`,
    );
    expect(column?.collation).toBe('C');
  });
});

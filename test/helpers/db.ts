/**
 * @module test/helpers/db
 * A fresh, migrated database per test file: a new PostgreSQL schema when TEST_DATABASE_URL is set,
 * otherwise an in-memory PGlite. Nothing is shared between files, so they run in parallel.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, migrate, openDatabase, quoteIdent } from '../../src/core/db/index.ts';

export interface TestDatabase extends Database {
  /** The isolating schema when on PostgreSQL. */
  schema?: string;
}

/** The PostgreSQL URL tests use, if any (set by .ci/run). */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? '';

/** Opens and migrates an isolated database; `close()` drops it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) {
    const database = await openDatabase();
    await migrate(database);
    return database;
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`create schema ${quoteIdent(schema)}`);
  await admin.end();
  const database = await openDatabase({ url: testDatabaseUrl, schema, poolSize: 10 });
  await migrate(database);
  return {
    ...database,
    schema,
    close: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: testDatabaseUrl });
      await c.connect();
      await c.query(`drop schema ${quoteIdent(schema)} cascade`);
      await c.end();
    },
  };
}

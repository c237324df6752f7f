/**
 * @module core/db
 * Public surface of the database layer.
 */

export { BatchWriter, type BatchWriterOptions, type BatchWriterStats } from './batch-writer.ts';
export {
  type Database,
  type DatabaseKind,
  type Db,
  openDatabase,
  queryRows,
  quoteIdent,
  type RawTx,
  sql,
} from './database.ts';
export { type PgErrorFields, pgErrorOf } from './errors.ts';
export { GroupCommit, type GroupCommitOptions } from './group-commit.ts';
export { listMigrations, type Migration, migrate } from './migrate.ts';

/**
 * Postgres access for Tradebridge services: a schema-scoped Kysely handle, per-service migrations that run
 * on start and from the command line, and the few helpers every repository needs.
 *
 * Conventions: each service keeps a `*.table.ts` with its Kysely table interfaces and
 * Selectable/Insertable/Updateable row types; repositories are plain functions taking
 * `Kysely<DB> | Transaction<DB>`.
 */
export { createDb, createPool, assertIdentifier, type CreateDbOptions } from './create-db';
export { ensureDatabase, redactUrl, DEFAULT_DATABASE_URL } from './ensure-database';
export {
  isUniqueViolation,
  pgErrorCode,
  PG_UNIQUE_VIOLATION,
  PG_DUPLICATE_DATABASE,
  PG_INVALID_CATALOG_NAME,
  PG_SERIALIZATION_FAILURE,
  PG_LOCK_NOT_AVAILABLE,
} from './errors';
export { WriteBatcher, type WriteBatcherOptions, type FlushBatch } from './write-batcher';
export { withTransaction, type TransactionOptions } from './transaction';
export { systemClock, ManualClock, type Clock } from './clock';
export { checkDatabase } from './health';
export { DirectoryMigrationProvider, MIGRATION_FILE_NAME } from './migrations/directory-migration-provider';
export {
  migrateSchema,
  migrationStatus,
  MigrationFailedError,
  MIGRATION_ADVISORY_LOCK_CLASS,
  type MigrateSchemaOptions,
  type MigrationReport,
  type MigrationStatus,
  type MigrationLog,
} from './migrations/run-migrations';
export { migrateService, serviceMigrationsDir, type MigrateServiceOptions } from './migrations/migrate-service';

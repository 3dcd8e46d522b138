import { Kysely, Migrator, PostgresDialect, sql, type MigrationResultSet } from 'kysely';
import { assertIdentifier, createPool } from '../create-db';
import { redactUrl } from '../ensure-database';
import { DirectoryMigrationProvider } from './directory-migration-provider';

/** The sink for progress lines; pino's `logger.info.bind(logger)` and `console.log` both fit. */
export type MigrationLog = (message: string) => void;

/** What {@link migrateSchema} needs to bring one service's schema up to date. */
export interface MigrateSchemaOptions {
  /** Database URL; the database must exist (see ensureDatabase). */
  readonly url: string;
  /** The service's schema; created if missing, and home of its migration bookkeeping tables. */
  readonly schema: string;
  /** Directory holding the migration files (.ts under Jest, compiled .js at runtime). */
  readonly migrationsDir: string;
  /**
   * How long to wait for another runner of the same schema (a concurrent replica) before giving up.
   * Default 10 minutes, because the other runner may be building an index.
   */
  readonly lockTimeoutMs?: number;
  readonly log?: MigrationLog;
}

/** What a migration run did. */
export interface MigrationReport {
  readonly schema: string;
  /** Migrations applied by this run, in order. */
  readonly applied: readonly string[];
  /** Migrations that were already applied before this run. */
  readonly alreadyApplied: readonly string[];
}

/** Raised when a migration fails; the whole run is rolled back (Postgres DDL is transactional). */
export class MigrationFailedError extends Error {
  constructor(
    readonly schema: string,
    readonly migrationName: string | undefined,
    override readonly cause: unknown,
  ) {
    super(
      `migration ${migrationName ?? '(before any migration ran)'} failed in schema "${schema}": ` +
        `${cause instanceof Error ? cause.message : String(cause)}; every migration of this run was rolled back`,
    );
    this.name = 'MigrationFailedError';
  }
}

/**
 * First key of the two-part advisory lock a migration run holds (the second is `hashtext(schema)`), so
 * `select * from pg_locks where classid = 1952607591` shows who is migrating.
 */
export const MIGRATION_ADVISORY_LOCK_CLASS = 0x74626d67; // "tbmg"
const ADVISORY_LOCK_CLASS = MIGRATION_ADVISORY_LOCK_CLASS;

/**
 * Brings one schema up to date: creates the schema, then applies every pending migration in one
 * transaction, recording them in `<schema>.kysely_migration`.
 *
 * Runners of the same schema are serialised by a session-level advisory lock, so replicas that start
 * together neither race nor fail: the first applies, the others wait and then find nothing to do.
 */
export async function migrateSchema(options: MigrateSchemaOptions): Promise<MigrationReport> {
  const { schema, migrationsDir } = options;
  assertIdentifier(schema, 'schema');
  const log = options.log ?? (() => undefined);
  const lockTimeoutMs = options.lockTimeoutMs ?? 10 * 60_000;
  const provider = new DirectoryMigrationProvider(migrationsDir);
  // Resolve the files before touching the database, so a malformed migration fails fast and clearly.
  await provider.getMigrations();

  const db = new Kysely<any>({
    dialect: new PostgresDialect({
      pool: createPool({ url: options.url, schema, poolSize: 1, applicationName: `tradebridge-migrate-${schema}` }),
    }),
  });
  try {
    return await db.connection().execute(async (session) => {
      await sql`select set_config('lock_timeout', ${String(lockTimeoutMs)}, false)`.execute(session);
      await sql`select pg_advisory_lock(${ADVISORY_LOCK_CLASS}::int, hashtext(${schema}))`.execute(session);
      try {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(session);
        const migrator = new Migrator({ db: session, provider, migrationTableSchema: schema });
        const before = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
        const outcome: MigrationResultSet = await migrator.migrateToLatest();
        if (outcome.error !== undefined) {
          const failed = outcome.results?.find((r) => r.status === 'Error')?.migrationName;
          throw new MigrationFailedError(schema, failed, outcome.error);
        }
        const applied = (outcome.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        for (const name of applied) log(`schema ${schema}: applied ${name}`);
        log(
          applied.length === 0
            ? `schema ${schema}: up to date (${before.length} migrations already applied)`
            : `schema ${schema}: ${applied.length} applied, ${before.length} already applied`,
        );
        return { schema, applied, alreadyApplied: before };
      } finally {
        await sql`select pg_advisory_unlock(${ADVISORY_LOCK_CLASS}::int, hashtext(${schema}))`.execute(session);
      }
    });
  } catch (err) {
    if (err instanceof MigrationFailedError) throw err;
    throw new Error(`migrating schema "${schema}" on ${redactUrl(options.url)} failed: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await db.destroy();
  }
}

/** One line per migration of a schema: applied (with time) or pending. */
export interface MigrationStatus {
  readonly name: string;
  readonly executedAt?: Date;
}

/** Lists the migrations of a schema and whether each has been applied; changes nothing. */
export async function migrationStatus(options: Omit<MigrateSchemaOptions, 'lockTimeoutMs' | 'log'>): Promise<MigrationStatus[]> {
  assertIdentifier(options.schema, 'schema');
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: createPool({ url: options.url, poolSize: 1, applicationName: 'tradebridge-migrate-status' }) }),
  });
  try {
    const migrator = new Migrator({
      db,
      provider: new DirectoryMigrationProvider(options.migrationsDir),
      migrationTableSchema: options.schema,
    });
    return (await migrator.getMigrations()).map((m) => (m.executedAt ? { name: m.name, executedAt: m.executedAt } : { name: m.name }));
  } finally {
    await db.destroy();
  }
}

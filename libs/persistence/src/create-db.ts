import { Kysely, PostgresDialect, WithSchemaPlugin } from 'kysely';
import { Pool } from 'pg';

/** Connection settings for one service's database handle. */
export interface CreateDbOptions {
  /** A libpq-style URL, e.g. postgres://postgres@127.0.0.1:5432/tradebridge. */
  readonly url: string;
  /**
   * The Postgres schema the service owns. Query-builder table references are prefixed with it and it
   * heads the search_path, so raw `sql` finds the service's tables too.
   */
  readonly schema?: string;
  /** Maximum pooled connections (default 10). */
  readonly poolSize?: number;
  /** Shown in pg_stat_activity so operators can tell which service holds a connection. */
  readonly applicationName?: string;
  /**
   * `'off'`: commits on these connections return before the WAL is flushed (a server crash may lose the last few
   * hundred milliseconds of them). Only for writes that can be rebuilt from elsewhere; the default is the server's.
   */
  readonly synchronousCommit?: 'on' | 'off';
}

/**
 * Creates a Kysely instance over a pg Pool, scoped to the service's own schema.
 *
 * Postgres numeric and bigint columns come back as strings (pg's default): prices and volumes are never
 * squeezed through a float on the way out of the database.
 */
export function createDb<DB>(options: CreateDbOptions): Kysely<DB> {
  const pool = createPool(options);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return options.schema ? db.withPlugin(new WithSchemaPlugin(options.schema)) : db;
}

/** Creates the pg Pool behind {@link createDb}; exported for code that needs raw pg access. */
export function createPool(options: CreateDbOptions): Pool {
  if (options.schema !== undefined) assertIdentifier(options.schema, 'schema');
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName,
    // Set per connection at startup, so it survives pool recycling and needs no extra round trip.
    options: startupOptions(options),
  });
  // An idle pooled connection that the server terminates (restart, failover, pg_terminate_backend) is emitted as
  // an 'error' on the pool; without a listener Node would crash the whole service. The pool has already dropped
  // that connection and the next checkout opens a new one, so there is nothing else to do here.
  pool.on('error', () => undefined);
  // A connection that is checked out but between statements (inside a transaction, or held for a session lock) gets
  // the same termination as an 'error' on its Client, which pg-pool does not listen to while the client is out. The
  // next query on it fails with that error and pg-pool discards it on release; the process must not crash meanwhile.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

function startupOptions(options: CreateDbOptions): string | undefined {
  const settings = [
    ...(options.schema ? [`-c search_path=${options.schema},public`] : []),
    ...(options.synchronousCommit ? [`-c synchronous_commit=${options.synchronousCommit}`] : []),
  ];
  return settings.length > 0 ? settings.join(' ') : undefined;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws unless `name` is a plain lower-case SQL identifier, the only kind we interpolate into DDL. */
export function assertIdentifier(name: string, what: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`${what} must be a lower-case SQL identifier (a-z, 0-9, _), got "${name}"`);
  }
}

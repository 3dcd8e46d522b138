import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createFreshDatabase, testInfra, waitFor, type FreshDatabase } from '@tradebridge/devstack';
import { isUniqueViolation } from '../errors';
import { migrateSchema, MigrationFailedError, MIGRATION_ADVISORY_LOCK_CLASS, type MigrationReport } from './run-migrations';
import { migrateService } from './migrate-service';

const SERVER_URL = testInfra().databaseUrl;

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const SERVICES = readdirSync(path.join(REPO_ROOT, 'services'))
  .filter((service) => existsSync(path.join(REPO_ROOT, 'services', service, 'migrations')))
  .sort();
const migrationsOf = (service: string): string => path.join(REPO_ROOT, 'services', service, 'migrations');
/** Every migration a service owns, by name, in the order the runner applies them. */
const migrationNamesOf = (service: string): string[] =>
  readdirSync(migrationsOf(service))
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(d|spec)\.ts$/.test(f))
    .map((f) => f.replace(/\.(ts|js)$/, ''))
    .sort();
/** Drops the length and precision column of a `columns()` line: later migrations may widen a seed column. */
const withoutSize = (line: string): string => line.split(' | ').filter((_, i) => i !== 2).join(' | ');
/** The size column of a `columns()` line as a number (length, or the precision of a numeric). */
const sizeOf = (line: string): number => Number(line.split(' | ')[2].split(',')[0] || 0);

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('all services migrations on a fresh database', () => {
  let database: FreshDatabase;
  let firstRun: MigrationReport[] = [];

  beforeAll(async () => {
    database = await createFreshDatabase('tb_persistence');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('finds the services that own migrations', () => {
    expect(SERVICES).toEqual(expect.arrayContaining(['execution', 'sync']));
  });

  it('can load every migration source with plain Node, as `npm run migrate` (--source) does', () => {
    // Node strips types itself but refuses enums, namespaces and parameter properties; this catches them.
    const files = SERVICES.flatMap((service) =>
      readdirSync(migrationsOf(service))
        .filter((f) => f.endsWith('.ts') && !/\.(d|spec)\.ts$/.test(f))
        .map((f) => path.join(migrationsOf(service), f)),
    );
    const script = `for (const f of ${JSON.stringify(files)}) { if (typeof require(f).up !== 'function') throw new Error(f + ' has no up'); }`;

    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('applies every migration, creating the seed tables with their columns, indexes and comments', async () => {
    // when
    const reports = [];
    for (const service of SERVICES) {
      reports.push(await migrateSchema({ url: database.url, schema: service, migrationsDir: migrationsOf(service) }));
    }
    firstRun = reports;

    // then
    for (const report of reports) expect(report.alreadyApplied).toEqual([]);
    expect(reports.find((r) => r.schema === 'execution')?.applied).toContain('2026-11-23T0800_create_execution_orders');
    expect(reports.find((r) => r.schema === 'sync')?.applied).toContain('2026-11-23T0805_create_bridge_health_metrics');

    await withClient(database.url, async (client) => {
      const columns = async (schema: string, table: string) =>
        (
          await client.query(
            `select column_name, data_type, is_nullable, numeric_precision, numeric_scale, character_maximum_length, column_default
               from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
            [schema, table],
          )
        ).rows.map((c) =>
          [
            c.column_name,
            c.data_type,
            c.character_maximum_length ?? (c.data_type === 'numeric' ? `${c.numeric_precision},${c.numeric_scale}` : ''),
            c.is_nullable === 'YES' ? 'null' : 'not null',
            c.column_default ?? '',
          ].join(' | '),
        );

      // The seed's columns come first, with its names, types, nullability and defaults. Later execution migrations
      // add columns and may widen a seed column (never narrow it).
      const seedColumns: string[] = [
        'order_id | uuid |  | not null | gen_random_uuid()',
        'signal_id | uuid |  | null | ',
        'account_id | uuid |  | null | ',
        'mt_order_id | bigint |  | null | ',
        'symbol | character varying | 20 | not null | ',
        'order_type | character varying | 10 | not null | ',
        'volume | numeric | 10,4 | not null | ',
        'requested_price | numeric | 10,5 | null | ',
        'fill_price | numeric | 10,5 | null | ',
        'slippage_pips | numeric | 6,2 | null | ',
        'stop_loss | numeric | 10,5 | null | ',
        'take_profit | numeric | 10,5 | null | ',
        'execution_time_ms | integer |  | null | ',
        "order_status | character varying | 20 | null | 'pending'::character varying",
        'rejection_reason | text |  | null | ',
        'retry_count | integer |  | null | 0',
        'placed_at | timestamp with time zone |  | null | now()',
        'filled_at | timestamp with time zone |  | null | ',
      ];
      const executionColumns = (await columns('execution', 'execution_orders')).slice(0, seedColumns.length);
      expect(executionColumns.map(withoutSize)).toEqual(seedColumns.map(withoutSize));
      executionColumns.forEach((line, i) => expect(sizeOf(line)).toBeGreaterThanOrEqual(sizeOf(seedColumns[i])));
      expect(await columns('sync', 'bridge_health_metrics')).toEqual([
        'metric_id | uuid |  | not null | gen_random_uuid()',
        'account_id | uuid |  | null | ',
        'connection_status | character varying | 20 | not null | ',
        'last_heartbeat | timestamp with time zone |  | null | ',
        'execution_latency_ms | integer |  | null | ',
        'rejection_rate | numeric | 5,2 | null | ',
        'sync_delay_ms | integer |  | null | ',
        'recorded_at | timestamp with time zone |  | null | now()',
      ]);

      const indexes = (
        await client.query(
          `select schemaname || '.' || indexname as name, indexdef from pg_indexes
            where schemaname in ('execution', 'sync') and tablename in ('execution_orders', 'bridge_health_metrics')
            order by 1`,
        )
      ).rows.map((r) => `${r.name}: ${r.indexdef.replace(/^.* USING btree /, '')}`);
      expect(indexes).toEqual(expect.arrayContaining([
        'execution.execution_orders_pkey: (order_id)',
        'execution.idx_execution_orders_account_time: (account_id, placed_at)',
        'execution.idx_execution_orders_mt_id: (mt_order_id)',
        'execution.idx_execution_orders_signal: (signal_id)',
        'sync.bridge_health_metrics_pkey: (metric_id)',
        'sync.idx_bridge_health_account_time: (account_id, recorded_at)',
      ]));

      const uncommented = await client.query(
        `select c.table_schema || '.' || c.table_name || '.' || c.column_name as name
           from information_schema.columns c
          where (c.table_schema, c.table_name) in (('execution', 'execution_orders'), ('sync', 'bridge_health_metrics'))
            and col_description((c.table_schema || '.' || c.table_name)::regclass, c.ordinal_position) is null`,
      );
      expect(uncommented.rows).toEqual([]);
      const tableComment = await client.query(`select obj_description('execution.execution_orders'::regclass) as text`);
      expect(tableComment.rows[0].text).toMatch(/broker's answer/);
    });
  });

  it('enforces the seed order_type check and records an intent before the broker answers', async () => {
    await withClient(database.url, async (client) => {
      // given an intent with no MetaTrader ticket yet, then it is accepted with the seed's defaults
      const inserted = await client.query(
        `insert into execution.execution_orders (symbol, order_type, volume) values ('EURUSD', 'buy', 0.1)
         returning order_status, retry_count, mt_order_id, volume::text`,
      );
      expect(inserted.rows[0]).toEqual({ order_status: 'pending', retry_count: 0, mt_order_id: null, volume: '0.1000' });

      // an unknown direction is refused by the named check constraint
      await expect(
        client.query(`insert into execution.execution_orders (symbol, order_type, volume) values ('EURUSD', 'hold', 1)`),
      ).rejects.toMatchObject({ constraint: 'execution_orders_order_type_check' });

      // and a duplicate primary key is recognised as a unique violation
      const { rows } = await client.query(`select order_id from execution.execution_orders limit 1`);
      const duplicate = await client
        .query(`insert into execution.execution_orders (order_id, symbol, order_type, volume) values ($1, 'EURUSD', 'sell', 1)`, [
          rows[0].order_id,
        ])
        .catch((err: unknown) => err);
      expect(isUniqueViolation(duplicate)).toBe(true);
      expect(isUniqueViolation(duplicate, 'execution_orders_pkey')).toBe(true);
      expect(isUniqueViolation(duplicate, 'some_other_constraint')).toBe(false);
    });
  });

  it('is idempotent: a second run applies nothing and reports what was already there', async () => {
    expect(firstRun.map((r) => r.schema)).toEqual(SERVICES);
    for (const first of firstRun) {
      const again = await migrateSchema({ url: database.url, schema: first.schema, migrationsDir: migrationsOf(first.schema) });
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied).toEqual(first.applied);
    }
  });
});

describe('migration runner', () => {
  let database: FreshDatabase;
  let scratch: string;

  beforeEach(async () => {
    database = await createFreshDatabase('tb_persistence');
    scratch = mkdtempSync(path.join(tmpdir(), 'tb-migrations-'));
  });
  afterEach(async () => {
    await database?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lets two concurrent runners of one schema through one after the other, applying each migration once', async () => {
    // when two replicas start together
    const runs = await Promise.all(
      [1, 2].map(() => migrateSchema({ url: database.url, schema: 'execution', migrationsDir: migrationsOf('execution') })),
    );

    // then exactly one applied the migrations, and the other found them applied
    const appliedBy = runs.filter((r) => r.applied.length > 0);
    expect(appliedBy).toHaveLength(1);
    const other = runs.find((r) => r !== appliedBy[0]);
    expect(other?.applied).toEqual([]);
    expect(other?.alreadyApplied).toEqual(appliedBy[0]?.applied);
  });

  it('waits while another runner holds the schema lock, then finds its work done', async () => {
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      // given another replica holding the execution schema's migration lock
      await holder.query('select pg_advisory_lock($1::int, hashtext($2))', [MIGRATION_ADVISORY_LOCK_CLASS, 'execution']);

      // when a runner starts
      let settled = false;
      const run = migrateSchema({ url: database.url, schema: 'execution', migrationsDir: migrationsOf('execution') }).finally(() => {
        settled = true;
      });

      // then it waits on the lock without creating anything
      await waitFor(
        async () => {
          const waiting = await holder.query(
            `select 1 from pg_locks where locktype = 'advisory' and classid = $1 and not granted`,
            [MIGRATION_ADVISORY_LOCK_CLASS],
          );
          return waiting.rowCount === 1;
        },
        { message: 'the runner to wait on the advisory lock', timeoutMs: 20_000 },
      );
      expect(settled).toBe(false);
      const schema = await holder.query(`select 1 from pg_namespace where nspname = 'execution'`);
      expect(schema.rowCount).toBe(0);

      // and once the lock is released it completes
      await holder.query('select pg_advisory_unlock($1::int, hashtext($2))', [MIGRATION_ADVISORY_LOCK_CLASS, 'execution']);
      const report = await run;
      expect(report.applied).toEqual(migrationNamesOf('execution'));
    } finally {
      await holder.end();
    }
  });

  it('gives up with a clear error when the lock is held longer than lockTimeoutMs', async () => {
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1::int, hashtext($2))', [MIGRATION_ADVISORY_LOCK_CLASS, 'execution']);
      await expect(
        migrateSchema({ url: database.url, schema: 'execution', migrationsDir: migrationsOf('execution'), lockTimeoutMs: 100 }),
      ).rejects.toThrow(/migrating schema "execution" .* failed: canceling statement due to lock timeout/);
    } finally {
      await holder.end();
    }
  });

  it('rolls back the whole run when one migration fails, naming the migration', async () => {
    // given compiled (.js) migrations where the second fails
    writeFileSync(
      path.join(scratch, '2026-01-01T0000_create_a.js'),
      `exports.up = async (db) => { await db.schema.createTable('a').addColumn('id', 'integer').execute(); };`,
    );
    writeFileSync(path.join(scratch, '2026-01-01T0000_create_a.js.map'), '{}');
    writeFileSync(path.join(scratch, '2026-01-01T0000_create_a.d.ts'), 'export {};');
    writeFileSync(
      path.join(scratch, '2026-01-02T0000_broken.js'),
      `exports.up = async (db) => { await db.schema.createTable('a').addColumn('id', 'integer').execute(); };`,
    );

    // when
    const failure = await migrateSchema({ url: database.url, schema: 'scratch', migrationsDir: scratch }).catch((e: unknown) => e);

    // then
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect((failure as MigrationFailedError).migrationName).toBe('2026-01-02T0000_broken');
    expect((failure as Error).message).toMatch(/relation "a" already exists/);
    await withClient(database.url, async (client) => {
      const table = await client.query(`select 1 from information_schema.tables where table_schema = 'scratch' and table_name = 'a'`);
      expect(table.rowCount).toBe(0);
    });
  });

  it('creates the database itself when a service starts against a missing one', async () => {
    // given a database name nobody created
    const url = new URL(database.url);
    url.pathname = `${url.pathname}_new`;
    const missing = { url: url.toString() };
    try {
      // when
      const report = await migrateService({ url: missing.url, schema: 'sync', migrationsDir: migrationsOf('sync') });

      // then
      expect(report.applied).toEqual(migrationNamesOf('sync'));
    } finally {
      await withClient(SERVER_URL.replace(/\/[^/]*$/, '/postgres'), (c) =>
        c.query(`drop database if exists "${url.pathname.slice(1)}" with (force)`),
      );
    }
  });
});

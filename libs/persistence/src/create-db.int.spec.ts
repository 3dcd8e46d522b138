import { testInfra, uniqueName } from '@tradebridge/devstack';
import { sql, type Generated, type Kysely } from 'kysely';
import { Client } from 'pg';
import { createDb } from './create-db';
import { ensureDatabase } from './ensure-database';
import { checkDatabase } from './health';
import { withTransaction } from './transaction';

const SERVER_URL = testInfra().databaseUrl;

interface NotesTable {
  id: Generated<number>;
  body: string;
}
interface DB {
  notes: NotesTable;
}

describe('createDb', () => {
  // ensureDatabase itself is under test here, so this suite names and creates its own database.
  const name = uniqueName('tb_persistence_db').replace(/-/g, '_');
  const url = SERVER_URL.replace(/\/[^/]*$/, `/${name}`);
  let db: Kysely<DB>;

  beforeAll(async () => {
    expect(await ensureDatabase(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
    const setup = new Client({ connectionString: url });
    await setup.connect();
    await setup.query('create schema svc; create table svc.notes (id serial primary key, body text not null)');
    await setup.query('create table public.notes (id serial primary key, body text not null)');
    await setup.end();
    db = createDb<DB>({ url, schema: 'svc', poolSize: 2, applicationName: 'persistence-spec' });
  });
  afterAll(async () => {
    await db?.destroy();
    const admin = new Client({ connectionString: SERVER_URL.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('survives the server terminating its idle connections, and reconnects on the next query', async () => {
    // given pooled connections sitting idle
    await sql`select 1`.execute(db);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      // when the server terminates them (as a restart or pg_terminate_backend does)
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'persistence-spec' and datname = current_database()`,
      );
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // then the process is still here (an unhandled pool 'error' would have failed this suite) and the pool recovers
    let answer: { ok: number } | undefined;
    for (let attempt = 0; attempt < 20 && !answer; attempt++) {
      answer = await sql<{ ok: number }>`select 1 as ok`
        .execute(db)
        .then((r) => r.rows[0])
        .catch(() => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100)));
    }
    expect(answer).toEqual({ ok: 1 });
  });

  it('survives the server terminating a connection that is checked out between statements (inside a transaction)', async () => {
    const held = createDb<DB>({ url, schema: 'svc', poolSize: 1, applicationName: 'persistence-spec-held' });
    try {
      const outcome = await held
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          // when the server terminates the connection while the transaction holds it between two statements
          const admin = new Client({ connectionString: url });
          await admin.connect();
          await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'persistence-spec-held'`);
          await admin.end();
          await new Promise((resolve) => setTimeout(resolve, 200)); // the termination notice arrives as a Client 'error'
          await sql`select 1`.execute(trx);
          return 'committed';
        })
        .catch((error: Error) => `failed: ${error.message}`);
      // then only the transaction fails (before the fix the unhandled Client 'error' crashed the process)
      expect(outcome).toMatch(/^failed: /);
      const after = await sql<{ ok: number }>`select 1 as ok`.execute(held);
      expect(after.rows[0]).toEqual({ ok: 1 });
    } finally {
      await held.destroy();
    }
  });

  it('sends query-builder and raw queries to the service schema and names the application', async () => {
    await db.insertInto('notes').values({ body: 'from the builder' }).execute();
    await sql`insert into notes (body) values ('from raw sql')`.execute(db);

    const inSchema = await sql<{ body: string }>`select body from svc.notes order by id`.execute(db);
    expect(inSchema.rows.map((r) => r.body)).toEqual(['from the builder', 'from raw sql']);
    const inPublic = await sql<{ n: string }>`select count(*) as n from public.notes`.execute(db);
    expect(inPublic.rows[0]?.n).toBe('0');
    const app = await sql<{ name: string }>`select current_setting('application_name') as name`.execute(db);
    expect(app.rows[0]?.name).toBe('persistence-spec');
    await expect(checkDatabase(db)).resolves.toBeUndefined();
  });

  it('sets synchronous_commit per pool when asked, and leaves the server default otherwise', async () => {
    const lazy = createDb<DB>({ url, schema: 'svc', poolSize: 1, synchronousCommit: 'off' });
    try {
      const setting = await sql<{ v: string; path: string }>`select current_setting('synchronous_commit') as v, current_setting('search_path') as path`.execute(lazy);
      expect(setting.rows[0]).toEqual({ v: 'off', path: 'svc,public' });
      const normal = await sql<{ v: string }>`select current_setting('synchronous_commit') as v`.execute(db);
      expect(normal.rows[0]?.v).toBe('on');
    } finally {
      await lazy.destroy();
    }
  });

  it('withTransaction joins an enclosing transaction and rolls back as one', async () => {
    const before = await db.selectFrom('notes').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

    await expect(
      withTransaction(db, async (outer) => {
        await outer.insertInto('notes').values({ body: 'outer' }).execute();
        await withTransaction(outer, async (inner) => {
          expect(inner).toBe(outer);
          await inner.insertInto('notes').values({ body: 'inner' }).execute();
        });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');

    const after = await db.selectFrom('notes').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

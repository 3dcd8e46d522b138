import { sql, type Kysely } from 'kysely';

/** Runs `select 1`, the readiness probe for a service's database; rejects when the database is unreachable. */
export async function checkDatabase(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}

import type { Kysely, Transaction } from 'kysely';
import type { NewSignalSource, SignalDb, SignalSourceRow } from './signal.table';

type Db = Kysely<SignalDb> | Transaction<SignalDb>;

export async function insertSource(db: Db, row: NewSignalSource): Promise<void> {
  await db.insertInto('signal_sources').values(row).execute();
}

export function findSourceByKeyId(db: Db, apiKeyId: string): Promise<SignalSourceRow | undefined> {
  return db.selectFrom('signal_sources').selectAll().where('api_key_id', '=', apiKeyId).executeTakeFirst();
}

export function findSourceById(db: Db, sourceId: string): Promise<SignalSourceRow | undefined> {
  return db.selectFrom('signal_sources').selectAll().where('source_id', '=', sourceId).executeTakeFirst();
}

export function listSources(db: Db): Promise<SignalSourceRow[]> {
  return db.selectFrom('signal_sources').selectAll().orderBy('name').execute();
}

export async function setSourceEnabled(db: Db, sourceId: string, enabled: boolean): Promise<boolean> {
  const r = await db
    .updateTable('signal_sources')
    .set({ enabled, updated_at: new Date().toISOString() })
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

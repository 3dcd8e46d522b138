import type { Kysely } from 'kysely';
import { getSignal, type StoredSignal } from '../../adapters/postgres/signals.repository';
import type { SignalDb } from '../../adapters/postgres/signal.table';
import { isUuid } from '../../domain';

/** Reads a stored signal; a source sees only its own signals (others look like unknown ids). */
export async function findSignal(db: Kysely<SignalDb>, signalId: string, sourceId: string): Promise<StoredSignal | undefined> {
  if (!isUuid(signalId)) return undefined;
  const found = await getSignal(db, signalId.toLowerCase());
  return found !== undefined && found.sourceId === sourceId ? found : undefined;
}

import type { IsolationLevel, Kysely, Transaction } from 'kysely';

/** Options for {@link withTransaction}. */
export interface TransactionOptions {
  readonly isolationLevel?: IsolationLevel;
}

/**
 * Runs `work` in a transaction, or inside the caller's transaction when `db` already is one, so a use case
 * can compose repository functions without knowing whether its caller opened a transaction.
 */
export async function withTransaction<DB, T>(
  db: Kysely<DB> | Transaction<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<DB>);
  let builder = db.transaction();
  if (options.isolationLevel) builder = builder.setIsolationLevel(options.isolationLevel);
  return builder.execute(work);
}

import type { Kysely } from 'kysely';
import { readChainPage } from '../../adapters/postgres/chain.repository';
import type { AuditDb } from '../../adapters/postgres/audit.table';
import { CHAIN_START, checkRows, type ChainBreak } from '../../domain/chain-check';

/** Outcome of a chain verification. */
export type ChainVerification =
  | { readonly ok: true; readonly rowsChecked: number; readonly lastSeq: string }
  | { readonly ok: false; readonly rowsChecked: number; readonly firstBroken: ChainBreak };

/**
 * Walks audit.events in seq order, page by page, recomputing every row's hash from its stored content, and stops at
 * the first row that breaks the chain.
 */
export async function verifyChain(db: Kysely<AuditDb>, options: { pageSize?: number } = {}): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 5_000;
  let cursor = CHAIN_START;
  let checked = 0;
  for (;;) {
    const rows = await readChainPage(db, cursor.seq, pageSize);
    if (rows.length === 0) return { ok: true, rowsChecked: checked, lastSeq: cursor.seq.toString() };
    const result = checkRows(cursor, rows);
    if ('break' in result) {
      const before = rows.findIndex((r) => r.seq === result.break.seq);
      return { ok: false, rowsChecked: checked + before, firstBroken: result.break };
    }
    checked += rows.length;
    cursor = result.cursor;
  }
}

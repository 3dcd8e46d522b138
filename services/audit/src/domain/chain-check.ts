import { chainHash, GENESIS_HASH } from './canonical';
import { canonicalRowContent, type AuditRecord } from './audit-record';

/** A stored row as the verifier reads it back. */
export interface StoredRow extends AuditRecord {
  readonly seq: string;
  readonly prevHash: Buffer;
  readonly rowHash: Buffer;
}

/** Why a row breaks the chain. */
export type BreakReason = 'seq_gap' | 'prev_hash_mismatch' | 'row_hash_mismatch';

/** The first row that breaks the chain. */
export interface ChainBreak {
  readonly seq: string;
  readonly eventId: string | null;
  readonly topic: string;
  readonly partition: number;
  readonly kafkaOffset: string;
  readonly reason: BreakReason;
  readonly detail: string;
}

/** Where a verification pass stands between pages: the last good row. */
export interface ChainCursor {
  readonly seq: bigint;
  readonly hash: Buffer;
}

export const CHAIN_START: ChainCursor = { seq: 0n, hash: GENESIS_HASH };

/**
 * Checks consecutive stored rows against the chain: seq follows without gaps, prev_hash is the previous row's hash,
 * and row_hash is the hash of the previous hash and the row's own content. Returns the first break, or the cursor to
 * continue from.
 */
export function checkRows(from: ChainCursor, rows: readonly StoredRow[]): { break: ChainBreak } | { cursor: ChainCursor } {
  let cursor = from;
  for (const row of rows) {
    const seq = BigInt(row.seq);
    const at = (reason: BreakReason, detail: string): { break: ChainBreak } => ({
      break: { seq: row.seq, eventId: row.eventId, topic: row.topic, partition: row.partition, kafkaOffset: row.kafkaOffset, reason, detail },
    });
    if (seq !== cursor.seq + 1n) return at('seq_gap', `expected seq ${cursor.seq + 1n}, found ${seq}: rows are missing before it`);
    if (!row.prevHash.equals(cursor.hash)) return at('prev_hash_mismatch', 'prev_hash is not the row_hash of the row before');
    const expected = chainHash(row.prevHash, canonicalRowContent(row.seq, row));
    if (!expected.equals(row.rowHash)) return at('row_hash_mismatch', 'the row content does not match its row_hash: the row was changed after it was written');
    cursor = { seq, hash: row.rowHash };
  }
  return { cursor };
}

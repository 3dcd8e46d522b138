import type { Deal } from './terminal-state';

/**
 * Where the history of an account was read up to: the newest deal time seen and the ids of the deals inside the
 * overlap window before it. History is re-read from `sinceMs - overlapMs`, so a deal the broker books with a
 * slightly older time (or in the same millisecond as the last one) is still found, and the ids keep it from being
 * reported twice.
 */
export interface DealCursor {
  /** Epoch ms of the newest deal seen, or the start of the history window when none was seen yet. */
  readonly sinceMs: number;
  /** Ids of deals with time >= sinceMs - overlapMs. */
  readonly seenIds: readonly string[];
}

/** A cursor for an account never synced: history before `nowMs - lookbackMs` is not read. */
export function initialCursor(nowMs: number, lookbackMs: number): DealCursor {
  return { sinceMs: nowMs - lookbackMs, seenIds: [] };
}

/** Start of the next history query. */
export function queryFrom(cursor: DealCursor, overlapMs: number): number {
  return cursor.sinceMs - overlapMs;
}

/** Splits a history answer into deals not seen before (oldest first) and the advanced cursor. */
export function advanceCursor(cursor: DealCursor, deals: readonly Deal[], overlapMs: number): { newDeals: Deal[]; cursor: DealCursor } {
  const seen = new Set(cursor.seenIds);
  const newDeals = deals.filter((d) => !seen.has(d.id)).sort((a, b) => a.time.getTime() - b.time.getTime() || compareIds(a.id, b.id));
  const sinceMs = Math.max(cursor.sinceMs, ...deals.map((d) => d.time.getTime()));
  const keepFrom = sinceMs - overlapMs;
  const ids = new Set<string>();
  for (const d of deals) if (d.time.getTime() >= keepFrom) ids.add(d.id);
  for (const id of cursor.seenIds) if (sinceMs === cursor.sinceMs) ids.add(id);
  return { newDeals, cursor: { sinceMs, seenIds: [...ids] } };
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

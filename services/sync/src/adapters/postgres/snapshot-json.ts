import type { Order, Position } from '@tradebridge/bridge';
import type { DealCursor } from '../../domain/deal-cursor';
import type { TerminalState } from '../../domain/terminal-state';

/** A snapshot as stored in account_sync_state.last_snapshot (dates as ISO strings). */
export function snapshotToJson(s: TerminalState): string {
  return JSON.stringify(s);
}

/** Reads a stored snapshot back, dates revived; undefined when absent or unreadable (the next sync is a baseline). */
export function snapshotFromJson(value: unknown): TerminalState | undefined {
  if (value === null || value === undefined) return undefined;
  const raw = (typeof value === 'string' ? JSON.parse(value) : value) as { account?: unknown; positions?: unknown[]; orders?: unknown[] };
  if (!raw || typeof raw !== 'object' || !raw.account || !Array.isArray(raw.positions) || !Array.isArray(raw.orders)) return undefined;
  const positions = raw.positions.map((p) => {
    const x = p as Position & { openedAt: string; updatedAt?: string };
    return { ...x, openedAt: new Date(x.openedAt), ...(x.updatedAt ? { updatedAt: new Date(x.updatedAt) } : {}) } as Position;
  });
  const orders = raw.orders.map((o) => {
    const x = o as Order & { placedAt: string; doneAt?: string };
    const expiration = x.expiration && 'time' in x.expiration ? { ...x.expiration, time: new Date(x.expiration.time as unknown as string) } : x.expiration;
    return { ...x, placedAt: new Date(x.placedAt), ...(x.doneAt ? { doneAt: new Date(x.doneAt) } : {}), ...(expiration ? { expiration } : {}) } as Order;
  });
  return { account: raw.account as TerminalState['account'], positions, orders };
}

export function cursorFromJson(value: unknown): DealCursor | undefined {
  if (value === null || value === undefined) return undefined;
  const raw = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<DealCursor>;
  if (typeof raw.sinceMs !== 'number' || !Array.isArray(raw.seenIds)) return undefined;
  return { sinceMs: raw.sinceMs, seenIds: raw.seenIds.map(String) };
}

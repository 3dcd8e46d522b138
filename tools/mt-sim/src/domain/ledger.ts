import type { ActionType } from './types';

/** What happened to one trade request. */
export type LedgerOutcome = 'executed' | 'rejected' | 'not-executed' | 'invalid';

/** One trade request as the simulator received it and what it did with it. */
export interface LedgerEntry {
  seq: number;
  accountId: string;
  /** `api`: a MetaApi `POST /trade`; `terminal`: a manual trade through the admin API (a person at the terminal). */
  source: 'api' | 'terminal';
  /** Market-clock time of receipt (ISO). */
  time: string;
  /** Wall-clock time of receipt (ISO). */
  wallTime: string;
  actionType?: ActionType | string;
  clientId?: string;
  comment?: string;
  request: unknown;
  outcome: LedgerOutcome;
  /** True exactly when the account changed (a deal, an order placed/modified/cancelled, SL/TP changed). */
  executed: boolean;
  numericCode?: number;
  stringCode?: string;
  orderId?: string;
  positionId?: string;
  dealIds: string[];
  fault?: string;
  /** False when a fault destroyed the connection instead of answering. */
  responseDelivered: boolean;
}

/** Filter of ledger queries; every given field must match. */
export interface LedgerFilter {
  accountId?: string;
  clientId?: string;
  actionType?: string;
  executed?: boolean;
}

/** The exact record of every trade request received, in arrival order; tests count duplicates with it. */
export class Ledger {
  private entries: LedgerEntry[] = [];
  // Indexes so that counting one clientId stays cheap however long the ledger grows.
  private byAccount = new Map<string, LedgerEntry[]>();
  private byClientId = new Map<string, LedgerEntry[]>();
  private seq = 0;

  add(entry: Omit<LedgerEntry, 'seq'>): LedgerEntry {
    const full: LedgerEntry = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    this.index(full);
    return full;
  }

  private index(e: LedgerEntry): void {
    push(this.byAccount, e.accountId, e);
    if (e.clientId !== undefined) push(this.byClientId, e.clientId, e);
  }

  /** The smallest list that can hold every match of the filter. */
  private candidates(filter: LedgerFilter): LedgerEntry[] {
    if (filter.clientId !== undefined) return this.byClientId.get(filter.clientId) ?? [];
    if (filter.accountId !== undefined) return this.byAccount.get(filter.accountId) ?? [];
    return this.entries;
  }

  private static matches(e: LedgerEntry, filter: LedgerFilter): boolean {
    return (
      (filter.accountId === undefined || e.accountId === filter.accountId) &&
      (filter.clientId === undefined || e.clientId === filter.clientId) &&
      (filter.actionType === undefined || e.actionType === filter.actionType) &&
      (filter.executed === undefined || e.executed === filter.executed)
    );
  }

  query(filter: LedgerFilter, offset = 0, limit = Infinity): { entries: LedgerEntry[]; count: number } {
    const matched = this.candidates(filter).filter((e) => Ledger.matches(e, filter));
    return { entries: matched.slice(offset, offset + limit), count: matched.length };
  }

  count(filter: LedgerFilter): { received: number; executed: number } {
    let received = 0;
    let executed = 0;
    const { executed: _ignored, ...rest } = filter;
    for (const e of this.candidates(rest)) {
      if (!Ledger.matches(e, rest)) continue;
      received++;
      if (e.executed) executed++;
    }
    return { received, executed };
  }

  clear(accountId?: string): void {
    this.entries = accountId === undefined ? [] : this.entries.filter((e) => e.accountId !== accountId);
    this.byAccount = new Map();
    this.byClientId = new Map();
    for (const e of this.entries) this.index(e);
  }

  get size(): number {
    return this.entries.length;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

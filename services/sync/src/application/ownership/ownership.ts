import type { AccountConfigured } from '@tradebridge/contracts';
import { syncSettingsOf, type SyncAccountSettings } from '../../adapters/metatrader/account-settings';

/** What ownership drives: the sync engine (or a stub in tests). */
export interface OwnedAccountsSink {
  /** Starts the account, resumes it when paused; the same settings again change nothing, new ones reconnect. */
  add(settings: SyncAccountSettings): void;
  remove(accountId: string): void;
  pauseAll(): void;
}

/**
 * Which accounts this replica syncs: those whose account.config partition the consumer group assigned to it.
 * Kafka's group protocol decides; this class follows it. A rebalance begins with every member giving up its
 * partitions before any is handed out again (kafkajs uses the eager protocol), so `revokeAll` pauses every account
 * before the new owner can start it: no account is polled by two replicas. On the new assignment the accounts of
 * partitions we keep resume at once; the accounts of new partitions start as their configuration is read again from
 * the beginning of the compacted topic (this group never commits offsets, so every assignment replays its partitions).
 */
export class AccountOwnership {
  private assigned = new Set<number>();
  private joined = false;
  /** Configuration per partition and account, from the compacted topic. */
  private readonly configs = new Map<number, Map<string, SyncAccountSettings>>();
  private generation = 0;

  constructor(private readonly sink: OwnedAccountsSink) {}

  /** A rebalance started: stop polling everything until the new assignment is known. */
  revokeAll(): void {
    this.joined = false;
    this.sink.pauseAll();
  }

  /** The group handed this member its partitions of account.config. */
  assign(partitions: readonly number[]): void {
    this.generation++;
    const next = new Set(partitions);
    for (const [partition, accounts] of this.configs) {
      if (next.has(partition)) continue;
      for (const id of accounts.keys()) this.sink.remove(id);
      this.configs.delete(partition);
    }
    this.assigned = next;
    this.joined = true;
    // Accounts of kept partitions go on at once (including any whose configuration arrived during the rebalance).
    for (const p of next) for (const settings of this.configs.get(p)?.values() ?? []) this.sink.add(settings);
  }

  /** A record of account.config (null value: tombstone) from a partition we were assigned. */
  apply(partition: number, accountId: string | null, value: AccountConfigured | null): void {
    if (!accountId) return;
    if (!this.assigned.has(partition)) return; // a late record of a partition we no longer own
    const settings = syncSettingsOf(accountId, value);
    let accounts = this.configs.get(partition);
    if (!accounts) {
      accounts = new Map();
      this.configs.set(partition, accounts);
    }
    if (!settings) {
      if (accounts.delete(accountId)) this.sink.remove(accountId);
      return;
    }
    accounts.set(accountId, settings);
    // Idempotent: the same configuration again (a replay) changes nothing; a new bridge configuration reconnects.
    if (this.joined) this.sink.add(settings);
  }

  /** Partitions of account.config this replica owns now. */
  partitions(): number[] {
    return [...this.assigned].sort((a, b) => a - b);
  }

  /** Accounts this replica is responsible for (enabled, in owned partitions). */
  accountIds(): string[] {
    const out: string[] = [];
    for (const accounts of this.configs.values()) out.push(...accounts.keys());
    return out;
  }

  get currentGeneration(): number {
    return this.generation;
  }
}

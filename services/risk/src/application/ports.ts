/**
 * What the use cases need from the outside world besides the database: a clock, the deterministic intent id, and
 * a publisher for the service's events. Adapters implement them (Kafka in production, stubs in tests).
 */
import type { TradingStateChange } from '../domain';
import type { DecisionRow } from '../adapters/postgres/risk.table';
import type { AccountRecord, SubscriptionRecord } from './model';

/** Publishes the risk service's events; resolves once the broker acknowledged them. */
export interface RiskEventPublisher {
  /** One `risk.approved` or `risk.rejected` per ledger row. */
  publishDecisions(rows: readonly DecisionRow[]): Promise<void>;
  /** `risk.trading_state.changed`. */
  publishTradingStateChanges(changes: readonly TradingStateChange[]): Promise<void>;
  /** `account.config` (compacted, key account id): the full account with its subscriptions; never credentials. */
  publishAccountConfig(account: AccountRecord, subscriptions: readonly SubscriptionRecord[]): Promise<void>;
}

/** Settings the decision use case needs. */
export interface DecisionSettings {
  /** Deterministic order-intent id (the contracts' intentId). */
  readonly intentIdOf: (signalId: string, accountId: string) => string;
  /** Maximum gross lots per canonical symbol across the fleet. */
  readonly fleetCaps: ReadonlyMap<string, number>;
  /** Reservations older than this lapse (ms). */
  readonly reservationTtlMs: number;
  readonly defaultSignalTtlMs: number;
  readonly defaultMaxSyncAgeMs: number;
}

/** A hand-written publisher stub that remembers what it was asked to publish. */
import type { DecisionRow } from '../src/adapters/postgres/risk.table';
import type { AccountRecord, SubscriptionRecord } from '../src/application/model';
import type { RiskEventPublisher } from '../src/application/ports';
import type { TradingStateChange } from '../src/domain';

export class RecordingPublisher implements RiskEventPublisher {
  readonly decisions: DecisionRow[] = [];
  readonly stateChanges: TradingStateChange[] = [];
  readonly configs: { account: AccountRecord; subscriptions: readonly SubscriptionRecord[] }[] = [];
  failNext = false;

  async publishDecisions(rows: readonly DecisionRow[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker unavailable (stub)');
    }
    this.decisions.push(...rows);
  }

  async publishTradingStateChanges(changes: readonly TradingStateChange[]): Promise<void> {
    this.stateChanges.push(...changes);
  }

  async publishAccountConfig(account: AccountRecord, subscriptions: readonly SubscriptionRecord[]): Promise<void> {
    this.configs.push({ account, subscriptions });
  }
}

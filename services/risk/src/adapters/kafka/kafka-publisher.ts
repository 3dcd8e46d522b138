/**
 * The risk service's events on Kafka: `risk.approved` and `risk.rejected` (key account id), `account.config`
 * (compacted, key account id) and `risk.trading_state.changed`. Each publish resolves when the broker acknowledged
 * it on all in-sync replicas (idempotent producer, acks=all).
 */
import type { Kysely } from 'kysely';
import type { EventProducer } from '@tradebridge/messaging';
import type { Clock } from '@tradebridge/persistence';
import type { DecisionRow, RiskDB } from '../postgres/risk.table';
import { accountFromRow } from '../postgres/accounts.repository';
import { loadSymbolSpecs } from '../postgres/state.repository';
import type { AccountRecord, SubscriptionRecord } from '../../application/model';
import type { RiskEventPublisher } from '../../application/ports';
import type { TradingStateChange } from '../../domain';
import { accountConfigEvent, approvedEvent, rejectedEvent, stateChangedEvent, type ApprovalContext } from './mappers';

export class KafkaRiskPublisher implements RiskEventPublisher {
  constructor(
    private readonly producer: Pick<EventProducer, 'publish'>,
    private readonly db: Kysely<RiskDB>,
    private readonly topicPrefix: string,
    private readonly clock: Clock,
  ) {}

  private topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  async publishDecisions(rows: readonly DecisionRow[]): Promise<void> {
    if (rows.length === 0) return;
    const approved = rows.filter((r) => r.outcome === 'APPROVED');
    const contexts = await this.approvalContexts(approved);
    await Promise.all(
      rows.map((row) =>
        row.outcome === 'APPROVED'
          ? this.producer.publish(this.topic('risk.approved'), row.account_id, approvedEvent(row, contexts.get(row.intent_id)!))
          : this.producer.publish(this.topic('risk.rejected'), row.account_id, rejectedEvent(row)),
      ),
    );
  }

  async publishTradingStateChanges(changes: readonly TradingStateChange[]): Promise<void> {
    await Promise.all(
      changes.map((c) =>
        this.producer.publish(
          this.topic('risk.trading_state.changed'),
          c.scope === 'FLEET' ? 'fleet' : `${c.scope.toLowerCase()}:${c.scopeId}`,
          stateChangedEvent(c),
        ),
      ),
    );
  }

  async publishAccountConfig(account: AccountRecord, subscriptions: readonly SubscriptionRecord[]): Promise<void> {
    await this.producer.publish(this.topic('account.config'), account.accountId, accountConfigEvent(account, subscriptions, this.clock.now()));
  }

  /** Per approved row: platform, magic number, config version, currency and the symbol's volume limits. */
  private async approvalContexts(rows: readonly DecisionRow[]): Promise<Map<string, ApprovalContext>> {
    const out = new Map<string, ApprovalContext>();
    if (rows.length === 0) return out;
    const accountIds = [...new Set(rows.map((r) => r.account_id))];
    const [accountRows, specs] = await Promise.all([
      this.db.selectFrom('accounts').selectAll().where('account_id', 'in', accountIds).execute(),
      loadSymbolSpecs(this.db, accountIds),
    ]);
    const accounts = new Map(accountRows.map((r) => [r.account_id, accountFromRow(r)]));
    for (const row of rows) {
      const account = accounts.get(row.account_id);
      const spec = row.broker_symbol ? specs.get(row.account_id)?.get(row.broker_symbol) : undefined;
      const version = (row.account_view as { configVersion?: number } | null)?.configVersion;
      out.set(row.intent_id, {
        platform: account?.platform ?? 'MT5',
        magicNumber: account?.magicNumber ?? 0,
        configVersion: version ?? account?.configVersion ?? 0,
        accountCurrency: account?.currency ?? '',
        volume: { min: spec?.volumeMin ?? 0, max: spec?.volumeMax ?? 0, step: spec?.volumeStep ?? 0 },
        tickSize: spec?.tickSize ?? 0,
      });
    }
    return out;
  }
}

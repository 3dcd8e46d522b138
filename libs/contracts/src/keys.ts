import type { EventMap, TradingScope } from './generated';
import type { TopicName } from './topics';

/** Key of a trading-state scope on risk.trading_state.changed: "fleet", "account:<id>" or "source:<id>". */
export function tradingStateKey(scope: TradingScope, scopeId: string): string {
  switch (scope) {
    case 'TRADING_SCOPE_FLEET':
      return 'fleet';
    case 'TRADING_SCOPE_ACCOUNT':
      return `account:${requireKeyPart('scopeId', scopeId)}`;
    case 'TRADING_SCOPE_SOURCE':
      return `source:${requireKeyPart('scopeId', scopeId)}`;
    case 'TRADING_SCOPE_UNSPECIFIED':
      throw new Error('scope: TRADING_SCOPE_UNSPECIFIED has no key');
    default: {
      const _exhaustive: never = scope;
      throw new Error(`scope: unknown trading scope ${String(_exhaustive)}`);
    }
  }
}

function requireKeyPart(field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${field}: the message key needs it, got nothing`);
  return value;
}

/**
 * The Kafka key of an event, as the topic registry defines it (the source for signals, the account for everything
 * account-scoped), so no producer picks a different key and breaks per-key ordering or compaction.
 */
export function messageKey<T extends TopicName>(topic: T, value: EventMap[T]): string {
  const t = topic as TopicName;
  switch (t) {
    case 'signal.generated':
      return requireKeyPart('sourceId', (value as EventMap['signal.generated']).sourceId);
    case 'risk.trading_state.changed': {
      const v = value as EventMap['risk.trading_state.changed'];
      return tradingStateKey(v.scope, v.scopeId);
    }
    case 'account.alert.raised': {
      const v = value as EventMap['account.alert.raised'];
      return v.accountId ? v.accountId : 'fleet';
    }
    case 'account.config':
    case 'risk.approved':
    case 'risk.rejected':
    case 'execution.order.placed':
    case 'execution.order.rejected':
    case 'execution.position.changed':
    case 'execution.attempt.recorded':
    case 'account.synced':
    case 'account.connection.changed':
    case 'account.discrepancy.detected':
      return requireKeyPart('accountId', (value as { accountId: string }).accountId);
    default: {
      const _exhaustive: never = t;
      throw new Error(`unknown topic ${String(_exhaustive)}`);
    }
  }
}

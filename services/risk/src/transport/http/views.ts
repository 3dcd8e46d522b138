/**
 * Response bodies. Accounts are shown without their secret reference: the API says only whether credentials are
 * configured.
 */
import type { DecisionRow } from '../../adapters/postgres/risk.table';
import type { AccountRecord, SubscriptionRecord } from '../../application/model';
import type { AccountDecision, DecisionBatch, TradingState } from '../../domain';

export function accountView(a: AccountRecord) {
  const { credentialsSecretRef, ...bridge } = a.bridge;
  return {
    accountId: a.accountId,
    tenantId: a.tenantId,
    ownerUserId: a.ownerUserId,
    displayName: a.displayName,
    platform: a.platform,
    currency: a.currency,
    brokerLogin: a.brokerLogin,
    brokerServer: a.brokerServer,
    bridge: { ...bridge, credentialsConfigured: credentialsSecretRef !== '' },
    enabled: a.enabled,
    autoTrading: a.autoTrading,
    sizing: a.sizing,
    limits: a.limits,
    mapping: a.mapping,
    filters: a.filters,
    magicNumber: a.magicNumber,
    configVersion: a.configVersion,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function subscriptionView(s: SubscriptionRecord) {
  return {
    subscriptionId: s.subscriptionId,
    accountId: s.accountId,
    sourceId: s.sourceId,
    enabled: s.enabled,
    sizing: s.sizing ?? null,
    reverse: s.reverse,
    filters: s.filters ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function tradingStateView(s: TradingState | undefined, scope: string, scopeId: string) {
  return s
    ? { scope, scopeId, state: s.state, reason: s.reason, setBy: s.setBy, setAt: s.setAt.toISOString(), expiresAt: s.expiresAt?.toISOString() ?? null }
    : { scope, scopeId, state: 'ACTIVE', reason: null, setBy: null, setAt: null, expiresAt: null };
}

/** Per account: the verdict, the size after rounding, margin, real vs intended risk and every check that would block. */
function previewEntry(d: AccountDecision) {
  switch (d.outcome) {
    case 'APPROVED': {
      const i = d.intent;
      return {
        accountId: d.accountId,
        intentId: d.intentId,
        outcome: d.outcome,
        kind: i.kind,
        brokerSymbol: i.brokerSymbol,
        ...(i.kind === 'OPEN'
          ? {
              direction: i.direction,
              volume: i.volume,
              sizing: i.sizing,
              margin: i.margin ?? null,
              intendedRiskPercent: i.sizing.intendedRiskPercent ?? null,
              realRiskPercent: i.sizing.realRiskPercent ?? null,
            }
          : { intent: i }),
        blockedBy: [],
      };
    }
    case 'REJECTED':
      return {
        accountId: d.accountId,
        intentId: d.intentId,
        outcome: d.outcome,
        reason: d.reason,
        detail: d.detail,
        brokerSymbol: d.brokerSymbol ?? null,
        volume: d.sizing?.volume ?? null,
        sizing: d.sizing ?? null,
        margin: d.margin ?? null,
        intendedRiskPercent: d.sizing?.intendedRiskPercent ?? null,
        realRiskPercent: d.sizing?.realRiskPercent ?? null,
        blockedBy: d.failures,
      };
    case 'DUPLICATE':
      return { accountId: d.accountId, intentId: d.intentId, outcome: d.outcome, blockedBy: [] };
    default: {
      const _exhaustive: never = d;
      throw new Error(`unknown outcome ${String(_exhaustive)}`);
    }
  }
}

export function previewView(batch: DecisionBatch) {
  return {
    signalId: batch.signalId,
    decidedAt: batch.decidedAt.toISOString(),
    accounts: batch.decisions.map(previewEntry),
    wouldChangeStates: batch.stateChanges,
  };
}

export function decisionView(r: DecisionRow) {
  return {
    decisionId: r.decision_id,
    intentId: r.intent_id,
    signalId: r.signal_id,
    accountId: r.account_id,
    sourceId: r.source_id,
    action: r.action,
    outcome: r.outcome,
    reason: r.reason,
    detail: r.detail,
    failures: r.failures,
    signalSymbol: r.signal_symbol,
    brokerSymbol: r.broker_symbol,
    volume: r.volume === null ? null : Number(r.volume),
    sizing: r.sizing,
    margin: r.margin,
    accountView: r.account_view,
    intent: r.intent,
    signalAcceptedAt: r.signal_accepted_at.toISOString(),
    decidedAt: r.decided_at.toISOString(),
    publishedAt: r.published_at?.toISOString() ?? null,
  };
}

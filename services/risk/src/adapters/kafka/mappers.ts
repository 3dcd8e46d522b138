/**
 * Translation between the contracts (protobuf events of libs/contracts) and the risk domain. The only place that
 * knows both shapes.
 */
import {
  BelowMinimumPolicy,
  BridgeKind,
  DirectionFilter,
  IntentKind,
  OrderType,
  Platform,
  RiskBase,
  RiskRejectionReason,
  Side,
  SignalAction,
  SizingMode,
  TradingScope,
  TradingState,
  TradingStateCause,
  envelope,
  eventId,
  fromMicros,
  toMicros,
  type AccountConfigured,
  type AccountSynced,
  type OrderIntentApproved,
  type OrderIntentRejected,
  type SignalGenerated,
  type TradingStateChanged,
} from '@tradebridge/contracts';
import type { DecisionRow } from '../postgres/risk.table';
import type { AccountRecord, SubscriptionRecord } from '../../application/model';
import type {
  AccountSnapshot,
  Direction,
  EntryKind,
  FxRates,
  OrderIntent,
  RejectionReason,
  Signal,
  SizingConfig,
  SizingExplanation,
  TradeFilters,
  TradingStateChange,
} from '../../domain';

/** Raised for a signal the risk service cannot act on at all (dead-lettered, never retried). */
export class UnusableSignalError extends Error {}

const direction = (side: string): Direction | undefined => (side === Side.BUY ? 'BUY' : side === Side.SELL ? 'SELL' : undefined);
const sideOf = (d: Direction | undefined): Side => (d === 'BUY' ? Side.BUY : d === 'SELL' ? Side.SELL : Side.UNSPECIFIED);

const ENTRY: Record<string, EntryKind> = {
  [OrderType.MARKET]: 'MARKET',
  [OrderType.LIMIT]: 'LIMIT',
  [OrderType.STOP]: 'STOP',
  [OrderType.STOP_LIMIT]: 'STOP_LIMIT',
};
const ORDER_TYPE: Record<EntryKind, OrderType> = { MARKET: OrderType.MARKET, LIMIT: OrderType.LIMIT, STOP: OrderType.STOP, STOP_LIMIT: OrderType.STOP_LIMIT };

/** A `signal.generated` event as a domain signal. */
export function signalFromEvent(e: SignalGenerated): Signal {
  const base = {
    signalId: e.signalId,
    sourceId: e.sourceId,
    tenantId: e.tenantId,
    // user_id is the owner of the source, and followers of a provider's source are other users' accounts: only the
    // tenant is enforced on this path. Restricting a personal source to its owner's accounts needs a contract flag.
    symbol: e.symbol,
    acceptedAt: fromMicros(e.acceptedAtUs),
    ...(e.deadlineAtUs ? { expiresAt: fromMicros(e.deadlineAtUs) } : {}),
  };
  switch (e.action) {
    case SignalAction.OPEN: {
      const d = direction(e.side);
      const entry = ENTRY[e.orderType];
      if (!d || !entry) throw new UnusableSignalError(`open signal ${e.signalId} has side ${e.side} and order type ${e.orderType}`);
      return {
        ...base,
        action: 'OPEN',
        direction: d,
        entry,
        ...(e.entryPrice !== undefined ? { entryPrice: e.entryPrice } : {}),
        ...(e.stopLimitPrice !== undefined ? { stopLimitPrice: e.stopLimitPrice } : {}),
        ...(e.stopLoss !== undefined && e.stopLoss > 0 ? { stopLoss: e.stopLoss } : {}),
        takeProfits: e.takeProfits.filter((tp) => tp > 0),
        ...(e.maxSlippagePoints !== undefined ? { maxSlippagePoints: e.maxSlippagePoints } : {}),
        ...(e.orderExpiresAtUs ? { orderExpiresAt: fromMicros(e.orderExpiresAtUs) } : {}),
        ...(e.volumeHint !== undefined ? { volumeHint: e.volumeHint } : {}),
        ...(e.providerBalance !== undefined ? { providerBalance: e.providerBalance } : {}),
        ...(e.providerCurrency ? { providerCurrency: e.providerCurrency } : {}),
        ...(e.comment ? { comment: e.comment } : {}),
      };
    }
    case SignalAction.MODIFY:
      return {
        ...base,
        action: 'MODIFY',
        referencedSignalId: e.referencedSignalId,
        ...(e.newStopLoss !== undefined ? { stopLoss: e.newStopLoss } : {}),
        ...(e.newTakeProfits[0] !== undefined ? { takeProfit: e.newTakeProfits[0] } : {}),
        moveToBreakEven: e.moveToBreakEven,
        ...(e.trailingDistance !== undefined ? { trailingDistance: e.trailingDistance } : {}),
      };
    case SignalAction.CLOSE:
      return { ...base, action: 'CLOSE', referencedSignalId: e.referencedSignalId, fraction: e.closeFraction ?? 1 };
    case SignalAction.CANCEL:
      return { ...base, action: 'CANCEL', referencedSignalId: e.referencedSignalId };
    default:
      throw new UnusableSignalError(`signal ${e.signalId} has no usable action (${e.action})`);
  }
}

const KIND: Record<OrderIntent['kind'], IntentKind> = {
  OPEN: IntentKind.OPEN,
  MODIFY: IntentKind.MODIFY,
  CLOSE: IntentKind.CLOSE,
  CANCEL: IntentKind.CANCEL,
};

const SIZING_MODE: Record<SizingConfig['mode'], SizingMode> = {
  FIXED_LOTS: SizingMode.FIXED_LOTS,
  RISK_PERCENT: SizingMode.RISK_PERCENT,
  BALANCE_RATIO: SizingMode.BALANCE_RATIO,
  VOLUME_MULTIPLIER: SizingMode.VOLUME_MULTIPLIER,
};

/** An intent as stored in the ledger (JSON: dates are ISO strings). */
type StoredIntent = OrderIntent & { deadline: string | Date; orderExpiresAt?: string | Date };

function explanation(s: SizingExplanation, accountCurrency: string, step: { min: number; max: number; step: number }, tickSize: number) {
  const num = (k: string): number => {
    const v = s.inputs[k];
    return typeof v === 'number' ? v : 0;
  };
  return {
    mode: SIZING_MODE[s.mode],
    riskBase: s.riskBasis === 'EQUITY' ? RiskBase.EQUITY : RiskBase.BALANCE,
    baseAmount: s.riskBasisAmount,
    accountCurrency,
    riskPercent: num('percent'),
    stopLossDistance: s.stopDistanceTicks !== undefined ? s.stopDistanceTicks * tickSize : 0,
    tickValue: s.tickValueInAccountCurrency ?? 0,
    tickSize,
    volumeHint: num('volumeHint'),
    providerBalance: num('providerBalance'),
    factor: num('multiplier'),
    rawVolume: s.rawVolume,
    roundedVolume: s.volume,
    volumeStep: step.step,
    volumeMin: step.min,
    volumeMax: step.max,
    intendedRisk: s.intendedRiskMoney ?? 0,
    realRisk: s.realRiskMoney ?? 0,
    forcedToMinimum: s.forcedMinimum,
    note: `${s.formula}${s.clampedTo ? `; clamped to ${s.clampedTo}` : ''}${s.realRiskPercent !== undefined ? `; real risk ${s.realRiskPercent}%` : ''}${s.intendedRiskPercent !== undefined ? ` vs intended ${s.intendedRiskPercent}%` : ''}`,
  };
}

/** Extra account facts the approval carries. */
export interface ApprovalContext {
  readonly platform: 'MT4' | 'MT5';
  readonly magicNumber: number;
  readonly configVersion: number;
  readonly accountCurrency: string;
  readonly volume: { min: number; max: number; step: number };
  readonly tickSize: number;
}

/** `risk.approved` for an approved ledger row. Event id derived from the intent id: a republish is the same event. */
export function approvedEvent(row: DecisionRow, ctx: ApprovalContext): OrderIntentApproved {
  const intent = row.intent as StoredIntent;
  const decidedAtUs = toMicros(row.decided_at);
  const base: OrderIntentApproved = {
    meta: envelope({ eventId: eventId('risk.approved', row.intent_id), correlationId: row.signal_id, occurredAtUs: decidedAtUs, producer: 'risk' }),
    intentId: row.intent_id,
    signalId: row.signal_id,
    accountId: row.account_id,
    sourceId: row.source_id,
    tenantId: row.tenant_id,
    kind: KIND[intent.kind],
    leg: 0,
    platform: ctx.platform === 'MT4' ? Platform.MT4 : Platform.MT5,
    signalSymbol: row.signal_symbol,
    brokerSymbol: intent.brokerSymbol,
    side: Side.UNSPECIFIED,
    orderType: OrderType.UNSPECIFIED,
    volume: 0,
    maxSlippagePoints: 0,
    deadlineAtUs: toMicros(new Date(intent.deadline)),
    targetIntentIds: [],
    targets: [],
    moveToBreakEven: false,
    signalAcceptedAtUs: toMicros(row.signal_accepted_at),
    decidedAtUs,
    comment: '',
    reverseCopied: false,
    accountConfigVersion: ctx.configVersion,
    magicNumber: ctx.magicNumber,
  };
  switch (intent.kind) {
    case 'OPEN':
      return {
        ...base,
        side: sideOf(intent.direction),
        orderType: ORDER_TYPE[intent.entry],
        volume: intent.volume,
        ...(intent.entryPrice !== undefined ? { entryPrice: intent.entryPrice } : {}),
        ...(intent.stopLimitPrice !== undefined ? { stopLimitPrice: intent.stopLimitPrice } : {}),
        ...(intent.stopLoss !== undefined ? { stopLoss: intent.stopLoss } : {}),
        ...(intent.takeProfit !== undefined ? { takeProfit: intent.takeProfit } : {}),
        maxSlippagePoints: intent.maxSlippagePoints ?? 0,
        ...(intent.orderExpiresAt !== undefined ? { orderExpiresAtUs: toMicros(new Date(intent.orderExpiresAt)) } : {}),
        sizing: explanation(intent.sizing, ctx.accountCurrency, ctx.volume, ctx.tickSize),
        reverseCopied: intent.reversed,
        comment: (intent.comment ?? '').slice(0, 16),
      };
    case 'MODIFY':
      return {
        ...base,
        targetIntentIds: [intent.targetIntentId],
        targets: [
          ...intent.positions.map((p) => ({ positionId: p.positionId, orderId: '', closeByPositionId: '', volume: 0, intentId: intent.targetIntentId })),
          ...intent.orders.map((o) => ({ positionId: '', orderId: o.orderId, closeByPositionId: '', volume: 0, intentId: intent.targetIntentId })),
        ],
        ...(intent.stopLoss !== undefined ? { stopLoss: intent.stopLoss } : {}),
        ...(intent.takeProfit !== undefined ? { takeProfit: intent.takeProfit } : {}),
        moveToBreakEven: intent.moveToBreakEven,
        ...(intent.trailingDistance !== undefined ? { trailingDistance: intent.trailingDistance } : {}),
      };
    case 'CLOSE':
      return {
        ...base,
        targetIntentIds: [intent.targetIntentId],
        targets: intent.positions.map((p) => ({ positionId: p.positionId, orderId: '', closeByPositionId: '', volume: p.volume, intentId: intent.targetIntentId })),
        closeFraction: intent.fraction,
      };
    case 'CANCEL':
      return {
        ...base,
        targetIntentIds: [intent.targetIntentId],
        targets: intent.orders.map((o) => ({ positionId: '', orderId: o.orderId, closeByPositionId: '', volume: 0, intentId: intent.targetIntentId })),
      };
    default: {
      const _exhaustive: never = intent;
      throw new Error(`unknown intent kind ${String(_exhaustive)}`);
    }
  }
}

/** `risk.rejected` for a rejected ledger row. */
export function rejectedEvent(row: DecisionRow): OrderIntentRejected {
  const decidedAtUs = toMicros(row.decided_at);
  const failures = (row.failures as { reason: RejectionReason; detail: string }[]) ?? [];
  return {
    meta: envelope({ eventId: eventId('risk.rejected', row.intent_id), correlationId: row.signal_id, occurredAtUs: decidedAtUs, producer: 'risk' }),
    intentId: row.intent_id,
    signalId: row.signal_id,
    accountId: row.account_id,
    sourceId: row.source_id,
    tenantId: row.tenant_id,
    reason: (row.reason ?? RiskRejectionReason.UNSPECIFIED) as RiskRejectionReason,
    detail: row.detail ?? '',
    kind: KIND[row.action],
    leg: 0,
    signalSymbol: row.signal_symbol,
    brokerSymbol: row.broker_symbol ?? '',
    facts: Object.fromEntries(failures.map((f, i) => [`failure_${i}`, `${f.reason}: ${f.detail}`])),
    signalAcceptedAtUs: toMicros(row.signal_accepted_at),
    decidedAtUs,
    ...(row.volume !== null ? { volume: Number(row.volume) } : {}),
  };
}

const SCOPE = { FLEET: TradingScope.FLEET, ACCOUNT: TradingScope.ACCOUNT, SOURCE: TradingScope.SOURCE } as const;
const STATE = { ACTIVE: TradingState.ACTIVE, REDUCING: TradingState.REDUCING, HALTED: TradingState.HALTED } as const;

/** `risk.trading_state.changed`. */
export function stateChangedEvent(change: TradingStateChange): TradingStateChanged {
  const at = toMicros(change.at);
  return {
    meta: envelope({ eventId: eventId('risk.trading_state.changed', change.scope, change.scopeId, at), correlationId: '', occurredAtUs: at, producer: 'risk' }),
    scope: SCOPE[change.scope],
    scopeId: change.scope === 'FLEET' ? '' : change.scopeId,
    state: STATE[change.to],
    previousState: STATE[change.from],
    cause:
      change.setBy === 'OPERATOR'
        ? TradingStateCause.MANUAL
        : /daily/i.test(change.reason)
          ? TradingStateCause.DAILY_LOSS_LIMIT
          : TradingStateCause.MAX_DRAWDOWN,
    reason: change.reason,
    actor: change.setBy === 'OPERATOR' ? 'operator' : 'system',
    changedAtUs: at,
    ...(change.expiresAt ? { untilAtUs: toMicros(change.expiresAt) } : {}),
  };
}

function sizingSettings(s: SizingConfig) {
  return {
    mode: SIZING_MODE[s.mode],
    fixedLots: s.mode === 'FIXED_LOTS' ? s.lots : 0,
    riskPercent: s.mode === 'RISK_PERCENT' ? s.percent : 0,
    riskBase: s.mode === 'RISK_PERCENT' || s.mode === 'BALANCE_RATIO' ? (s.basis === 'EQUITY' ? RiskBase.EQUITY : RiskBase.BALANCE) : RiskBase.UNSPECIFIED,
    ratio: s.mode === 'BALANCE_RATIO' ? s.multiplier : 0,
    multiplier: s.mode === 'VOLUME_MULTIPLIER' ? s.multiplier : 0,
    belowMinimum: s.belowMinimum === 'FORCE_MINIMUM' ? BelowMinimumPolicy.USE_MINIMUM : BelowMinimumPolicy.SKIP,
    ...(s.maxLots !== undefined ? { maxLots: s.maxLots } : {}),
    splitTakeProfits: false,
  };
}

function filters(f: TradeFilters) {
  const dirs = f.allowedDirections ?? [];
  return {
    allowedSymbols: [...(f.allowedSymbols ?? [])],
    blockedSymbols: [...(f.blockedSymbols ?? [])],
    directions:
      dirs.length === 1 ? (dirs[0] === 'BUY' ? DirectionFilter.LONG_ONLY : DirectionFilter.SHORT_ONLY) : DirectionFilter.BOTH,
  };
}

/**
 * `account.config` (compacted, key account id). Carries the secret's name, never a credential. Fields the contract
 * cannot express yet (daily-loss reference options, per-subscription reverse copying) are summarised: see the report.
 */
export function accountConfigEvent(a: AccountRecord, subs: readonly SubscriptionRecord[], at: Date): AccountConfigured {
  const occurredAtUs = toMicros(at);
  return {
    meta: envelope({ eventId: eventId('account.config', a.accountId, a.configVersion), correlationId: '', occurredAtUs, producer: 'risk' }),
    accountId: a.accountId,
    ownerUserId: a.ownerUserId,
    tenantId: a.tenantId,
    displayName: a.displayName,
    platform: a.platform === 'MT4' ? Platform.MT4 : Platform.MT5,
    brokerLogin: a.brokerLogin,
    brokerServer: a.brokerServer,
    bridge: {
      kind: a.bridge.kind === 'METAAPI' ? BridgeKind.METAAPI : BridgeKind.SIMULATOR,
      metaapiAccountId: a.bridge.metaapiAccountId,
      region: a.bridge.region,
      baseUrl: a.bridge.baseUrl,
      failoverBaseUrl: a.bridge.failoverBaseUrl,
      credentialsSecretRef: a.bridge.credentialsSecretRef,
    },
    enabled: a.enabled,
    autoTradingEnabled: a.autoTrading,
    sizing: sizingSettings(a.sizing),
    limits: {
      ...(a.limits.maxOpenPositions !== undefined ? { maxOpenPositions: a.limits.maxOpenPositions } : {}),
      ...(a.limits.maxVolumePerOrder !== undefined ? { maxVolumePerOrder: a.limits.maxVolumePerOrder } : {}),
      ...(a.limits.maxVolumePerSymbol !== undefined ? { maxVolumePerSymbol: a.limits.maxVolumePerSymbol } : {}),
      ...(a.limits.dailyLoss ? { dailyLossPercent: a.limits.dailyLoss.percent } : {}),
      ...(a.limits.maxDrawdown ? { maxDrawdownPercent: a.limits.maxDrawdown.percent } : {}),
      ...(a.limits.marginReservePercent !== undefined ? { marginReservePercent: a.limits.marginReservePercent } : {}),
      ...(a.limits.maxOrdersPerMinute !== undefined ? { maxOrdersPerMinute: a.limits.maxOrdersPerMinute } : {}),
      dailyResetTimeZone: '',
    },
    symbolMapping: { prefix: a.mapping.prefix ?? '', suffix: a.mapping.suffix ?? '', overrides: { ...(a.mapping.explicit ?? {}) } },
    filters: filters(a.filters),
    reverseCopying: subs.length > 0 && subs.every((s) => s.reverse),
    subscriptions: subs.map((s) => ({
      sourceId: s.sourceId,
      enabled: s.enabled,
      ...(s.sizing ? { sizing: sizingSettings(s.sizing) } : {}),
      ...(s.filters ? { filters: filters(s.filters) } : {}),
    })),
    deleted: false,
    configVersion: a.configVersion,
    magicNumber: a.magicNumber,
    updatedAtUs: toMicros(a.updatedAt),
  };
}

/**
 * An `account.synced` snapshot as the domain sees it, with the conversion rates its positions reveal (a position's
 * current price on a six-letter currency pair is that pair's rate).
 */
export function snapshotFromSynced(e: AccountSynced): { snapshot: AccountSnapshot; rates: FxRates } | undefined {
  const s = e.snapshot;
  if (!s) return undefined;
  const rates: Record<string, number> = {};
  for (const p of s.positions) {
    const pair = p.symbol.slice(0, 6);
    if (/^[A-Z]{6}$/.test(pair) && p.currentPrice > 0) rates[pair] = p.currentPrice;
  }
  return {
    snapshot: {
      syncedAt: fromMicros(e.syncedAtUs),
      connected: true,
      balance: s.balance,
      equity: s.equity,
      margin: s.margin,
      freeMargin: s.freeMargin,
      leverage: s.leverage > 0 ? s.leverage : 100,
      positions: s.positions.map((p) => ({
        positionId: p.positionId,
        symbol: p.symbol,
        direction: direction(p.side) ?? 'BUY',
        volume: p.volume,
        openPrice: p.openPrice,
        ...(p.intentId ? { intentId: p.intentId } : {}),
      })),
      orders: s.orders.map((o) => ({
        orderId: o.orderId,
        symbol: o.symbol,
        direction: direction(o.side) ?? 'BUY',
        volume: o.volume,
        openPrice: o.openPrice,
        ...(o.intentId ? { intentId: o.intentId } : {}),
      })),
    },
    rates,
  };
}

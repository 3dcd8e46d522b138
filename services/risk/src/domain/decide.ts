/**
 * The risk decision: for one signal and every account that follows its source, approve an order intent or reject
 * with a coded reason. Pure: everything it knows comes in as arguments, everything it changes comes out as values.
 * The preview endpoint calls the same function and simply publishes nothing.
 *
 * Accounts are decided one after another so that what one approval reserves (fleet exposure) is seen by the next.
 * All checks are evaluated, so a preview shows every limit an order would hit; the rejection reason is the first
 * failure in the order the checks are listed below.
 */
import type { AccountView, LossAnchors } from './account';
import { accountExposure, type Reservation } from './exposure';
import { intentKey, type IntentRecord, type OpenIntent, type OrderIntent } from './intent';
import { checkLossLimits, endOfTradingDay, rollAnchors } from './loss-limits';
import { manage } from './management';
import type { FxRates } from './money';
import { RejectionReason, type CheckFailure, type RejectionReason as Reason } from './rejection';
import { brokerSymbol, checkFilters, reverseSides, type OrderSides } from './routing';
import type { OpenSignal, Signal } from './signal';
import { sizeOrder, type SizingExplanation } from './sizing';
import { estimateMargin, type MarginEstimate, type SymbolSpec } from './symbol';
import { allows, applyTradingState, effectiveState, type TradingStateChange, type TradingStates } from './trading-state';
import { addVolumes, compareVolumes, roundMoney } from './volume';

/** What decide knows besides the accounts: states, in-flight exposure, earlier intents, rates and fleet caps. */
export interface RiskState {
  readonly tradingStates: TradingStates;
  /** In-flight reservations per account id. */
  readonly reservations: ReadonlyMap<string, readonly Reservation[]>;
  /** Gross lots per canonical symbol across the fleet, synced plus in flight (see `fleetExposure`). */
  readonly fleetExposure: ReadonlyMap<string, number>;
  /** Maximum gross lots per canonical symbol across the fleet. */
  readonly fleetCaps: ReadonlyMap<string, number>;
  /** Intents already decided, keyed by `intentKey(signalId, accountId)`. */
  readonly intents: ReadonlyMap<string, IntentRecord>;
  /** Times of orders approved per account in the last minute (for the per-minute limit). */
  readonly recentOrders: ReadonlyMap<string, readonly Date[]>;
  readonly rates: FxRates;
}

/** Ids and tunables of decide. */
export interface DecideOptions {
  /**
   * The deterministic order-intent id of a signal on an account (the contracts' `intentId`): an argument so the
   * domain stays free of imports, and so every service derives the same id.
   */
  readonly intentIdOf: (signalId: string, accountId: string) => string;
  /** Deadline of a signal that carries none, counted from its acceptance (default 30 s). */
  readonly defaultTtlMs?: number;
  /** Sync age that makes an account stale when its limits do not say (default 10 s). */
  readonly defaultMaxSyncAgeMs?: number;
}

/** An approved intent. */
export interface ApprovedDecision {
  readonly outcome: 'APPROVED';
  readonly accountId: string;
  readonly subscriptionId: string;
  readonly intentId: string;
  readonly intent: OrderIntent;
}

/** A refusal, with every failed check and whatever sizing and margin were computed. */
export interface RejectedDecision {
  readonly outcome: 'REJECTED';
  readonly accountId: string;
  readonly subscriptionId: string;
  readonly intentId: string;
  readonly reason: Reason;
  readonly detail: string;
  readonly failures: readonly CheckFailure[];
  readonly brokerSymbol?: string;
  readonly sizing?: SizingExplanation;
  readonly margin?: MarginEstimate;
}

/** The signal was already decided for the account (a replay or redelivery): nothing new happens. */
export interface DuplicateDecision {
  readonly outcome: 'DUPLICATE';
  readonly accountId: string;
  readonly subscriptionId: string;
  readonly intentId: string;
}

export type AccountDecision = ApprovedDecision | RejectedDecision | DuplicateDecision;

/** The result of deciding one signal. */
export interface DecisionBatch {
  readonly signalId: string;
  readonly decidedAt: Date;
  readonly decisions: readonly AccountDecision[];
  /** Reservations to add for the approved opening intents. */
  readonly reservations: readonly Reservation[];
  /** Automatic state changes (loss limits breached). */
  readonly stateChanges: readonly TradingStateChange[];
}

/** Decides a signal for every following account. */
export function decide(
  signal: Signal,
  accounts: readonly AccountView[],
  state: RiskState,
  now: Date,
  options: DecideOptions,
): DecisionBatch {
  const deadline = signal.expiresAt ?? new Date(signal.acceptedAt.getTime() + (options.defaultTtlMs ?? 30_000));
  const fleet = new Map(state.fleetExposure);
  const decisions: AccountDecision[] = [];
  const reservations: Reservation[] = [];
  const stateChanges: TradingStateChange[] = [];
  let tradingStates = state.tradingStates;

  for (const view of accounts) {
    const { config, subscription } = view;
    const accountId = config.accountId;
    const intentId = options.intentIdOf(signal.signalId, accountId);
    if (state.intents.has(intentKey(signal.signalId, accountId))) {
      decisions.push({ outcome: 'DUPLICATE', accountId, subscriptionId: subscription.subscriptionId, intentId });
      continue;
    }
    const failures: CheckFailure[] = [];
    const fail = (reason: Reason, detail: string): void => {
      failures.push({ reason, detail });
    };

    // 1. Account and ownership.
    if (!config.enabled || !subscription.enabled) {
      fail(RejectionReason.ACCOUNT_DISABLED, !config.enabled ? 'the account is disabled' : `the subscription to ${signal.sourceId} is disabled`);
    }
    if (!config.autoTrading) fail(RejectionReason.AUTO_TRADING_DISABLED, 'auto-trading is switched off for the account');
    // A signal without a tenant comes from a source that is not tenant-scoped (the signal service's sources carry no
    // tenant today: signal.generated tenant_id is empty); the subscription alone decides who follows it.
    if (signal.tenantId !== '' && config.tenantId !== signal.tenantId) {
      fail(RejectionReason.ACCOUNT_NOT_OWNED, `the account belongs to tenant ${config.tenantId}, the signal to tenant ${signal.tenantId}`);
    } else if (signal.userId !== undefined && config.ownerUserId !== signal.userId) {
      fail(RejectionReason.ACCOUNT_NOT_OWNED, `the account belongs to user ${config.ownerUserId}, the signal to user ${signal.userId}`);
    }

    // 2. Trading state (kill switch).
    const governing = effectiveState(tradingStates, accountId, signal.sourceId, now);
    if (!allows(governing.state, signal.action)) {
      const by = governing.because ? ` (${governing.because.scope.toLowerCase()} ${governing.because.scopeId}: ${governing.because.reason})` : '';
      fail(
        governing.state === 'HALTED' ? RejectionReason.TRADING_HALTED : RejectionReason.REDUCING_ONLY,
        governing.state === 'HALTED' ? `trading is halted${by}` : `only closing or reducing orders pass${by}`,
      );
    }

    // 3. Deadline.
    if (deadline.getTime() <= now.getTime()) {
      fail(RejectionReason.SIGNAL_EXPIRED, `the signal's deadline ${deadline.toISOString()} has passed`);
    }

    // 4. Terminal connection and sync freshness.
    const snapshot = view.snapshot;
    const maxSyncAgeMs = config.limits.maxSyncAgeMs ?? options.defaultMaxSyncAgeMs ?? 10_000;
    if (!snapshot) {
      fail(RejectionReason.SYNC_STALE, 'the account has not been synced yet');
    } else {
      if (!snapshot.connected) fail(RejectionReason.ACCOUNT_DISCONNECTED, 'the terminal is disconnected from the broker');
      const age = now.getTime() - snapshot.syncedAt.getTime();
      if (age > maxSyncAgeMs) fail(RejectionReason.SYNC_STALE, `the last sync is ${age} ms old (limit ${maxSyncAgeMs} ms)`);
    }

    const recent = (state.recentOrders.get(accountId) ?? []).filter((t) => now.getTime() - t.getTime() < 60_000);
    const maxPerMinute = config.limits.maxOrdersPerMinute;
    if (maxPerMinute !== undefined && recent.length >= maxPerMinute) {
      fail(RejectionReason.MAX_ORDERS_PER_MINUTE, `${recent.length} orders in the last minute (limit ${maxPerMinute})`);
    }

    const mappedSymbol = brokerSymbol(signal.symbol, config.mapping);
    const anchors: LossAnchors | undefined =
      view.anchors ?? (snapshot ? rollAnchors(undefined, snapshot, now, config.limits.dailyLoss?.resetUtcOffsetMinutes ?? 0) : undefined);
    const accountReservations = state.reservations.get(accountId) ?? [];

    if (signal.action !== 'OPEN') {
      // Management: filters and sizing do not apply (the position exists already); loss limits only auto-halt.
      if (snapshot && anchors) {
        const loss = checkLossLimits(config.limits, anchors, snapshot.equity, 0);
        tradingStates = autoHalt(loss.breached, view, tradingStates, now, stateChanges);
      }
      const record = state.intents.get(intentKey(signal.referencedSignalId, accountId));
      // A management signal usually names no symbol (the signal service sends none): what is held is the broker
      // symbol the referenced open was placed on, so that is the specification a partial close rounds with.
      const heldSymbol = record?.brokerSymbol || mappedSymbol;
      const spec = view.specs.get(heldSymbol);
      const managed = manage(signal, record, {
        intentId,
        accountId,
        brokerSymbol: heldSymbol,
        deadline,
        reverse: subscription.reverse,
        ...(snapshot ? { snapshot } : {}),
        ...(spec ? { spec } : {}),
      });
      if ('reason' in managed) failures.push(managed);
      if (failures.length > 0) {
        decisions.push(rejected(accountId, subscription.subscriptionId, intentId, failures, { brokerSymbol: heldSymbol }));
      } else {
        decisions.push({ outcome: 'APPROVED', accountId, subscriptionId: subscription.subscriptionId, intentId, intent: managed as OrderIntent });
      }
      continue;
    }

    // 5. Filters, on the provider's direction (what the user subscribed to) and on the direction actually traded.
    const provided: OrderSides = {
      direction: signal.direction,
      entry: signal.entry,
      ...(signal.stopLoss !== undefined ? { stopLoss: signal.stopLoss } : {}),
      ...(signal.takeProfits[0] !== undefined ? { takeProfit: signal.takeProfits[0] } : {}),
    };
    const sidesOrFailure = subscription.reverse ? reverseSides(provided) : provided;
    const sides = 'reason' in sidesOrFailure ? undefined : sidesOrFailure;
    if ('reason' in sidesOrFailure) failures.push(sidesOrFailure);
    for (const failure of [
      checkFilters(config.filters, signal.symbol, sides?.direction, 'account'),
      checkFilters(subscription.filters, signal.symbol, sides?.direction, 'subscription'),
    ]) {
      if (failure) failures.push(failure);
    }

    // 6. Symbol tradable on this broker.
    const spec = view.specs.get(mappedSymbol);
    if (!spec) {
      fail(RejectionReason.SYMBOL_NOT_TRADABLE, `the broker has no symbol ${mappedSymbol}`);
    } else if (sides) {
      const blocked = tradeModeBlocks(spec, sides.direction);
      if (blocked) fail(RejectionReason.SYMBOL_NOT_TRADABLE, blocked);
    }

    // 7. Price, sizing, margin and the limits that need a volume.
    let sizing: SizingExplanation | undefined;
    let margin: MarginEstimate | undefined;
    if (spec && sides && snapshot) {
      const price = openPrice(signal, sides, view.quotes?.get(mappedSymbol));
      if (price === undefined) {
        fail(RejectionReason.SYMBOL_SPEC_UNAVAILABLE, `no price for ${mappedSymbol}: no quote and no entry price on the signal`);
      } else {
        const rates = withOwnPrice(state.rates, spec, price);
        const sized = sizeOrder({
          sizing: subscription.sizing ?? config.sizing,
          spec,
          accountCurrency: config.currency,
          balance: snapshot.balance,
          equity: snapshot.equity,
          direction: sides.direction,
          entryPrice: price,
          ...(sides.stopLoss !== undefined ? { stopLoss: sides.stopLoss } : {}),
          ...(signal.volumeHint !== undefined ? { volumeHint: signal.volumeHint } : {}),
          ...(signal.providerBalance !== undefined ? { providerBalance: signal.providerBalance } : {}),
          ...(signal.providerCurrency !== undefined ? { providerCurrency: signal.providerCurrency } : {}),
          rates,
        });
        sizing = sized.explanation;
        if (!sized.ok) failures.push(sized.failure);
        if (sized.ok) {
          const volume = sized.explanation.volume;
          margin = estimateMargin({
            spec,
            volume,
            price,
            leverage: snapshot.leverage,
            accountCurrency: config.currency,
            rates,
          });
          const exposure = accountExposure(snapshot, accountReservations);
          const limits = config.limits;
          if (limits.maxVolumePerOrder !== undefined && compareVolumes(volume, limits.maxVolumePerOrder) > 0) {
            fail(RejectionReason.MAX_VOLUME_PER_ORDER, `${volume} lots exceeds the ${limits.maxVolumePerOrder} lots allowed per order`);
          }
          const onSymbol = exposure.volumeOn(mappedSymbol);
          if (limits.maxVolumePerSymbol !== undefined && compareVolumes(addVolumes(onSymbol, volume), limits.maxVolumePerSymbol) > 0) {
            fail(
              RejectionReason.MAX_VOLUME_PER_SYMBOL,
              `${onSymbol} lots already on ${mappedSymbol} (incl. in flight) + ${volume} exceeds the ${limits.maxVolumePerSymbol} lots allowed`,
            );
          }
          if (limits.maxOpenPositions !== undefined && exposure.openCount + 1 > limits.maxOpenPositions) {
            fail(
              RejectionReason.MAX_OPEN_POSITIONS,
              `${exposure.openCount} positions and orders open or in flight; the limit is ${limits.maxOpenPositions}`,
            );
          }
          if (margin.marginInAccountCurrency === undefined) {
            fail(RejectionReason.SYMBOL_SPEC_UNAVAILABLE, `no rate converts margin in ${margin.marginCurrency} to ${config.currency}`);
          } else {
            const reserve = (snapshot.equity * (limits.marginReservePercent ?? 0)) / 100;
            const available = snapshot.freeMargin - exposure.inFlightMargin - reserve;
            if (margin.marginInAccountCurrency > available) {
              fail(
                RejectionReason.INSUFFICIENT_MARGIN,
                `needs ${roundMoney(margin.marginInAccountCurrency)} ${config.currency} margin; free ${roundMoney(snapshot.freeMargin)} - in flight ${roundMoney(exposure.inFlightMargin)} - reserve ${roundMoney(reserve)} = ${roundMoney(available)}`,
              );
            }
          }
          if (anchors) {
            const loss = checkLossLimits(limits, anchors, snapshot.equity, (sized.explanation.realRiskMoney ?? 0) + exposure.inFlightRisk);
            failures.push(...loss.failures);
            tradingStates = autoHalt(loss.breached, view, tradingStates, now, stateChanges);
          }
          const cap = state.fleetCaps.get(signal.symbol);
          const fleetNow = fleet.get(signal.symbol) ?? 0;
          if (cap !== undefined && compareVolumes(addVolumes(fleetNow, volume), cap) > 0) {
            fail(RejectionReason.FLEET_EXPOSURE_CAP, `fleet holds ${fleetNow} lots of ${signal.symbol} (incl. in flight); +${volume} exceeds the cap of ${cap}`);
          }
        }
      }
    } else if (snapshot && anchors) {
      tradingStates = autoHalt(checkLossLimits(config.limits, anchors, snapshot.equity, 0).breached, view, tradingStates, now, stateChanges);
    }

    if (failures.length > 0 || !sizing || !sides || !spec) {
      decisions.push(
        rejected(accountId, subscription.subscriptionId, intentId, failures, {
          brokerSymbol: mappedSymbol,
          ...(sizing ? { sizing } : {}),
          ...(margin ? { margin } : {}),
        }),
      );
      continue;
    }

    const intent: OpenIntent = {
      kind: 'OPEN',
      intentId,
      signalId: signal.signalId,
      sourceId: signal.sourceId,
      accountId,
      symbol: signal.symbol,
      brokerSymbol: mappedSymbol,
      deadline,
      direction: sides.direction,
      entry: sides.entry,
      ...(signal.entry !== 'MARKET' && signal.entryPrice !== undefined ? { entryPrice: signal.entryPrice } : {}),
      ...(signal.stopLimitPrice !== undefined ? { stopLimitPrice: signal.stopLimitPrice } : {}),
      ...(sides.stopLoss !== undefined ? { stopLoss: sides.stopLoss } : {}),
      ...(sides.takeProfit !== undefined ? { takeProfit: sides.takeProfit } : {}),
      volume: sizing.volume,
      ...(signal.maxSlippagePoints !== undefined ? { maxSlippagePoints: signal.maxSlippagePoints } : {}),
      ...(signal.entry !== 'MARKET' && signal.orderExpiresAt !== undefined ? { orderExpiresAt: signal.orderExpiresAt } : {}),
      reversed: subscription.reverse,
      sizing,
      ...(margin ? { margin } : {}),
      ...(signal.comment !== undefined ? { comment: signal.comment } : {}),
    };
    decisions.push({ outcome: 'APPROVED', accountId, subscriptionId: subscription.subscriptionId, intentId, intent });
    reservations.push({
      intentId,
      accountId,
      signalId: signal.signalId,
      symbol: signal.symbol,
      brokerSymbol: mappedSymbol,
      direction: sides.direction,
      volume: sizing.volume,
      marginInAccountCurrency: margin?.marginInAccountCurrency ?? 0,
      riskMoney: sizing.realRiskMoney ?? 0,
      createdAt: now,
    });
    fleet.set(signal.symbol, addVolumes(fleet.get(signal.symbol) ?? 0, sizing.volume));
  }
  return { signalId: signal.signalId, decidedAt: now, decisions, reservations, stateChanges };
}

function rejected(
  accountId: string,
  subscriptionId: string,
  intentId: string,
  failures: readonly CheckFailure[],
  extra: { brokerSymbol?: string; sizing?: SizingExplanation; margin?: MarginEstimate },
): RejectedDecision {
  const first = failures[0] ?? { reason: RejectionReason.SYMBOL_SPEC_UNAVAILABLE, detail: 'the order could not be sized' };
  return { outcome: 'REJECTED', accountId, subscriptionId, intentId, reason: first.reason, detail: first.detail, failures, ...extra };
}

/** Why the broker's trade mode refuses this direction, if it does. */
function tradeModeBlocks(spec: SymbolSpec, direction: 'BUY' | 'SELL'): string | undefined {
  switch (spec.tradeMode) {
    case 'FULL':
      return undefined;
    case 'DISABLED':
      return `trading ${spec.symbol} is disabled by the broker`;
    case 'CLOSE_ONLY':
      return `${spec.symbol} is close-only at the broker`;
    case 'LONG_ONLY':
      return direction === 'SELL' ? `${spec.symbol} is long-only at the broker` : undefined;
    case 'SHORT_ONLY':
      return direction === 'BUY' ? `${spec.symbol} is short-only at the broker` : undefined;
    default: {
      const _exhaustive: never = spec.tradeMode;
      throw new Error(`unknown trade mode ${String(_exhaustive)}`);
    }
  }
}

/**
 * The price the order opens at: the pending price for pending orders; for market orders the account's own quote (ask
 * to buy, bid to sell), else the provider's reference price.
 */
function openPrice(signal: OpenSignal, sides: OrderSides, quote: { bid: number; ask: number } | undefined): number | undefined {
  if (sides.entry !== 'MARKET') return signal.entryPrice;
  if (quote) return sides.direction === 'BUY' ? quote.ask : quote.bid;
  return signal.entryPrice;
}

/**
 * The rates, completed with the symbol's own price when its pair is not quoted otherwise: EURUSD at 1.0850 is the
 * EUR->USD rate an EURUSD order needs for its margin, USDJPY at 150 the JPY->USD rate for its tick value.
 */
function withOwnPrice(rates: FxRates, spec: SymbolSpec, price: number): FxRates {
  const pair = spec.baseCurrency + spec.profitCurrency;
  if (spec.baseCurrency === spec.profitCurrency || rates[pair] !== undefined || !/^[A-Z]{6}$/.test(pair)) return rates;
  return { ...rates, [pair]: price };
}

/** Puts the account in its breach state when a loss limit is breached (daily: until the trading day ends). */
function autoHalt(
  breached: 'DAILY_LOSS' | 'MAX_DRAWDOWN' | undefined,
  view: AccountView,
  states: TradingStates,
  now: Date,
  changes: TradingStateChange[],
): TradingStates {
  if (!breached) return states;
  const limits = view.config.limits;
  const applied = applyTradingState(
    states,
    {
      scope: 'ACCOUNT',
      scopeId: view.config.accountId,
      state: limits.onLossLimitBreach ?? 'REDUCING',
      reason: breached === 'DAILY_LOSS' ? 'daily loss limit breached' : 'maximum drawdown breached',
      setBy: 'AUTO',
      ...(breached === 'DAILY_LOSS' ? { expiresAt: endOfTradingDay(now, limits.dailyLoss?.resetUtcOffsetMinutes ?? 0) } : {}),
    },
    now,
  );
  if (applied.change) changes.push(applied.change);
  return applied.states;
}

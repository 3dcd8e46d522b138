import type { Order, Position, TradeResult, TradingTerminal } from '@tradebridge/bridge';
import type { AttemptRecorded, PositionChanged } from '@tradebridge/contracts';
import type { Kysely } from 'kysely';
import { closeVolumeFor, trailingStopLoss } from '../../domain/adjust';
import { ALL_SYMBOLS } from '../../domain/intent';
import { NO_RETRIES, decideNext, type RetryPolicy } from '../../domain/strategy';
import type { ExecutionDb } from '../../adapters/postgres/execution.table';
import { brokerIdsOfIntents, deleteTrailingStop, upsertTrailingStop } from '../../adapters/postgres/orders.repository';
import { codeOf, positionChanged, type ChangeFacts, type ResultEvent } from '../execute-intent/events';
import type { IntentExecutor, ManageOutcome, Run } from '../execute-intent/intent-executor';
import type { MarketData } from '../execute-intent/support';

/** One thing a management intent acts on. */
export interface Target {
  readonly key: string;
  readonly positionId?: string;
  readonly orderId?: string;
  readonly closeByPositionId?: string;
  readonly openingIntentId: string;
}

/** What position management needs. */
export interface ManageDeps {
  readonly db: Kysely<ExecutionDb>;
  readonly market: MarketData;
  readonly policy: RetryPolicy;
  readonly nowUs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Trailing stops are kept by the service (from prices) unless the bridge should keep them server-side. */
  readonly serverSideTrailing: boolean;
}

const sideOf = (p: Position): PositionChanged['side'] => (p.side === 'buy' ? 'SIDE_BUY' : 'SIDE_SELL');

/**
 * Position management: modify SL/TP (with break-even and trailing stops), close fully or by a fraction (rounded to
 * the symbol's volume step), close-by, cancel and modify pending orders, over the positions and orders a signal
 * opened on the account, or over all of them (bulk: broker_symbol "*"). Each target is one broker request with the
 * fresh-price/backoff strategies; a request whose answer is lost is checked on the terminal, never blindly resent.
 * Per-target progress is stored before each request, so a crash never acts twice on a target.
 */
export function createManageHandler(deps: ManageDeps, executor: () => IntentExecutor) {
  return async (run: Run, terminal: TradingTerminal): Promise<ManageOutcome | 'deferred'> => {
    const { intent } = run;
    const exec = executor();
    let positions: readonly Position[];
    let orders: readonly Order[];
    try {
      [positions, orders] = await Promise.all([terminal.getPositions(), terminal.getOrders()]);
    } catch (error) {
      if (deps.nowUs() >= intent.deadlineAtUs) return { events: [], state: 'REJECTED', reason: 'EXEC_DEADLINE_EXPIRED', detail: `terminal unreachable until the deadline: ${(error as Error).message}` };
      const waiting = run.row.state === 'RECEIVED' || run.row.state === 'RETRY_SCHEDULED' ? 'RETRY_SCHEDULED' : 'UNKNOWN';
      await exec.move(run, waiting, { next_attempt_at: new Date(Date.now() + 2_000) });
      return 'deferred';
    }
    const targets = await resolveTargets(deps.db, run, positions, orders);
    if (targets.length === 0) return { events: [], state: 'REJECTED', reason: 'EXEC_TARGET_NOT_FOUND', detail: 'no open position or pending order matches the intent on the terminal' };
    const done = { ...(run.progress.targets ?? {}) };
    const events: ResultEvent[] = [...(run.progress.events ?? [])];
    const failures: string[] = [];
    for (const target of targets) {
      const previous = done[target.key];
      if (previous?.status === 'done') continue;
      if (previous?.status === 'failed') {
        failures.push(`${target.key}: ${previous.detail ?? 'failed'}`);
        continue;
      }
      const position = target.positionId ? positions.find((p) => p.id === target.positionId) : undefined;
      const order = target.orderId ? orders.find((o) => o.id === target.orderId) : undefined;
      if (previous?.status === 'sending') {
        // A request for this target may have executed before a crash: check the terminal instead of resending.
        const verified = verifyDone(run.kind, target, previous.volumeBefore, position, order, intent);
        if (verified) {
          done[target.key] = { status: 'done' };
          continue;
        }
      }
      const plan = await planFor(deps, run, terminal, target, position, order);
      if ('failure' in plan) {
        failures.push(`${target.key}: ${plan.failure}`);
        done[target.key] = { status: 'failed', detail: plan.failure };
        continue;
      }
      done[target.key] = { status: 'sending', ...(position ? { volumeBefore: position.volume } : {}) };
      run.progress = { ...run.progress, targets: done, events };
      if (!(await exec.move(run, 'IN_FLIGHT', { progress: JSON.stringify(run.progress), lease_owner: null }))) return 'deferred';
      let counts = NO_RETRIES;
      let result: TradeResult | undefined;
      for (;;) {
        const seq = run.progress.seq + 1;
        run.progress = { ...run.progress, seq };
        const startedUs = deps.nowUs();
        run.timeline = { ...run.timeline, brokerSentAtUs: startedUs };
        result = await plan.send(`${intent.intentId}:${target.key}`);
        await exec.move(run, 'IN_FLIGHT', { attempts: run.row.attempts + 1, progress: JSON.stringify(run.progress) });
        await exec.recordAttempt(run, { seq, action: plan.action, result, volume: plan.volume, ...(plan.stopLoss === undefined ? {} : { stopLoss: plan.stopLoss }), ...(plan.takeProfit === undefined ? {} : { takeProfit: plan.takeProfit }), startedUs, finishedUs: deps.nowUs(), note: `${plan.note} (${target.key})`, ...(target.positionId ? { positionId: target.positionId } : {}), ...(target.orderId ? { orderId: target.orderId } : {}) });
        if (result.status === 'success') {
          run.timeline = { ...run.timeline, brokerAcknowledgedAtUs: startedUs + result.brokerRoundTripMs * 1000 };
          break;
        }
        const step = decideNext({ answer: result, counts, policy: deps.policy, nowMs: deps.nowUs() / 1000, deadlineMs: intent.deadlineAtUs / 1000, canReduceVolume: false });
        if (step.kind === 'resend' && step.change === 'none') {
          counts = step.counts;
          if (step.delayMs > 0) await deps.sleep(step.delayMs);
          continue;
        }
        if (step.kind === 'reconcile') {
          const [ps, os] = await Promise.all([terminal.getPositions(), terminal.getOrders()]).catch(() => [undefined, undefined] as const);
          if (ps && os && verifyDone(run.kind, target, position?.volume, ps.find((p) => p.id === target.positionId), os.find((o) => o.id === target.orderId), intent)) {
            result = { ...result, status: 'success', handling: 'success' };
            break;
          }
        }
        break;
      }
      if (result.status !== 'success') {
        const detail = `${result.codeId}: ${result.message}`;
        failures.push(`${target.key}: ${detail}`);
        done[target.key] = { status: 'failed', detail };
        continue;
      }
      done[target.key] = { status: 'done' };
      if (plan.trailing && position) {
        await upsertTrailingStop(deps.db, { accountId: intent.accountId, positionId: position.id, intentId: intent.intentId, symbol: position.symbol, side: position.side, distance: plan.trailing, stopLoss: plan.stopLoss ?? null });
      }
      if (run.kind === 'close' && position && plan.full) await deleteTrailingStop(deps.db, intent.accountId, position.id);
      events.push(positionChanged(intent, { ...plan.facts, code: codeOf(result), attempts: run.row.attempts, timeline: run.timeline }, deps.nowUs()));
      run.progress = { ...run.progress, targets: done, events };
    }
    run.progress = { ...run.progress, targets: done, events };
    const succeeded = events.length;
    if (failures.length === 0) return { events, state: 'DONE' };
    return {
      events,
      state: succeeded > 0 ? 'DONE' : 'REJECTED',
      reason: 'EXEC_BROKER_REJECTED',
      detail: `${failures.length} of ${targets.length} targets failed: ${failures.join('; ')}`,
    };
  };
}

/**
 * MT4 closes a partially closed ticket and reopens the remainder under a new ticket commented `from #<old ticket>`.
 * A target whose ticket is gone moves to that remainder, so a close or modify sent before sync has reported the new
 * ticket still finds it. (After a second partial close the comment names the intermediate ticket, which is gone as
 * well; that target is then found through sync's snapshot, as before.)
 */
export function followReticket(target: Target, positions: readonly Position[]): Target {
  const id = target.positionId!;
  if (positions.some((p) => p.id === id)) return target;
  const remainder = positions.find((p) => /from #(\d+)/.exec(p.comment ?? '')?.[1] === id);
  return remainder ? { ...target, key: `p${remainder.id}`, positionId: remainder.id } : target;
}

async function resolveTargets(db: Kysely<ExecutionDb>, run: Run, positions: readonly Position[], orders: readonly Order[]): Promise<Target[]> {
  const { intent } = run;
  const targets = new Map<string, Target>();
  const add = (t: Target) => targets.set(t.key, t);
  for (const t of intent.targets) {
    if (t.positionId) add({ key: `p${t.positionId}`, positionId: t.positionId, ...(t.closeByPositionId ? { closeByPositionId: t.closeByPositionId } : {}), openingIntentId: t.intentId });
    else if (t.orderId) add({ key: `o${t.orderId}`, orderId: t.orderId, openingIntentId: t.intentId });
  }
  const rows = await brokerIdsOfIntents(db, intent.accountId, intent.targetIntentIds);
  for (const r of rows) {
    // A pending order that triggered became a position with the order's ticket as its id (MT5 and MT4 alike).
    const id = r.broker_position_id ?? r.broker_order_id;
    if (!id) continue;
    if (orders.some((o) => o.id === id)) add({ key: `o${id}`, orderId: id, openingIntentId: r.intent_id });
    else if (positions.some((p) => p.id === id)) add({ key: `p${id}`, positionId: id, openingIntentId: r.intent_id });
  }
  if (intent.brokerSymbol === ALL_SYMBOLS && intent.targets.length === 0 && intent.targetIntentIds.length === 0) {
    if (run.kind === 'cancel') for (const o of orders) add({ key: `o${o.id}`, orderId: o.id, openingIntentId: '' });
    else for (const p of positions) add({ key: `p${p.id}`, positionId: p.id, openingIntentId: '' });
  }
  const all = [...new Map([...targets.values()].map((t) => (t.positionId ? followReticket(t, positions) : t)).map((t) => [t.key, t])).values()];
  // Only what the terminal still holds: a closed position or deleted order is no longer a target.
  return all.filter((t) => (t.positionId ? positions.some((p) => p.id === t.positionId) : orders.some((o) => o.id === t.orderId)));
}

/** Whether the terminal's state shows the change already made (after a crash or a lost answer). */
function verifyDone(kind: Run['kind'], target: Target, volumeBefore: number | undefined, position: Position | undefined, order: Order | undefined, intent: Run['intent']): boolean {
  switch (kind) {
    case 'close':
    case 'close_by':
      if (!position) return true;
      return volumeBefore !== undefined && position.volume + 1e-9 < volumeBefore && intent.closeFraction !== undefined && intent.closeFraction < 1;
    case 'cancel':
      return target.orderId !== undefined && order === undefined;
    case 'modify':
      if (position) return (intent.stopLoss === undefined || position.stopLoss === intent.stopLoss) && (intent.takeProfit === undefined || position.takeProfit === intent.takeProfit) && !intent.moveToBreakEven && intent.trailingDistance === undefined;
      if (order) return (intent.stopLoss === undefined || order.stopLoss === intent.stopLoss) && (intent.takeProfit === undefined || order.takeProfit === intent.takeProfit);
      return false;
    default:
      return false;
  }
}

interface Plan {
  readonly send: (requestId: string) => Promise<TradeResult>;
  readonly action: AttemptRecorded['action'];
  readonly volume: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly trailing?: number;
  readonly full?: boolean;
  readonly note: string;
  readonly facts: Omit<ChangeFacts, 'code' | 'attempts' | 'timeline'>;
}

async function planFor(deps: ManageDeps, run: Run, terminal: TradingTerminal, target: Target, position: Position | undefined, order: Order | undefined): Promise<Plan | { failure: string }> {
  const { intent } = run;
  const base = { targetKey: target.key, openingIntentId: target.openingIntentId, closeByPositionId: '', accountCurrency: '' };
  const magic = intent.magicNumber ? { magic: intent.magicNumber } : {};
  switch (run.kind) {
    case 'modify': {
      if (position) {
        let stopLoss = intent.moveToBreakEven ? position.openPrice : intent.stopLoss;
        const takeProfit = intent.takeProfit;
        let trailing: number | undefined;
        if (intent.trailingDistance !== undefined) {
          trailing = intent.trailingDistance;
          if (!deps.serverSideTrailing) {
            const [price, spec] = await Promise.all([deps.market.price(intent.accountId, terminal, position.symbol, true), deps.market.spec(intent.accountId, terminal, position.symbol)]);
            stopLoss = trailingStopLoss({ side: position.side, bid: price.bid, ask: price.ask, distance: trailing, currentStopLoss: stopLoss ?? position.stopLoss, digits: spec.digits }) ?? stopLoss ?? position.stopLoss;
          }
        }
        return {
          send: (requestId) =>
            terminal.modifyPosition({
              intentId: requestId,
              positionId: position.id,
              ...(stopLoss === undefined ? {} : { stopLoss }),
              ...(takeProfit === undefined ? {} : { takeProfit }),
              ...(trailing !== undefined && deps.serverSideTrailing ? { trailingStop: { distance: trailing, units: 'RELATIVE_PRICE' as const } } : {}),
            }),
          action: 'BROKER_ACTION_MODIFY_POSITION',
          volume: position.volume,
          ...(stopLoss === undefined ? {} : { stopLoss }),
          ...(takeProfit === undefined ? {} : { takeProfit }),
          ...(trailing === undefined ? {} : { trailing }),
          note: intent.moveToBreakEven ? 'break-even' : trailing !== undefined ? 'trailing stop' : 'modify SL/TP',
          facts: {
            ...base,
            change: 'POSITION_CHANGE_KIND_POSITION_MODIFIED',
            brokerPositionId: position.id,
            brokerOrderId: '',
            side: sideOf(position),
            volumeBefore: position.volume,
            volumeAfter: position.volume,
            ...(position.stopLoss === undefined ? {} : { stopLossBefore: position.stopLoss }),
            ...(stopLoss === undefined ? {} : { stopLossAfter: stopLoss }),
            ...(position.takeProfit === undefined ? {} : { takeProfitBefore: position.takeProfit }),
            ...(takeProfit === undefined ? {} : { takeProfitAfter: takeProfit }),
          },
        };
      }
      if (order) {
        const openPrice = intent.entryPrice ?? order.openPrice;
        if (openPrice === undefined) return { failure: 'the pending order has no open price to keep' };
        return {
          send: (requestId) =>
            terminal.modifyOrder({
              intentId: requestId,
              orderId: order.id,
              openPrice,
              ...(intent.stopLoss === undefined ? {} : { stopLoss: intent.stopLoss }),
              ...(intent.takeProfit === undefined ? {} : { takeProfit: intent.takeProfit }),
              ...(intent.stopLimitPrice === undefined ? {} : { stopLimitPrice: intent.stopLimitPrice }),
            }),
          action: 'BROKER_ACTION_MODIFY_ORDER',
          volume: order.volume,
          ...(intent.stopLoss === undefined ? {} : { stopLoss: intent.stopLoss }),
          ...(intent.takeProfit === undefined ? {} : { takeProfit: intent.takeProfit }),
          note: 'modify pending order',
          facts: {
            ...base,
            change: 'POSITION_CHANGE_KIND_ORDER_MODIFIED',
            brokerPositionId: '',
            brokerOrderId: order.id,
            side: order.type.startsWith('buy') ? 'SIDE_BUY' : 'SIDE_SELL',
            volumeBefore: order.volume,
            volumeAfter: order.volume,
            ...(order.stopLoss === undefined ? {} : { stopLossBefore: order.stopLoss }),
            ...(intent.stopLoss === undefined ? {} : { stopLossAfter: intent.stopLoss }),
            ...(order.takeProfit === undefined ? {} : { takeProfitBefore: order.takeProfit }),
            ...(intent.takeProfit === undefined ? {} : { takeProfitAfter: intent.takeProfit }),
            entryPriceAfter: openPrice,
          },
        };
      }
      return { failure: 'not on the terminal' };
    }
    case 'close': {
      if (!position) return { failure: 'position not open' };
      const spec = await deps.market.spec(intent.accountId, terminal, position.symbol);
      const amount = closeVolumeFor(position.volume, intent.closeFraction ?? 1, spec);
      if (!amount) return { failure: `fraction ${intent.closeFraction} of ${position.volume} lots is below the minimum volume ${spec.minVolume}` };
      return {
        send: (requestId) => terminal.closePosition({ intentId: requestId, positionId: position.id, ...(amount.full ? {} : { volume: amount.volume }), ...magic }),
        action: amount.full ? 'BROKER_ACTION_CLOSE_POSITION' : 'BROKER_ACTION_CLOSE_POSITION_PARTIALLY',
        volume: amount.volume,
        full: amount.full,
        note: amount.full ? 'close' : `partial close ${amount.volume} of ${position.volume}`,
        facts: {
          ...base,
          change: amount.full ? 'POSITION_CHANGE_KIND_POSITION_CLOSED' : 'POSITION_CHANGE_KIND_POSITION_PARTIALLY_CLOSED',
          brokerPositionId: position.id,
          brokerOrderId: '',
          side: sideOf(position),
          volumeBefore: position.volume,
          volumeAfter: amount.full ? 0 : Number((position.volume - amount.volume).toFixed(8)),
          ...(position.currentPrice === undefined ? {} : { closePrice: position.currentPrice }),
        },
      };
    }
    case 'close_by': {
      if (!position || !target.closeByPositionId) return { failure: 'position or opposite position missing' };
      const opposite = target.closeByPositionId;
      return {
        send: (requestId) => terminal.closeBy({ intentId: requestId, positionId: position.id, oppositePositionId: opposite }),
        action: 'BROKER_ACTION_CLOSE_BY',
        volume: position.volume,
        full: true,
        note: `close by ${opposite}`,
        facts: { ...base, change: 'POSITION_CHANGE_KIND_POSITION_CLOSED_BY', brokerPositionId: position.id, brokerOrderId: '', side: sideOf(position), volumeBefore: position.volume, volumeAfter: 0, closeByPositionId: opposite },
      };
    }
    case 'cancel': {
      if (!order) return { failure: 'pending order not on the terminal' };
      return {
        send: (requestId) => terminal.cancelOrder({ intentId: requestId, orderId: order.id }),
        action: 'BROKER_ACTION_CANCEL_ORDER',
        volume: order.volume,
        note: 'cancel pending order',
        facts: { ...base, change: 'POSITION_CHANGE_KIND_ORDER_CANCELLED', brokerPositionId: '', brokerOrderId: order.id, side: order.type.startsWith('buy') ? 'SIDE_BUY' : 'SIDE_SELL', volumeBefore: order.volume, volumeAfter: 0 },
      };
    }
    default:
      return { failure: `unsupported kind ${run.kind}` };
  }
}

import type { OrderIntentApproved } from '@tradebridge/contracts';

/** What an intent asks, in the words of the execution_orders.kind column. */
export type IntentKindName = 'open' | 'modify' | 'close' | 'cancel' | 'close_by';

/** Direction of an order, as the bridge names it. */
export type SideName = 'buy' | 'sell';

/** Order types of an OPEN intent, as the bridge and execution_orders.order_type name them. */
export type OpenOrderType = 'buy' | 'sell' | 'buy_limit' | 'sell_limit' | 'buy_stop' | 'sell_stop' | 'buy_stop_limit' | 'sell_stop_limit';

/** One problem with one field of an intent. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The kind of an intent, or undefined for an unknown value. */
export function kindOf(intent: Pick<OrderIntentApproved, 'kind'>): IntentKindName | undefined {
  switch (intent.kind) {
    case 'INTENT_KIND_OPEN':
      return 'open';
    case 'INTENT_KIND_MODIFY':
      return 'modify';
    case 'INTENT_KIND_CLOSE':
      return 'close';
    case 'INTENT_KIND_CANCEL':
      return 'cancel';
    case 'INTENT_KIND_CLOSE_BY':
      return 'close_by';
    default:
      return undefined;
  }
}

/** The side of an intent, or undefined. */
export function sideOf(intent: Pick<OrderIntentApproved, 'side'>): SideName | undefined {
  if (intent.side === 'SIDE_BUY') return 'buy';
  if (intent.side === 'SIDE_SELL') return 'sell';
  return undefined;
}

/** The MetaTrader order type of an OPEN intent (side + how it enters the market), or undefined. */
export function openOrderTypeOf(intent: Pick<OrderIntentApproved, 'side' | 'orderType'>): OpenOrderType | undefined {
  const side = sideOf(intent);
  if (side === undefined) return undefined;
  switch (intent.orderType) {
    case 'ORDER_TYPE_MARKET':
      return side;
    case 'ORDER_TYPE_LIMIT':
      return `${side}_limit`;
    case 'ORDER_TYPE_STOP':
      return `${side}_stop`;
    case 'ORDER_TYPE_STOP_LIMIT':
      return `${side}_stop_limit`;
    default:
      return undefined;
  }
}

/** True for order types that rest on the book instead of filling at once. */
export function isPending(type: OpenOrderType): boolean {
  return type !== 'buy' && type !== 'sell';
}

/** The symbol value of a bulk intent that acts on every position (or order) of the account. */
export const ALL_SYMBOLS = '*';

const positive = (v: number | undefined) => v !== undefined && Number.isFinite(v) && v > 0;

/**
 * Checks an approved intent before anything is recorded or sent; every problem names its field. Risk validated the
 * business rules already; this guards what execution itself relies on.
 */
export function validateIntent(intent: OrderIntentApproved): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const need = (ok: boolean, field: string, problem: string) => {
    if (!ok) problems.push({ field, problem });
  };
  need(UUID_RE.test(intent.intentId), 'intent_id', 'must be a UUID');
  need(UUID_RE.test(intent.accountId), 'account_id', 'must be a UUID');
  need(UUID_RE.test(intent.signalId), 'signal_id', 'must be a UUID');
  need(Number.isSafeInteger(intent.deadlineAtUs) && intent.deadlineAtUs > 0, 'deadline_at_us', 'must be a positive time in microseconds');
  const kind = kindOf(intent);
  need(kind !== undefined, 'kind', `must be OPEN, MODIFY, CLOSE, CANCEL or CLOSE_BY, got ${String(intent.kind)}`);
  if (kind === 'open') {
    const type = openOrderTypeOf(intent);
    need(intent.brokerSymbol.length > 0 && intent.brokerSymbol !== ALL_SYMBOLS, 'broker_symbol', 'must name the symbol to trade');
    need(type !== undefined, 'side/order_type', 'must be a known side and order type');
    need(positive(intent.volume), 'volume', 'must be a positive number of lots');
    if (type !== undefined && isPending(type)) need(positive(intent.entryPrice), 'entry_price', 'is required for pending orders');
    if (type?.endsWith('stop_limit')) need(positive(intent.stopLimitPrice), 'stop_limit_price', 'is required for stop-limit orders');
    for (const [field, value] of [['stop_loss', intent.stopLoss], ['take_profit', intent.takeProfit]] as const) {
      need(value === undefined || (Number.isFinite(value) && value >= 0), field, 'must be a non-negative price');
    }
  } else if (kind !== undefined) {
    const hasTargets = intent.targets.length > 0 || intent.targetIntentIds.length > 0 || intent.brokerSymbol === ALL_SYMBOLS;
    need(hasTargets, 'targets', `must name what to ${kind} (targets, target_intent_ids, or broker_symbol "${ALL_SYMBOLS}" for every position of the account)`);
    if (intent.closeFraction !== undefined) need(intent.closeFraction > 0 && intent.closeFraction <= 1, 'close_fraction', 'must be in (0, 1]');
    if (intent.trailingDistance !== undefined) need(positive(intent.trailingDistance), 'trailing_distance', 'must be a positive price distance');
    if (kind === 'close_by') need(intent.targets.length > 0 && intent.targets.every((t) => t.positionId && t.closeByPositionId), 'targets', 'close-by needs position_id and close_by_position_id on every target');
  }
  return problems;
}

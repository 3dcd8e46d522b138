import type { AccountPlatform } from '../../domain/trade-codes';
import type {
  AccountInfo,
  Deal,
  DealEntry,
  Expiration,
  FillingMode,
  Order,
  OrderState,
  OrderType,
  PendingOrderType,
  Position,
  Price,
  SessionInterval,
  Side,
  SymbolSpec,
} from '../../port/types';

/** The MetatraderTrade JSON body of `POST /trade` (only the fields this bridge sends). */
export interface MetatraderTradeJson {
  actionType: string;
  symbol?: string;
  volume?: number;
  openPrice?: number;
  stopLimitPrice?: number;
  stopLoss?: number;
  takeProfit?: number;
  orderId?: string;
  positionId?: string;
  closeByPositionId?: string;
  comment?: string;
  clientId: string;
  magic?: number;
  slippage?: number;
  fillingModes?: string[];
  expiration?: { type: string; time?: string };
  trailingStopLoss?: { distance: { distance: number; units: string } };
}

const PENDING_ACTION: Record<PendingOrderType, string> = {
  buy_limit: 'ORDER_TYPE_BUY_LIMIT',
  sell_limit: 'ORDER_TYPE_SELL_LIMIT',
  buy_stop: 'ORDER_TYPE_BUY_STOP',
  sell_stop: 'ORDER_TYPE_SELL_STOP',
  buy_stop_limit: 'ORDER_TYPE_BUY_STOP_LIMIT',
  sell_stop_limit: 'ORDER_TYPE_SELL_STOP_LIMIT',
};

/** MetaApi's actionType of a market order. */
export function marketAction(side: Side): string {
  return side === 'buy' ? 'ORDER_TYPE_BUY' : 'ORDER_TYPE_SELL';
}

/** MetaApi's actionType of a pending order. */
export function pendingAction(type: PendingOrderType): string {
  return PENDING_ACTION[type];
}

/** MetaApi's `fillingModes` values. */
export function fillingModesJson(modes: readonly FillingMode[]): string[] {
  return modes.map((m) => `ORDER_FILLING_${m.toUpperCase()}`);
}

/** MetaApi's `expiration` object. */
export function expirationJson(expiration: Expiration): { type: string; time?: string } {
  switch (expiration.type) {
    case 'gtc':
      return { type: 'ORDER_TIME_GTC' };
    case 'day':
      return { type: 'ORDER_TIME_DAY' };
    case 'specified':
      return { type: 'ORDER_TIME_SPECIFIED', time: expiration.time.toISOString() };
    case 'specified_day':
      return { type: 'ORDER_TIME_SPECIFIED_DAY', time: expiration.time.toISOString() };
    default: {
      const _exhaustive: never = expiration;
      return _exhaustive;
    }
  }
}

/** Drops undefined fields so the JSON carries only what was asked for. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

type Json = Record<string, unknown>;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function date(v: unknown): Date | undefined {
  if (typeof v !== 'string' && !(v instanceof Date)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
function lowerSuffix(v: unknown, prefix: string): string | undefined {
  return typeof v === 'string' && v.startsWith(prefix) ? v.slice(prefix.length).toLowerCase() : undefined;
}
function obj(v: unknown, what: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${what}: expected an object`);
  return v as Json;
}
/** Sets a field only when defined, so optional properties are absent rather than undefined. */
function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Reads a MetatraderAccountInformation. */
export function toAccountInfo(v: unknown, platform: AccountPlatform): AccountInfo {
  const j = obj(v, 'account information');
  const mode = lowerSuffix(j.marginMode, 'ACCOUNT_MARGIN_MODE_');
  const marginMode: AccountInfo['marginMode'] = mode === 'exchange' ? 'exchange' : mode === 'retail_netting' ? 'netting' : mode === 'retail_hedging' ? 'hedging' : undefined;
  const trade = lowerSuffix(j.type, 'ACCOUNT_TRADE_MODE_');
  const accountType: AccountInfo['accountType'] = trade === 'demo' || trade === 'contest' || trade === 'real' ? trade : undefined;
  return {
    platform: j.platform === 'mt4' || j.platform === 'mt5' ? j.platform : platform,
    broker: str(j.broker) ?? '',
    server: str(j.server) ?? '',
    currency: str(j.currency) ?? '',
    ...opt('login', str(j.login)),
    ...opt('name', str(j.name)),
    balance: num(j.balance) ?? 0,
    equity: num(j.equity) ?? 0,
    margin: num(j.margin) ?? 0,
    freeMargin: num(j.freeMargin) ?? 0,
    ...opt('marginLevel', num(j.marginLevel)),
    leverage: num(j.leverage) ?? 0,
    credit: num(j.credit) ?? 0,
    tradeAllowed: j.tradeAllowed !== false,
    investorMode: j.investorMode === true,
    ...opt('marginMode', marginMode),
    ...opt('accountType', accountType),
  };
}

/** Reads a MetatraderPosition. */
export function toPosition(v: unknown): Position {
  const j = obj(v, 'position');
  const id = str(j.id);
  if (!id) throw new TypeError('position: missing id');
  return {
    id,
    symbol: str(j.symbol) ?? '',
    side: j.type === 'POSITION_TYPE_SELL' ? 'sell' : 'buy',
    volume: num(j.volume) ?? 0,
    openPrice: num(j.openPrice) ?? 0,
    ...opt('currentPrice', num(j.currentPrice)),
    ...opt('stopLoss', num(j.stopLoss)),
    ...opt('takeProfit', num(j.takeProfit)),
    profit: num(j.profit) ?? 0,
    swap: num(j.swap) ?? 0,
    commission: num(j.commission) ?? 0,
    ...opt('magic', num(j.magic)),
    ...opt('comment', str(j.comment)),
    ...opt('clientId', str(j.clientId)),
    openedAt: date(j.time) ?? new Date(0),
    ...opt('updatedAt', date(j.updateTime)),
  };
}

const ORDER_TYPES: Record<string, OrderType> = {
  ORDER_TYPE_BUY: 'buy',
  ORDER_TYPE_SELL: 'sell',
  ORDER_TYPE_BUY_LIMIT: 'buy_limit',
  ORDER_TYPE_SELL_LIMIT: 'sell_limit',
  ORDER_TYPE_BUY_STOP: 'buy_stop',
  ORDER_TYPE_SELL_STOP: 'sell_stop',
  ORDER_TYPE_BUY_STOP_LIMIT: 'buy_stop_limit',
  ORDER_TYPE_SELL_STOP_LIMIT: 'sell_stop_limit',
  ORDER_TYPE_CLOSE_BY: 'close_by',
};
const ORDER_STATES = new Set<OrderState>(['started', 'placed', 'canceled', 'partial', 'filled', 'rejected', 'expired', 'request_add', 'request_modify', 'request_cancel']);

function toExpiration(type: unknown, time: unknown): Expiration | undefined {
  const t = date(time);
  switch (type) {
    case 'ORDER_TIME_GTC':
      return { type: 'gtc' };
    case 'ORDER_TIME_DAY':
      return { type: 'day' };
    case 'ORDER_TIME_SPECIFIED':
      return t ? { type: 'specified', time: t } : undefined;
    case 'ORDER_TIME_SPECIFIED_DAY':
      return t ? { type: 'specified_day', time: t } : undefined;
    default:
      return undefined;
  }
}

/** Reads a MetatraderOrder (pending or historical). */
export function toOrder(v: unknown): Order {
  const j = obj(v, 'order');
  const id = str(j.id);
  if (!id) throw new TypeError('order: missing id');
  const type = typeof j.type === 'string' ? ORDER_TYPES[j.type] : undefined;
  if (!type) throw new TypeError(`order ${id}: unknown type ${String(j.type)}`);
  const state = lowerSuffix(j.state, 'ORDER_STATE_') as OrderState | undefined;
  return {
    id,
    type,
    state: state && ORDER_STATES.has(state) ? state : 'unknown',
    symbol: str(j.symbol) ?? '',
    volume: num(j.volume) ?? 0,
    ...opt('currentVolume', num(j.currentVolume)),
    ...opt('openPrice', num(j.openPrice)),
    ...opt('stopLimitPrice', num(j.stopLimitPrice)),
    ...opt('stopLoss', num(j.stopLoss)),
    ...opt('takeProfit', num(j.takeProfit)),
    ...opt('positionId', str(j.positionId)),
    ...opt('magic', num(j.magic)),
    ...opt('comment', str(j.comment)),
    ...opt('clientId', str(j.clientId)),
    ...opt('expiration', toExpiration(j.expirationType, j.expirationTime)),
    placedAt: date(j.time) ?? new Date(0),
    ...opt('doneAt', date(j.doneTime)),
  };
}

/** Reads a MetatraderDeal. */
export function toDeal(v: unknown): Deal {
  const j = obj(v, 'deal');
  const id = str(j.id);
  if (!id) throw new TypeError('deal: missing id');
  const entry = lowerSuffix(j.entryType, 'DEAL_ENTRY_') as DealEntry | undefined;
  return {
    id,
    type: lowerSuffix(j.type, 'DEAL_TYPE_') ?? String(j.type ?? 'unknown').toLowerCase(),
    ...opt('entry', entry === 'in' || entry === 'out' || entry === 'inout' || entry === 'out_by' ? entry : undefined),
    ...opt('symbol', str(j.symbol)),
    ...opt('volume', num(j.volume)),
    ...opt('price', num(j.price)),
    profit: num(j.profit) ?? 0,
    ...opt('commission', num(j.commission)),
    ...opt('swap', num(j.swap)),
    ...opt('positionId', str(j.positionId)),
    ...opt('orderId', str(j.orderId)),
    ...opt('magic', num(j.magic)),
    ...opt('comment', str(j.comment)),
    ...opt('clientId', str(j.clientId)),
    ...opt('reason', str(j.reason)),
    time: date(j.time) ?? new Date(0),
  };
}

function sessions(v: unknown): Readonly<Record<string, readonly SessionInterval[]>> | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const out: Record<string, SessionInterval[]> = {};
  for (const [day, list] of Object.entries(v as Json)) {
    if (!Array.isArray(list)) continue;
    out[day] = list.flatMap((s) => (s && typeof s === 'object' && typeof s.from === 'string' && typeof s.to === 'string' ? [{ from: s.from, to: s.to }] : []));
  }
  return out;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** Reads a MetatraderSymbolSpecification. */
export function toSymbolSpec(v: unknown): SymbolSpec {
  const j = obj(v, 'symbol specification');
  const symbol = str(j.symbol);
  if (!symbol) throw new TypeError('symbol specification: missing symbol');
  const digits = num(j.digits) ?? 5;
  const point = num(j.point) ?? Math.pow(10, -digits);
  return {
    symbol,
    digits,
    point,
    tickSize: num(j.tickSize) ?? point,
    contractSize: num(j.contractSize) ?? 1,
    minVolume: num(j.minVolume) ?? 0,
    maxVolume: num(j.maxVolume) ?? 0,
    volumeStep: num(j.volumeStep) ?? 0,
    stopsLevel: num(j.stopsLevel) ?? 0,
    freezeLevel: num(j.freezeLevel) ?? 0,
    ...opt('pipSize', num(j.pipSize)),
    fillingModes: strings(j.fillingModes) ?? [],
    ...opt('executionMode', str(j.executionMode) ?? str(j.deal)),
    ...opt('tradeMode', str(j.tradeMode)),
    ...opt('allowedExpirationModes', strings(j.allowedExpirationModes)),
    ...opt('allowedOrderTypes', strings(j.allowedOrderTypes)),
    ...opt('marginCurrency', str(j.marginCurrency)),
    ...opt('profitCurrency', str(j.profitCurrency)),
    ...opt('baseCurrency', str(j.baseCurrency)),
    ...opt('calcMode', str(j.priceCalculationMode)),
    ...opt('tradeSessions', sessions(j.tradeSessions)),
    ...opt('description', str(j.description)),
  };
}

/** Reads a MetatraderSymbolPrice. */
export function toPrice(v: unknown): Price {
  const j = obj(v, 'price');
  const bid = num(j.bid);
  const ask = num(j.ask);
  if (bid === undefined || ask === undefined) throw new TypeError('price: missing bid or ask');
  return {
    symbol: str(j.symbol) ?? '',
    bid,
    ask,
    ...opt('profitTickValue', num(j.profitTickValue)),
    ...opt('lossTickValue', num(j.lossTickValue)),
    time: date(j.time) ?? new Date(0),
  };
}

/** Reads an array answer (positions, orders) or a wrapped history answer (`{historyOrders}`, `{deals}`). */
export function listOf<T>(v: unknown, key: string | undefined, read: (x: unknown) => T): T[] {
  const list = key === undefined ? v : (v as Json | null)?.[key];
  if (!Array.isArray(list)) throw new TypeError(`expected ${key ? `{${key}: [...]}` : 'an array'}`);
  return list.map(read);
}

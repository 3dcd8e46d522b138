import type { Account } from './account';
import type { Market } from './market';
import { sessionsJson, brokerTime, iso } from './time';
import type { Deal, Order, Position, SymbolSpec } from './types';

// Renders engine state as the MetaApi JSON models of notes §5 (ids as strings, ISO times plus brokerTime).

const r2 = (x: number): number => Math.round(x * 100) / 100;
const CURRENCY_DIGITS: Record<string, number> = { JPY: 0 };

function rateOf(account: Account, currency: string): number | undefined {
  try {
    return account.toAccount(1, currency);
  } catch {
    return undefined;
  }
}

/** MetatraderAccountInformation. */
export function accountInformationView(account: Account): Record<string, unknown> {
  const c = account.config;
  return {
    platform: c.platform,
    broker: 'Tradebridge Simulated Markets Ltd',
    currency: c.currency,
    server: c.platform === 'mt4' ? 'TradebridgeSim-Demo4' : 'TradebridgeSim-Demo',
    ...account.metrics(),
    leverage: c.leverage,
    tradeAllowed: c.tradeAllowed,
    investorMode: c.investorMode,
    marginMode: c.marginMode === 'netting' ? 'ACCOUNT_MARGIN_MODE_RETAIL_NETTING' : 'ACCOUNT_MARGIN_MODE_RETAIL_HEDGING',
    name: c.name,
    login: c.login,
    credit: account.credit,
    type: 'ACCOUNT_TRADE_MODE_DEMO',
    currencyDigits: CURRENCY_DIGITS[c.currency] ?? 2,
  };
}

/** MetatraderPosition. */
export function positionView(account: Account, p: Position): Record<string, unknown> {
  const spec = account.spec(p.symbol)!;
  const profit = r2(account.positionProfit(p));
  const out: Record<string, unknown> = {
    id: p.id,
    platform: account.platform,
    type: p.side === 'buy' ? 'POSITION_TYPE_BUY' : 'POSITION_TYPE_SELL',
    symbol: p.symbol,
    magic: p.magic,
    time: iso(p.time),
    brokerTime: brokerTime(p.time),
    updateTime: iso(p.updateTime),
    openPrice: p.openPrice,
    currentPrice: account.closePrice(p.symbol, p.side),
    currentTickValue: r2(account.toAccount(spec.tickSize * spec.contractSize, spec.profitCurrency) * 1e5) / 1e5,
    volume: p.volume,
    swap: r2(p.swap + p.realizedSwap),
    realizedSwap: r2(p.realizedSwap),
    unrealizedSwap: r2(p.swap),
    commission: r2(p.commission),
    realizedCommission: r2(p.realizedCommission),
    unrealizedCommission: 0,
    profit,
    unrealizedProfit: profit,
    realizedProfit: r2(p.realizedProfit + p.realizedSwap + p.realizedCommission),
    reason: p.reason,
    accountCurrencyExchangeRate: rateOf(account, spec.profitCurrency),
  };
  if (p.stopLoss !== undefined) out.stopLoss = p.stopLoss;
  if (p.takeProfit !== undefined) out.takeProfit = p.takeProfit;
  if (p.comment !== undefined) out.comment = p.comment;
  if (p.clientId !== undefined) out.clientId = p.clientId;
  if (p.trailing !== undefined) out.trailingStopLoss = { distance: { distance: p.trailing.distance, units: 'RELATIVE_PRICE' } };
  return out;
}

/** MetatraderOrder (pending or history). */
export function orderView(account: Account, market: Market, o: Order): Record<string, unknown> {
  const q = market.quote(o.symbol);
  const buy = o.type.startsWith('ORDER_TYPE_BUY');
  const out: Record<string, unknown> = {
    id: o.id,
    platform: account.platform,
    type: o.type,
    state: o.state,
    symbol: o.symbol,
    magic: o.magic,
    time: iso(o.time),
    brokerTime: brokerTime(o.time),
    openPrice: o.openPrice,
    volume: o.volume,
    currentVolume: o.currentVolume,
    reason: o.reason,
    fillingMode: o.fillingMode,
    expirationType: o.expirationType,
  };
  if (o.state === 'ORDER_STATE_PLACED' && q) out.currentPrice = buy ? q.ask : q.bid;
  if (o.doneTime !== undefined) {
    out.doneTime = iso(o.doneTime);
    out.doneBrokerTime = brokerTime(o.doneTime);
  }
  if (o.expirationTime !== undefined) out.expirationTime = iso(o.expirationTime);
  if (o.stopLimitPrice !== undefined) out.stopLimitPrice = o.stopLimitPrice;
  if (o.stopLoss !== undefined) out.stopLoss = o.stopLoss;
  if (o.takeProfit !== undefined) out.takeProfit = o.takeProfit;
  if (o.positionId !== undefined) out.positionId = o.positionId;
  if (o.closeByPositionId !== undefined) out.closeByPositionId = o.closeByPositionId;
  if (o.comment !== undefined) out.comment = o.comment;
  if (o.clientId !== undefined) out.clientId = o.clientId;
  const spec = account.spec(o.symbol);
  if (spec) out.accountCurrencyExchangeRate = rateOf(account, spec.profitCurrency);
  return out;
}

/** MetatraderDeal. */
export function dealView(account: Account, d: Deal): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: d.id,
    platform: account.platform,
    type: d.type,
    time: iso(d.time),
    brokerTime: brokerTime(d.time),
    profit: d.profit,
    commission: d.commission,
    swap: d.swap,
  };
  if (d.entryType !== undefined) out.entryType = d.entryType;
  if (d.symbol !== undefined) out.symbol = d.symbol;
  if (d.volume !== undefined) out.volume = d.volume;
  if (d.price !== undefined) out.price = d.price;
  if (d.positionId !== undefined) out.positionId = d.positionId;
  if (d.orderId !== undefined) out.orderId = d.orderId;
  if (d.magic !== undefined) out.magic = d.magic;
  if (d.comment !== undefined) out.comment = d.comment;
  if (d.clientId !== undefined) out.clientId = d.clientId;
  if (d.reason !== undefined) out.reason = d.reason;
  if (d.stopLoss !== undefined) out.stopLoss = d.stopLoss;
  if (d.takeProfit !== undefined) out.takeProfit = d.takeProfit;
  return out;
}

/** MetatraderSymbolSpecification (with the sim's extra fields kept out). */
export function specificationView(spec: SymbolSpec): Record<string, unknown> {
  return {
    symbol: spec.symbol,
    description: spec.description,
    path: spec.path,
    digits: spec.digits,
    point: spec.point,
    tickSize: spec.tickSize,
    pipSize: spec.pipSize,
    contractSize: spec.contractSize,
    lotSize: spec.contractSize,
    minVolume: spec.minVolume,
    maxVolume: spec.maxVolume,
    volumeStep: spec.volumeStep,
    stopsLevel: spec.stopsLevel,
    freezeLevel: spec.freezeLevel,
    tradeMode: spec.tradeMode,
    executionMode: spec.execution,
    fillingModes: spec.fillingModes,
    allowedOrderTypes: spec.allowedOrderTypes,
    allowedExpirationModes: spec.allowedExpirationModes,
    orderGTCMode: 'SYMBOL_ORDERS_GTC',
    priceCalculationMode: spec.calcMode,
    baseCurrency: spec.baseCurrency,
    profitCurrency: spec.profitCurrency,
    marginCurrency: spec.marginCurrency,
    initialMargin: 0,
    maintenanceMargin: 0,
    hedgedMargin: 0,
    hedgedMarginUsesLargerLeg: true,
    marginRate: spec.marginRate,
    swapMode: 'SYMBOL_SWAP_MODE_POINTS',
    swapLong: spec.swapLong,
    swapShort: spec.swapShort,
    swapRollover3Days: 'WEDNESDAY',
    tradeSessions: sessionsJson(spec.tradeSessions),
    quoteSessions: sessionsJson(spec.tradeSessions),
  };
}

/** MetatraderSymbolPrice, with tick values in account currency. */
export function priceView(account: Account, market: Market, symbol: string): Record<string, unknown> {
  const spec = account.spec(symbol)!;
  const q = market.quote(symbol)!;
  const tickValue = r2(account.toAccount(spec.tickSize * spec.contractSize, spec.profitCurrency) * 1e5) / 1e5;
  return {
    symbol,
    bid: q.bid,
    ask: q.ask,
    profitTickValue: tickValue,
    lossTickValue: tickValue,
    accountCurrencyExchangeRate: rateOf(account, spec.profitCurrency),
    time: iso(q.time),
    brokerTime: brokerTime(q.time),
  };
}

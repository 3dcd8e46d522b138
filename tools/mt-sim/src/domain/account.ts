import type { Market } from './market';
import { roundVolume } from './symbols';
import type {
  AccountConfig,
  Deal,
  DealEntry,
  DealReason,
  Order,
  OrderReason,
  OrderType,
  Position,
  Side,
  SymbolSpec,
} from './types';

/** Who or what caused a deal, and the tags copied onto the order, deal and position. */
export interface DealMeta {
  orderId: string;
  reason: DealReason;
  magic: number;
  comment?: string;
  clientId?: string;
  stopLoss?: number;
  takeProfit?: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * One simulated trading account: its settings, balance, open positions, pending orders, history and the
 * bookkeeping primitives (open, add, reduce, close) that the trade rules and the triggers build on.
 */
export class Account {
  balance: number;
  credit = 0;
  readonly positions = new Map<string, Position>();
  readonly orders = new Map<string, Order>();
  readonly historyOrders: Order[] = [];
  readonly historyOrderById = new Map<string, Order>();
  readonly deals: Deal[] = [];
  private nextTicket: number;
  private nextDeal: number;
  private readonly specCache = new Map<string, { base: SymbolSpec; merged: SymbolSpec }>();

  constructor(
    public config: AccountConfig,
    balance: number,
    now: number,
    private readonly market: Market,
  ) {
    this.balance = 0;
    this.nextTicket = 50_000_001;
    this.nextDeal = 30_000_001;
    if (balance !== 0) this.bookBalance(balance, now, 'Initial deposit');
  }

  get platform() {
    return this.config.platform;
  }

  /** Returns a fresh order ticket; positions take the ticket of the order that opened them. */
  newTicket(): string {
    return String(this.nextTicket++);
  }

  private newDealId(): string {
    return String(this.nextDeal++);
  }

  /** Returns the symbol spec this account trades with: the global one plus the account's overrides. */
  spec(symbol: string): SymbolSpec | undefined {
    const base = this.market.spec(symbol);
    if (!base) return undefined;
    const override = this.config.symbols[symbol];
    if (!override) return base;
    const cached = this.specCache.get(symbol);
    if (cached && cached.base === base) return cached.merged;
    const merged = { ...base, ...override, symbol };
    this.specCache.set(symbol, { base, merged });
    return merged;
  }

  /** Forgets merged specs after the account's overrides changed. */
  invalidateSpecs(): void {
    this.specCache.clear();
  }

  /** Converts an amount from a currency to the account currency at current mid prices. */
  toAccount(amount: number, currency: string): number {
    return amount * this.market.rate(currency, this.config.currency);
  }

  /** Price at which a position on this side would be closed now (bid for buys, ask for sells). */
  closePrice(symbol: string, side: Side): number {
    const q = this.market.quote(symbol)!;
    return side === 'buy' ? q.bid : q.ask;
  }

  /** Profit of `volume` lots moved from `open` to `close`, in account currency (FOREX/CFD formula, notes §7). */
  profitOf(spec: SymbolSpec, side: Side, volume: number, open: number, close: number): number {
    const diff = side === 'buy' ? close - open : open - close;
    return this.toAccount(diff * spec.contractSize * volume, spec.profitCurrency);
  }

  /** Floating profit of an open position in account currency. */
  positionProfit(p: Position): number {
    const spec = this.spec(p.symbol)!;
    return this.profitOf(spec, p.side, p.volume, p.openPrice, this.closePrice(p.symbol, p.side));
  }

  /** Margin of `volume` lots in account currency, by the symbol's calculation mode (notes §7). */
  marginOf(spec: SymbolSpec, side: Side, volume: number, price?: number): number {
    const q = this.market.quote(spec.symbol)!;
    const marketPrice = price ?? (side === 'buy' ? q.ask : q.bid);
    let inMarginCurrency: number;
    switch (spec.calcMode) {
      case 'SYMBOL_CALC_MODE_FOREX':
        inMarginCurrency = (volume * spec.contractSize * spec.marginRate) / this.config.leverage;
        break;
      case 'SYMBOL_CALC_MODE_FOREX_NO_LEVERAGE':
        inMarginCurrency = volume * spec.contractSize * spec.marginRate;
        break;
      case 'SYMBOL_CALC_MODE_CFD':
        inMarginCurrency = volume * spec.contractSize * marketPrice * spec.marginRate;
        break;
      case 'SYMBOL_CALC_MODE_CFDINDEX':
        inMarginCurrency = ((volume * spec.contractSize * marketPrice * spec.tickValue) / spec.tickSize) * spec.marginRate;
        break;
      case 'SYMBOL_CALC_MODE_CFDLEVERAGE':
        inMarginCurrency = ((volume * spec.contractSize * marketPrice) / this.config.leverage) * spec.marginRate;
        break;
      default: {
        const _exhaustive: never = spec.calcMode;
        throw new Error(`unknown calc mode ${String(_exhaustive)}`);
      }
    }
    return this.toAccount(inMarginCurrency, spec.marginCurrency);
  }

  /**
   * Margin of a set of positions: per symbol, hedged positions charge only the larger leg (the common
   * hedgedMarginUsesLargerLeg broker setting).
   */
  marginOfPositions(positions: Iterable<Pick<Position, 'symbol' | 'side' | 'volume'>>): number {
    // Called for every account on every tick (stop-out): reuse one scratch map instead of allocating.
    const legs = this.legScratch;
    legs.clear();
    for (const p of positions) {
      let leg = legs.get(p.symbol);
      if (!leg) legs.set(p.symbol, (leg = { buy: 0, sell: 0 }));
      leg[p.side] += p.volume;
    }
    let total = 0;
    for (const [symbol, leg] of legs) {
      const spec = this.spec(symbol)!;
      total += Math.max(leg.buy > 0 ? this.marginOf(spec, 'buy', leg.buy) : 0, leg.sell > 0 ? this.marginOf(spec, 'sell', leg.sell) : 0);
    }
    return total;
  }

  private readonly legScratch = new Map<string, { buy: number; sell: number }>();

  margin(): number {
    return this.marginOfPositions(this.positions.values());
  }

  private marginCache = { at: -Infinity, count: -1, volume: -1, sets: -1, value: 0 };

  /**
   * The account margin as computed at most one second of market time ago, recomputed at once when positions
   * changed (count or total volume) or a quote was set by hand. The feed moves margin only slightly in a second;
   * callers keep a safety factor.
   */
  approximateMargin(now: number): number {
    let volume = 0;
    for (const p of this.positions.values()) volume += p.volume;
    const c = this.marginCache;
    const sets = this.market.setCount;
    if (now - c.at >= 1000 || c.count !== this.positions.size || Math.abs(c.volume - volume) > 1e-9 || c.sets !== sets) {
      this.marginCache = { at: now, count: this.positions.size, volume, sets, value: this.margin() };
    }
    return this.marginCache.value;
  }

  /** Balance + credit + floating profit and swap of every open position. */
  equity(): number {
    let eq = this.balance + this.credit;
    for (const p of this.positions.values()) eq += this.positionProfit(p) + p.swap;
    return eq;
  }

  /** Summary numbers of MetatraderAccountInformation. */
  metrics(): { balance: number; equity: number; margin: number; freeMargin: number; marginLevel?: number } {
    const equity = round2(this.equity());
    const margin = round2(this.margin());
    const out: { balance: number; equity: number; margin: number; freeMargin: number; marginLevel?: number } = {
      balance: round2(this.balance),
      equity,
      margin,
      freeMargin: round2(equity - margin),
    };
    if (margin > 0) out.marginLevel = round2((equity / margin) * 100);
    return out;
  }

  commissionFor(volume: number): number {
    return -round2(this.config.commissionPerLot * volume);
  }

  /** Books a deposit or withdrawal as a DEAL_TYPE_BALANCE deal. */
  bookBalance(amount: number, now: number, comment: string): Deal {
    this.balance += amount;
    const deal: Deal = { id: this.newDealId(), type: 'DEAL_TYPE_BALANCE', time: now, profit: round2(amount), commission: 0, swap: 0, comment };
    this.deals.push(deal);
    return deal;
  }

  /** Records a filled market order (the order behind every deal) in history. */
  recordFilledOrder(
    ticket: string,
    symbol: string,
    type: OrderType,
    volume: number,
    price: number,
    now: number,
    meta: Omit<DealMeta, 'orderId'> & { positionId?: string; closeByPositionId?: string; orderReason: OrderReason; filled?: number },
  ): Order {
    const order: Order = {
      id: ticket,
      symbol,
      type,
      state: meta.filled !== undefined && meta.filled < volume ? 'ORDER_STATE_PARTIAL' : 'ORDER_STATE_FILLED',
      volume,
      currentVolume: meta.filled !== undefined ? roundVolume(volume - meta.filled) : 0,
      openPrice: price,
      time: now,
      doneTime: now,
      expirationType: 'ORDER_TIME_GTC',
      magic: meta.magic,
      fillingMode: 'ORDER_FILLING_FOK',
      reason: meta.orderReason,
    };
    if (meta.stopLoss !== undefined) order.stopLoss = meta.stopLoss;
    if (meta.takeProfit !== undefined) order.takeProfit = meta.takeProfit;
    if (meta.positionId !== undefined) order.positionId = meta.positionId;
    if (meta.closeByPositionId !== undefined) order.closeByPositionId = meta.closeByPositionId;
    if (meta.comment !== undefined) order.comment = meta.comment;
    if (meta.clientId !== undefined) order.clientId = meta.clientId;
    this.toHistory(order);
    return order;
  }

  /** Moves an order into history (it must already carry its final state and doneTime). */
  toHistory(order: Order): void {
    this.orders.delete(order.id);
    this.historyOrders.push(order);
    this.historyOrderById.set(order.id, order);
  }

  private pushDeal(d: Omit<Deal, 'id'>): Deal {
    const deal: Deal = { id: this.newDealId(), ...d };
    this.deals.push(deal);
    this.balance += deal.profit + deal.commission + deal.swap;
    return deal;
  }

  /** Opens a new position with a DEAL_ENTRY_IN deal; the position id is the order ticket. */
  openPosition(spec: SymbolSpec, side: Side, volume: number, price: number, now: number, meta: DealMeta): { position: Position; deal: Deal } {
    const commission = this.commissionFor(volume);
    const position: Position = {
      id: meta.orderId,
      symbol: spec.symbol,
      side,
      volume,
      openPrice: price,
      time: now,
      updateTime: now,
      magic: meta.magic,
      swap: 0,
      commission,
      realizedProfit: 0,
      realizedSwap: 0,
      realizedCommission: commission,
      reason: meta.reason === 'DEAL_REASON_CLIENT' ? 'POSITION_REASON_CLIENT' : 'POSITION_REASON_EXPERT',
    };
    if (meta.stopLoss !== undefined) position.stopLoss = meta.stopLoss;
    if (meta.takeProfit !== undefined) position.takeProfit = meta.takeProfit;
    if (meta.comment !== undefined) position.comment = meta.comment;
    if (meta.clientId !== undefined) position.clientId = meta.clientId;
    this.positions.set(position.id, position);
    const deal = this.pushDeal(this.dealFields(spec, side, 'DEAL_ENTRY_IN', volume, price, now, meta, position.id, 0, commission, 0));
    return { position, deal };
  }

  /** Adds volume to an open position (netting), averaging the open price. */
  addToPosition(spec: SymbolSpec, p: Position, volume: number, price: number, now: number, meta: DealMeta): Deal {
    const commission = this.commissionFor(volume);
    const total = roundVolume(p.volume + volume);
    p.openPrice = Number(((p.openPrice * p.volume + price * volume) / total).toFixed(spec.digits + 3));
    p.volume = total;
    p.updateTime = now;
    p.commission += commission;
    p.realizedCommission += commission;
    if (meta.stopLoss !== undefined) p.stopLoss = meta.stopLoss || undefined;
    if (meta.takeProfit !== undefined) p.takeProfit = meta.takeProfit || undefined;
    return this.pushDeal(this.dealFields(spec, p.side, 'DEAL_ENTRY_IN', volume, price, now, meta, p.id, 0, commission, 0));
  }

  /**
   * Closes `volume` lots of a position at `price` with an OUT (or OUT_BY) deal realizing the proportional swap;
   * removes the position when nothing is left.
   */
  reducePosition(spec: SymbolSpec, p: Position, volume: number, price: number, now: number, meta: DealMeta, entry: DealEntry = 'DEAL_ENTRY_OUT'): Deal {
    const profit = round2(this.profitOf(spec, p.side, volume, p.openPrice, price));
    const share = volume / p.volume;
    const swap = round2(p.swap * share);
    const commission = this.commissionFor(volume);
    p.swap -= swap;
    p.volume = roundVolume(p.volume - volume);
    p.realizedProfit += profit;
    p.realizedSwap += swap;
    p.realizedCommission += commission;
    p.updateTime = now;
    const closingSide: Side = p.side === 'buy' ? 'sell' : 'buy';
    const deal = this.pushDeal(this.dealFields(spec, closingSide, entry, volume, price, now, meta, p.id, profit, commission, swap));
    if (p.volume <= 1e-9) this.positions.delete(p.id);
    return deal;
  }

  /** Reverses a netting position with one INOUT deal: the old volume is closed, the remainder opens the other way. */
  reversePosition(spec: SymbolSpec, p: Position, volume: number, price: number, now: number, meta: DealMeta): Deal {
    const closing = p.volume;
    const profit = round2(this.profitOf(spec, p.side, closing, p.openPrice, price));
    const swap = round2(p.swap);
    const commission = this.commissionFor(volume);
    const newSide: Side = p.side === 'buy' ? 'sell' : 'buy';
    p.realizedProfit += profit;
    p.realizedSwap += swap;
    p.realizedCommission += commission;
    p.swap = 0;
    p.side = newSide;
    p.volume = roundVolume(volume - closing);
    p.openPrice = price;
    p.updateTime = now;
    p.stopLoss = meta.stopLoss || undefined;
    p.takeProfit = meta.takeProfit || undefined;
    return this.pushDeal(this.dealFields(spec, newSide, 'DEAL_ENTRY_INOUT', volume, price, now, meta, p.id, profit, commission, swap));
  }

  private dealFields(
    spec: SymbolSpec,
    side: Side,
    entryType: DealEntry,
    volume: number,
    price: number,
    now: number,
    meta: DealMeta,
    positionId: string,
    profit: number,
    commission: number,
    swap: number,
  ): Omit<Deal, 'id'> {
    const d: Omit<Deal, 'id'> = {
      type: side === 'buy' ? 'DEAL_TYPE_BUY' : 'DEAL_TYPE_SELL',
      entryType,
      symbol: spec.symbol,
      volume,
      price,
      time: now,
      profit,
      commission,
      swap,
      positionId,
      orderId: meta.orderId,
      magic: meta.magic,
      reason: meta.reason,
    };
    if (meta.comment !== undefined) d.comment = meta.comment;
    if (meta.clientId !== undefined) d.clientId = meta.clientId;
    if (meta.stopLoss !== undefined) d.stopLoss = meta.stopLoss;
    if (meta.takeProfit !== undefined) d.takeProfit = meta.takeProfit;
    return d;
  }

  /** Tells whether anything on the account reacts to price ticks. */
  isActive(): boolean {
    return this.positions.size > 0 || this.orders.size > 0;
  }
}

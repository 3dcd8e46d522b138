import { Account } from './account';
import { accountConfig, AccountInput } from './account-spec';
import { responseFor } from './codes';
import { FaultSet } from './faults';
import { Ledger } from './ledger';
import { Market } from './market';
import { createRng, hashSeed, Rng } from './random';
import { DEFAULT_SYMBOLS } from './symbols';
import { brokerDayStart, DAY_MS } from './time';
import { executeTrade, TradeContext, TradeOutcome } from './trading';
import { expireOrders, rollover, stopOut, trailStops, triggerOrders, triggerStops, TriggerEvent } from './triggers';
import type { SymbolSpec, TradeRequest, TradeResponse } from './types';

/** Settings of an engine: the seed of every random stream, the start of market time and the tick interval. */
export interface EngineOptions {
  seed: number;
  startTime: number;
  tickMs: number;
  symbols?: readonly SymbolSpec[];
}

/** A trade's outcome plus the MetatraderTradeResponse for the account's platform. */
export interface TradeResult extends TradeOutcome {
  response: TradeResponse;
}

/** At most this many steps are simulated for one clock advance; longer advances take bigger strides. */
const MAX_STEPS_PER_ADVANCE = 20_000;

/** A simulated account with its fault set. */
export interface SimAccount {
  account: Account;
  faults: FaultSet;
}

/**
 * The whole simulated broker: market, accounts, market clock and ledger. Pure and deterministic: time moves only
 * through advanceTo, and every random draw comes from streams seeded by the engine seed.
 */
export class Engine {
  market!: Market;
  readonly accounts = new Map<string, SimAccount>();
  readonly ledger = new Ledger();
  now!: number;
  seed!: number;
  private tradeRng!: Rng;
  faultRng!: Rng;
  private accountCounter = 0;
  private faultCounter = 0;
  private readonly symbols: readonly SymbolSpec[];
  readonly tickMs: number;

  constructor(options: EngineOptions) {
    this.tickMs = options.tickMs;
    this.symbols = options.symbols ?? DEFAULT_SYMBOLS;
    this.reset(options.seed, options.startTime);
  }

  /** Drops every account, fault and ledger entry and restarts the market from the seed at `startTime`. */
  reset(seed: number, startTime: number): void {
    this.seed = seed;
    this.now = startTime;
    this.market = new Market(seed, this.symbols, startTime);
    this.tradeRng = createRng(hashSeed(seed, 'trades'));
    this.faultRng = createRng(hashSeed(seed, 'faults'));
    this.accounts.clear();
    this.ledger.clear();
    this.accountCounter = 0;
  }

  /** Creates an account; throws if the id is taken (the HTTP layer answers 409). */
  createAccount(input: AccountInput): SimAccount {
    const id = input.id ?? `acc-${++this.accountCounter}`;
    if (this.accounts.has(id)) throw new AccountExistsError(id);
    const config = accountConfig(input, id);
    for (const symbol of Object.keys(config.symbols)) {
      if (!this.market.spec(symbol)) throw new UnknownSymbolError(symbol);
    }
    if (!this.market.canConvert('USD', config.currency)) throw new Error(`unsupported currency ${config.currency}`);
    const sim: SimAccount = { account: new Account(config, input.balance ?? 10_000, this.now, this.market), faults: new FaultSet(() => `f-${++this.faultCounter}`) };
    this.accounts.set(id, sim);
    return sim;
  }

  get(id: string): SimAccount | undefined {
    return this.accounts.get(id);
  }

  deleteAccount(id: string): boolean {
    return this.accounts.delete(id);
  }

  /** Executes one validated trade request on an account at the current market time. */
  trade(account: Account, req: TradeRequest, options: { fillFraction?: number; origin?: 'expert' | 'client' } = {}): TradeResult {
    const ctx: TradeContext = { now: this.now, market: this.market, rng: this.tradeRng };
    if (options.fillFraction !== undefined) ctx.fillFraction = options.fillFraction;
    if (options.origin !== undefined) ctx.origin = options.origin;
    const outcome = executeTrade(account, req, ctx);
    const ids: { orderId?: string; positionId?: string } = {};
    if (outcome.orderId !== undefined) ids.orderId = outcome.orderId;
    if (outcome.positionId !== undefined) ids.positionId = outcome.positionId;
    const response = responseFor(account.platform, outcome.reason, ids);
    // A trade can move the account under its stop-out level only by price, never by itself; nothing else to run.
    return { ...outcome, response };
  }

  /**
   * Moves market time forward to `t`, tick by tick: quotes move (unless `movePrices` is false), swaps are booked
   * at each broker midnight, and pending orders, SL/TP, expirations and stop-outs are processed on every account.
   */
  advanceTo(t: number, movePrices = true): TriggerEvent[] {
    const events: TriggerEvent[] = [];
    if (t <= this.now) return events;
    if (!movePrices) {
      // Quotes stand still, so stepping tick by tick would change nothing but the time: book the rollovers, then
      // run expirations and triggers once at the target time.
      this.crossMidnights(this.now, t);
      this.now = t;
      this.processAccounts(events);
      return events;
    }
    const firstTick = Math.floor(this.now / this.tickMs) + 1;
    const lastTick = Math.floor(t / this.tickMs);
    const total = lastTick - firstTick + 1;
    const stride = Math.max(1, Math.ceil(total / MAX_STEPS_PER_ADVANCE));
    for (let k = firstTick; k <= lastTick; k += stride) {
      const time = Math.min(k + stride - 1, lastTick) * this.tickMs;
      this.crossMidnights(this.now, time);
      this.now = time;
      this.market.tick(time, movePrices, Math.min(stride, lastTick - k + 1));
      this.processAccounts(events);
    }
    // Triggers run on ticks only: a real clock syncs on every request, and scanning every account each time would
    // make requests cost O(accounts). Whatever falls between the last tick and `t` waits for the next tick.
    this.crossMidnights(this.now, t);
    this.now = t;
    return events;
  }

  private crossMidnights(from: number, to: number): void {
    for (let day = brokerDayStart(from) + DAY_MS; day <= to; day += DAY_MS) {
      for (const { account } of this.accounts.values()) if (account.positions.size > 0) rollover(account, day);
    }
  }

  /** Runs expirations and triggers on every account that has positions or orders. */
  processAccounts(events: TriggerEvent[] = []): TriggerEvent[] {
    const add = (found: TriggerEvent[]): void => {
      for (const e of found) events.push(e);
    };
    for (const { account } of this.accounts.values()) {
      if (account.orders.size > 0) {
        add(expireOrders(account, this.now));
        add(triggerOrders(account, this.market, this.now));
      }
      if (account.positions.size > 0) {
        trailStops(account, this.now);
        add(triggerStops(account, this.market, this.now));
        add(stopOut(account, this.now));
      }
    }
    return events;
  }

  /** Sets quotes and runs the triggers at once. */
  setPrices(prices: { symbol: string; bid?: number; ask?: number; movePoints?: number }[]): TriggerEvent[] {
    for (const p of prices) {
      const spec = this.market.spec(p.symbol);
      const q = this.market.quote(p.symbol);
      if (!spec || !q) throw new UnknownSymbolError(p.symbol);
      const shift = (p.movePoints ?? 0) * spec.point;
      const bid = (p.bid ?? q.bid) + shift;
      const ask = p.ask !== undefined ? p.ask + shift : p.bid !== undefined ? undefined : q.ask + shift;
      if (ask !== undefined && ask < bid) throw new RangeError(`ask ${ask} below bid ${bid} for ${p.symbol}`);
      this.market.setQuote(p.symbol, bid, ask, this.now);
    }
    return this.processAccounts();
  }

  /** Changes a symbol's specification for every account. */
  patchSymbol(symbol: string, patch: Partial<SymbolSpec>): SymbolSpec {
    const spec = this.market.spec(symbol);
    if (!spec) throw new UnknownSymbolError(symbol);
    const next = { ...spec, ...patch, symbol };
    this.market.updateSpec(next);
    return next;
  }
}

/** Thrown when an account id is already taken. */
export class AccountExistsError extends Error {
  constructor(readonly accountId: string) {
    super(`account ${accountId} already exists`);
  }
}

/** Thrown when a symbol is not in the simulator's table. */
export class UnknownSymbolError extends Error {
  constructor(readonly symbol: string) {
    super(`unknown symbol ${symbol}`);
  }
}

import { createRng, hashSeed, normal, Rng } from './random';
import { roundPrice } from './symbols';
import { brokerClock, inSessionAt } from './time';
import type { Quote, SymbolSpec } from './types';

interface FeedState {
  spec: SymbolSpec;
  rng: Rng;
  quote: Quote;
  spreadPoints: number;
}

/**
 * The shared quote feed: a seeded random walk per symbol, advanced one tick at a time by the engine, so that the
 * prices after n ticks depend only on the seed, n and any prices set through the admin API.
 */
export class Market {
  private readonly feeds = new Map<string, FeedState>();
  /** Conversion rates of the current quotes (from -> to -> rate); dropped whenever a quote changes. */
  private rates = new Map<string, Map<string, number>>();
  /** Counts quotes set from outside the feed (admin price changes), which can jump arbitrarily far. */
  setCount = 0;

  constructor(
    private readonly seed: number,
    specs: readonly SymbolSpec[],
    now: number,
  ) {
    for (const spec of specs) this.addSymbol(spec, now);
  }

  /** Adds (or replaces) a symbol with its start price. */
  addSymbol(spec: SymbolSpec, now: number): void {
    const bid = roundPrice(spec, spec.startBid);
    this.feeds.set(spec.symbol, {
      spec,
      rng: createRng(hashSeed(this.seed, spec.symbol)),
      quote: { bid, ask: roundPrice(spec, bid + spec.spreadPoints * spec.point), time: now },
      spreadPoints: spec.spreadPoints,
    });
  }

  /** Replaces the global spec of a symbol, keeping its current quote. */
  updateSpec(spec: SymbolSpec): void {
    const feed = this.feeds.get(spec.symbol);
    if (feed) feed.spec = spec;
  }

  symbols(): string[] {
    return [...this.feeds.keys()];
  }

  spec(symbol: string): SymbolSpec | undefined {
    return this.feeds.get(symbol)?.spec;
  }

  quote(symbol: string): Quote | undefined {
    return this.feeds.get(symbol)?.quote;
  }

  /**
   * Advances every symbol by one tick (or `stride` ticks at once, with the volatility scaled by √stride) at time `now`.
   * Quotes stay still while a symbol's session is closed, but its random stream is consumed anyway so that later
   * prices do not depend on when the sessions were checked. Returns the symbols whose quote changed.
   */
  tick(now: number, movePrices: boolean, stride = 1): string[] {
    const moved: string[] = [];
    const { weekday, minute } = brokerClock(now);
    const scale = Math.sqrt(stride);
    for (const [symbol, feed] of this.feeds) {
      const step = normal(feed.rng) * feed.spec.volatilityPoints * scale;
      if (!movePrices || !inSessionAt(feed.spec.tradeSessions, weekday, minute)) continue;
      const delta = Math.round(step) * feed.spec.point;
      if (delta === 0) continue;
      const bid = roundPrice(feed.spec, Math.max(feed.quote.bid + delta, feed.spec.point));
      feed.quote = { bid, ask: roundPrice(feed.spec, bid + feed.spreadPoints * feed.spec.point), time: now };
      moved.push(symbol);
      this.rates.clear();
    }
    return moved;
  }

  /** Sets a quote; the ask defaults to the bid plus the current spread. The spread follows what was set. */
  setQuote(symbol: string, bid: number, ask: number | undefined, now: number): void {
    const feed = this.feeds.get(symbol);
    if (!feed) throw new Error(`unknown symbol ${symbol}`);
    const b = roundPrice(feed.spec, bid);
    const a = roundPrice(feed.spec, ask ?? b + feed.spreadPoints * feed.spec.point);
    feed.spreadPoints = Math.round((a - b) / feed.spec.point);
    feed.quote = { bid: b, ask: a, time: now };
    this.rates.clear();
    this.setCount++;
  }

  /** Mid price used for currency conversion. */
  private mid(symbol: string): number | undefined {
    const q = this.feeds.get(symbol)?.quote;
    return q ? (q.bid + q.ask) / 2 : undefined;
  }

  /**
   * Returns how many units of `to` one unit of `from` is worth, at mid prices: directly (EURUSD), inverted
   * (USDJPY for JPY→USD), or through USD (EUR→JPY = EURUSD × USDJPY).
   */
  rate(from: string, to: string): number {
    if (from === to) return 1;
    let byTarget = this.rates.get(from);
    const cached = byTarget?.get(to);
    if (cached !== undefined) return cached;
    const rate = this.computeRate(from, to);
    if (!byTarget) this.rates.set(from, (byTarget = new Map()));
    byTarget.set(to, rate);
    return rate;
  }

  private computeRate(from: string, to: string): number {
    const direct = this.mid(from + to);
    if (direct !== undefined) return direct;
    const inverse = this.mid(to + from);
    if (inverse !== undefined) return 1 / inverse;
    if (from !== 'USD' && to !== 'USD') return this.rate(from, 'USD') * this.rate('USD', to);
    throw new Error(`no conversion rate from ${from} to ${to}`);
  }

  /** Tells whether a conversion path exists between two currencies. */
  canConvert(from: string, to: string): boolean {
    try {
      return Number.isFinite(this.rate(from, to));
    } catch {
      return false;
    }
  }
}

import type { AccountInfo, Price, SymbolSpec, TradingTerminal } from '@tradebridge/bridge';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ResultEvent } from './events';

/**
 * Caps broker calls per account: an account's bulk action or scheduled retry can use at most `perAccount` calls at
 * once, so one busy account never takes the whole global concurrency.
 */
export class AccountGate {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perAccount: number) {
    if (!Number.isInteger(perAccount) || perAccount < 1) throw new RangeError(`per-account concurrency must be >= 1, got ${perAccount}`);
  }

  async run<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    if ((this.running.get(accountId) ?? 0) >= this.perAccount) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(accountId) ?? [];
        queue.push(resolve);
        this.waiting.set(accountId, queue);
      });
    } else {
      this.running.set(accountId, (this.running.get(accountId) ?? 0) + 1);
    }
    try {
      return await work();
    } finally {
      const queue = this.waiting.get(accountId);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.waiting.delete(accountId);
      if (next) next();
      else {
        const n = (this.running.get(accountId) ?? 1) - 1;
        if (n <= 0) this.running.delete(accountId);
        else this.running.set(accountId, n);
      }
    }
  }
}

interface Cached<T> {
  readonly at: number;
  readonly value: Promise<T>;
}

/** Symbol specifications, prices and account currency per account, cached (specs rarely change; prices briefly). */
export class MarketData {
  private readonly specs = new Map<string, Cached<SymbolSpec>>();
  private readonly prices = new Map<string, Cached<Price>>();
  private readonly infos = new Map<string, Cached<AccountInfo>>();

  constructor(
    private readonly nowMs: () => number,
    private readonly specTtlMs = 10 * 60_000,
    private readonly priceTtlMs = 2_000,
    private readonly infoTtlMs = 60_000,
    private readonly tickValueTtlMs = 60_000,
  ) {}

  spec(accountId: string, terminal: TradingTerminal, symbol: string): Promise<SymbolSpec> {
    return this.cached(this.specs, `${accountId}\u0000${symbol}`, this.specTtlMs, () => terminal.getSymbolSpecification(symbol));
  }

  /** A fresh price when `fresh`, else one at most priceTtlMs old. */
  price(accountId: string, terminal: TradingTerminal, symbol: string, fresh = false): Promise<Price> {
    return this.cached(this.prices, `${accountId}\u0000${symbol}`, fresh ? 0 : this.priceTtlMs, () => terminal.getPrice(symbol));
  }

  /**
   * A price read for its tick value only (converting slippage points into account currency): the tick value moves
   * with exchange rates, slowly, so a price up to tickValueTtlMs old serves and a fan-out costs no extra read per fill.
   */
  priceForTickValue(accountId: string, terminal: TradingTerminal, symbol: string): Promise<Price> {
    return this.cached(this.prices, `${accountId}\u0000${symbol}`, this.tickValueTtlMs, () => terminal.getPrice(symbol));
  }

  accountInfo(accountId: string, terminal: TradingTerminal): Promise<AccountInfo> {
    return this.cached(this.infos, accountId, this.infoTtlMs, () => terminal.getAccountInfo());
  }

  private cached<T>(map: Map<string, Cached<T>>, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const now = this.nowMs();
    const hit = map.get(key);
    if (hit && now - hit.at < ttlMs) return hit.value;
    const value = load();
    const entry = { at: now, value };
    map.set(key, entry);
    value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    return value;
  }
}

/** Where result and attempt events go (Kafka in the service; the codec validates them). */
export interface EventSink {
  publish(event: ResultEvent | { readonly topic: 'execution.attempt.recorded'; readonly key: string; readonly value: object }): Promise<void>;
}

/** Prometheus metrics of execution. */
export interface ExecutionMetrics {
  readonly attempts: Counter<'account_id' | 'outcome' | 'handling_class'>;
  readonly brokerRejections: Counter<'account_id' | 'code'>;
  readonly finalRejections: Counter<'account_id' | 'reason'>;
  readonly results: Counter<'kind' | 'state'>;
  readonly signalToAck: Histogram<'kind'>;
  readonly receivedToAck: Histogram<'kind'>;
}

export function createExecutionMetrics(registry: Registry): ExecutionMetrics {
  const registers = [registry];
  const buckets = [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000, 10000];
  return {
    attempts: new Counter({ name: 'execution_attempts_total', help: 'Requests sent to brokers, by account, outcome (success, rejected, unknown) and handling class.', labelNames: ['account_id', 'outcome', 'handling_class'], registers }),
    brokerRejections: new Counter({ name: 'execution_broker_rejections_total', help: 'Broker answers that were not a success, by account and platform code identifier (rate per account and reason).', labelNames: ['account_id', 'code'], registers }),
    finalRejections: new Counter({ name: 'execution_rejections_total', help: 'Intents that ended without a trade, by account and EXEC_* reason.', labelNames: ['account_id', 'reason'], registers }),
    results: new Counter({ name: 'execution_intents_total', help: 'Intents that reached a final state, by kind and state.', labelNames: ['kind', 'state'], registers }),
    signalToAck: new Histogram({ name: 'execution_signal_to_broker_ack_ms', help: 'Signal accepted to broker acknowledgement, in milliseconds.', labelNames: ['kind'], buckets, registers }),
    receivedToAck: new Histogram({ name: 'execution_received_to_broker_ack_ms', help: 'Intent received by execution to broker acknowledgement, in milliseconds.', labelNames: ['kind'], buckets, registers }),
  };
}

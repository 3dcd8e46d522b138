import { EventEmitter } from 'node:events';
import { clientIdFor } from '../domain/client-id';
import { DEFAULT_RECONNECT_BACKOFF, backoffDelay, type BackoffPolicy } from '../domain/backoff';
import { CircuitBreaker, type BreakerSnapshot } from '../domain/circuit-breaker';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  deriveConnectionState,
  type ConnectionState,
  type HealthReason,
  type HealthThresholds,
} from '../domain/connection-health';
import { QualityWindow, type QualitySnapshot, type QualityWindowOptions } from '../domain/quality-window';
import { BRIDGE_CODES, classifyTradeCode } from '../domain/trade-codes';
import {
  BridgeConnectionError,
  BridgeTimeoutError,
  BridgeValidationError,
  CircuitOpenError,
  MetaApiForbiddenError,
  MetaApiInternalError,
  MetaApiUnauthorizedError,
} from '../errors';
import type { TradingTerminal } from '../port/trading-terminal';
import type {
  AccountInfo,
  CancelOrderRequest,
  ClientIdLookup,
  CloseByRequest,
  CloseBySymbolRequest,
  ClosePositionRequest,
  Deal,
  FindByClientIdOptions,
  MarketOrderRequest,
  ModifyOrderRequest,
  ModifyPositionRequest,
  Order,
  PendingOrderRequest,
  Position,
  Price,
  SymbolSpec,
  TimeRange,
  TradeCommon,
  TradeResult,
} from '../port/types';

/** A change of an account's connection state. */
export interface ConnectionTransition {
  readonly accountId: string;
  readonly from: ConnectionState;
  readonly to: ConnectionState;
  readonly reason: HealthReason;
  /** Epoch ms. */
  readonly at: number;
}

/** Requests moved from one endpoint to another (failover, or failback to the primary). */
export interface FailoverEvent {
  readonly accountId: string;
  readonly fromEndpoint: string;
  readonly toEndpoint: string;
  readonly at: number;
}

/** The outcome of one call as seen by the connection, for metrics. */
export interface CallRecord {
  readonly accountId: string;
  readonly endpoint: string;
  readonly kind: 'trade' | 'read' | 'heartbeat';
  readonly operation: string;
  /**
   * `ok`: the terminal answered (a broker rejection is an answer); `failure`: a connectivity failure;
   * `auth_failure`: credentials refused (401/403/404 account); `circuit_open`: failed fast, not sent.
   */
  readonly outcome: Verdict | 'circuit_open';
  readonly rttMs: number;
}

/** Events of a `TerminalConnection`. */
export interface TerminalConnectionEvents {
  state: [ConnectionTransition];
  failover: [FailoverEvent];
  call: [CallRecord];
}

/** One way to reach the account: a terminal and a name for logs and metrics (`primary`, `secondary`, ...). */
export interface Endpoint {
  readonly name: string;
  readonly terminal: TradingTerminal;
}

/** Settings of a `TerminalConnection`. */
export interface TerminalConnectionOptions {
  readonly accountId: string;
  /** Endpoints in order of preference; the first is the primary, the others are failover targets. */
  readonly endpoints: readonly Endpoint[];
  /** Consecutive connectivity failures that open an endpoint's circuit. Default 3. */
  readonly failureThreshold?: number;
  /** Delay before each reconnection probe of an open circuit, growing per failed probe. Default 250 ms .. 30 s. */
  readonly reconnectBackoff?: BackoffPolicy;
  /** Interval of heartbeat pings of the active endpoint, ms; 0 disables heartbeats. Default 5 s. */
  readonly heartbeatIntervalMs?: number;
  readonly health?: Partial<HealthThresholds>;
  readonly quality?: Partial<QualityWindowOptions>;
  /** Epoch-ms clock and [0,1) random source, injectable for tests. */
  readonly now?: () => number;
  readonly random?: () => number;
}

/** A plain-data view of a connection for dashboards, health endpoints and the sync service. */
export interface ConnectionSnapshot {
  readonly accountId: string;
  readonly state: ConnectionState;
  readonly reason: HealthReason;
  /** The endpoint new requests go to, or undefined when every circuit is open. */
  readonly activeEndpoint?: string;
  readonly quality: QualitySnapshot;
  readonly endpoints: readonly (BreakerSnapshot & { readonly name: string })[];
  readonly lastHeartbeatAt?: number;
  readonly lastSuccessAt?: number;
}

/** How one call reflects on the connection. */
export type Verdict = 'ok' | 'failure' | 'auth_failure';

// Codes that say the path to the broker is broken (as opposed to the broker refusing the request).
const CONNECTIVITY_CODES = new Set<number>([
  BRIDGE_CODES.TRADE_TIMEOUT,
  BRIDGE_CODES.CONNECTION_LOST,
  BRIDGE_CODES.NOT_SENT,
  BRIDGE_CODES.SERVER_ERROR,
  -11, // disconnected during trade
  -10, // disconnected before trade
  -7, // trade timed out
  -5, // not synchronized
]);

/** True when a trade result means the connection (not the broker's rules) failed. */
export function isConnectivityFailure(result: TradeResult): boolean {
  if (CONNECTIVITY_CODES.has(result.code)) return true;
  // "No connection with the trade server" on either platform.
  return (result.platform === 'mt5' && result.code === 10031) || (result.platform === 'mt4' && result.code === 6);
}

// Codes that say the account's credentials were refused: the path works, the account cannot be used.
const AUTH_CODES = new Set<number>([BRIDGE_CODES.UNAUTHORIZED, BRIDGE_CODES.FORBIDDEN, BRIDGE_CODES.ACCOUNT_NOT_FOUND]);

/** True when a read error means the connection failed (timeouts, sockets, 5xx). */
export function isConnectivityError(error: unknown): boolean {
  return error instanceof BridgeTimeoutError || error instanceof BridgeConnectionError || error instanceof MetaApiInternalError;
}

/**
 * How a trade result reflects on the connection. Refused credentials are not counted against the circuit: the
 * calls fail fast by themselves and keep answering `fatal`, which is what the caller must see (an open circuit
 * would turn it into a retryable `BRIDGE_CIRCUIT_OPEN`); they mark the connection DISCONNECTED instead.
 */
export function tradeVerdict(result: TradeResult): Verdict {
  if (AUTH_CODES.has(result.code) && result.platform === 'metaapi') return 'auth_failure';
  return isConnectivityFailure(result) ? 'failure' : 'ok';
}

/** How a read error reflects on the connection (see `tradeVerdict`). */
export function errorVerdict(error: unknown): Verdict {
  if (error instanceof MetaApiUnauthorizedError || error instanceof MetaApiForbiddenError) return 'auth_failure';
  return isConnectivityError(error) ? 'failure' : 'ok';
}

/**
 * One account's connection: a `TradingTerminal` that routes every call to the first healthy endpoint, tracks health
 * from heartbeats and call results (CONNECTED / DEGRADED / DISCONNECTED, with transition events), keeps a circuit
 * breaker per endpoint so a dead account fails fast, probes open circuits with exponential backoff and jitter
 * (reconnection), fails over to a secondary endpoint and back, and measures RTT percentiles and error rate.
 * A trade is never sent twice: not to the same endpoint, not to another one.
 */
export class TerminalConnection extends EventEmitter<TerminalConnectionEvents> implements TradingTerminal {
  readonly accountId: string;
  private readonly endpoints: readonly Endpoint[];
  private readonly breakers: CircuitBreaker[];
  private readonly quality: QualityWindow;
  private readonly thresholds: HealthThresholds;
  private readonly heartbeatIntervalMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private current: { state: ConnectionState; reason: HealthReason } = { state: 'DISCONNECTED', reason: 'not_yet_connected' };
  private lastActive: number | undefined;
  private lastHeartbeatAt: number | undefined;
  private lastSuccessAt: number | undefined;
  private authFailed = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly probeTimers = new Map<number, NodeJS.Timeout>();
  private closed = false;

  constructor(options: TerminalConnectionOptions) {
    super();
    if (options.endpoints.length === 0) throw new RangeError('endpoints must not be empty');
    this.accountId = options.accountId;
    this.endpoints = options.endpoints;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = options.reconnectBackoff ?? DEFAULT_RECONNECT_BACKOFF;
    this.thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...options.health };
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5_000;
    this.quality = new QualityWindow({ maxSamples: options.quality?.maxSamples ?? 1_000, windowMs: options.quality?.windowMs ?? 60_000 });
    this.breakers = options.endpoints.map(
      () =>
        new CircuitBreaker({
          failureThreshold: options.failureThreshold ?? 3,
          openDurationMs: (openings) => backoffDelay(this.backoff, openings - 1, this.random()),
        }),
    );
  }

  /** Current state and why. */
  get state(): ConnectionState {
    return this.current.state;
  }

  /** Proves the connection with a first ping and starts the heartbeats. Resolves even when the ping fails. */
  async start(): Promise<ConnectionState> {
    await this.heartbeat();
    this.scheduleHeartbeat();
    return this.current.state;
  }

  /** Stops heartbeats and reconnection probes; in-flight calls complete. */
  close(): void {
    this.closed = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    for (const t of this.probeTimers.values()) clearTimeout(t);
    this.probeTimers.clear();
  }

  /**
   * Probes every endpoint whose circuit is not closed right now, without waiting for its backoff (e.g. after an
   * operator restarted a terminal). Resolves to the resulting state.
   */
  async reconnect(): Promise<ConnectionState> {
    const now = this.now();
    const down = this.breakers.map((b, i) => (b.state(now) === 'closed' ? -1 : i)).filter((i) => i >= 0);
    await Promise.all(down.map((i) => this.pingEndpoint(i)));
    this.reevaluate();
    return this.current.state;
  }

  snapshot(): ConnectionSnapshot {
    const now = this.now();
    const active = this.activeIndex(now);
    return {
      accountId: this.accountId,
      state: this.current.state,
      reason: this.current.reason,
      ...(active === undefined ? {} : { activeEndpoint: this.endpoints[active].name }),
      quality: this.quality.snapshot(now),
      endpoints: this.endpoints.map((e, i) => ({ name: e.name, ...this.breakers[i].snapshot(now) })),
      ...(this.lastHeartbeatAt === undefined ? {} : { lastHeartbeatAt: this.lastHeartbeatAt }),
      ...(this.lastSuccessAt === undefined ? {} : { lastSuccessAt: this.lastSuccessAt }),
    };
  }

  // ---- TradingTerminal: trades ----------------------------------------------------------------------------------

  placeMarketOrder(r: MarketOrderRequest): Promise<TradeResult> {
    return this.trade('placeMarketOrder', r, (t) => t.placeMarketOrder(r));
  }
  placePendingOrder(r: PendingOrderRequest): Promise<TradeResult> {
    return this.trade('placePendingOrder', r, (t) => t.placePendingOrder(r));
  }
  modifyPosition(r: ModifyPositionRequest): Promise<TradeResult> {
    return this.trade('modifyPosition', r, (t) => t.modifyPosition(r));
  }
  modifyOrder(r: ModifyOrderRequest): Promise<TradeResult> {
    return this.trade('modifyOrder', r, (t) => t.modifyOrder(r));
  }
  closePosition(r: ClosePositionRequest): Promise<TradeResult> {
    return this.trade('closePosition', r, (t) => t.closePosition(r));
  }
  closeBy(r: CloseByRequest): Promise<TradeResult> {
    return this.trade('closeBy', r, (t) => t.closeBy(r));
  }
  closePositionsBySymbol(r: CloseBySymbolRequest): Promise<TradeResult> {
    return this.trade('closePositionsBySymbol', r, (t) => t.closePositionsBySymbol(r));
  }
  cancelOrder(r: CancelOrderRequest): Promise<TradeResult> {
    return this.trade('cancelOrder', r, (t) => t.cancelOrder(r));
  }

  // ---- TradingTerminal: reads -----------------------------------------------------------------------------------

  getAccountInfo(): Promise<AccountInfo> {
    return this.read('getAccountInfo', (t) => t.getAccountInfo());
  }
  getPositions(): Promise<readonly Position[]> {
    return this.read('getPositions', (t) => t.getPositions());
  }
  getOrders(): Promise<readonly Order[]> {
    return this.read('getOrders', (t) => t.getOrders());
  }
  getHistoryOrdersByTimeRange(range: TimeRange): Promise<readonly Order[]> {
    return this.read('getHistoryOrdersByTimeRange', (t) => t.getHistoryOrdersByTimeRange(range));
  }
  getHistoryOrdersByPosition(positionId: string): Promise<readonly Order[]> {
    return this.read('getHistoryOrdersByPosition', (t) => t.getHistoryOrdersByPosition(positionId));
  }
  getHistoryOrdersByTicket(ticket: string): Promise<readonly Order[]> {
    return this.read('getHistoryOrdersByTicket', (t) => t.getHistoryOrdersByTicket(ticket));
  }
  getDealsByTimeRange(range: TimeRange): Promise<readonly Deal[]> {
    return this.read('getDealsByTimeRange', (t) => t.getDealsByTimeRange(range));
  }
  getDealsByPosition(positionId: string): Promise<readonly Deal[]> {
    return this.read('getDealsByPosition', (t) => t.getDealsByPosition(positionId));
  }
  getDealsByTicket(ticket: string): Promise<readonly Deal[]> {
    return this.read('getDealsByTicket', (t) => t.getDealsByTicket(ticket));
  }
  getSymbolSpecification(symbol: string): Promise<SymbolSpec> {
    return this.read('getSymbolSpecification', (t) => t.getSymbolSpecification(symbol));
  }
  getPrice(symbol: string): Promise<Price> {
    return this.read('getPrice', (t) => t.getPrice(symbol));
  }
  ping(): Promise<number> {
    return this.read('ping', (t) => t.ping());
  }
  findByClientId(clientId: string, options?: FindByClientIdOptions): Promise<ClientIdLookup> {
    return this.read('findByClientId', (t) => t.findByClientId(clientId, options));
  }

  // ---- routing, health, reconnection --------------------------------------------------------------------------

  /** The first endpoint whose circuit is closed. */
  private activeIndex(now: number): number | undefined {
    const i = this.breakers.findIndex((b) => b.state(now) === 'closed');
    return i < 0 ? undefined : i;
  }

  /**
   * Picks the endpoint for a call. Closed circuits first, in preference order. When none is closed and heartbeats
   * are off, a half-open circuit admits this call as its probe; otherwise the reconnection probes do that job and
   * the call fails fast.
   */
  private acquire(now: number): number | undefined {
    const active = this.activeIndex(now);
    if (active !== undefined) {
      this.noteActive(active, now);
      return active;
    }
    if (this.heartbeatIntervalMs === 0) {
      const i = this.breakers.findIndex((b) => b.tryAcquire(now));
      if (i >= 0) return i;
    }
    return undefined;
  }

  private noteActive(index: number, now: number): void {
    if (this.lastActive !== undefined && this.lastActive !== index) {
      this.emit('failover', { accountId: this.accountId, fromEndpoint: this.endpoints[this.lastActive].name, toEndpoint: this.endpoints[index].name, at: now });
    }
    this.lastActive = index;
  }

  private async trade(operation: string, request: TradeCommon, send: (t: TradingTerminal) => Promise<TradeResult>): Promise<TradeResult> {
    const index = this.acquire(this.now());
    if (index === undefined) {
      this.emit('call', { accountId: this.accountId, endpoint: '-', kind: 'trade', operation, outcome: 'circuit_open', rttMs: 0 });
      this.reevaluate();
      return circuitOpenResult(request);
    }
    let result: TradeResult;
    try {
      result = await send(this.endpoints[index].terminal);
    } catch (error) {
      // Invalid input is refused before sending: it says nothing about the connection, so a probe slot is freed.
      this.breakers[index].releaseProbe();
      throw error;
    }
    this.record(index, 'trade', operation, tradeVerdict(result), result.brokerRoundTripMs);
    return result;
  }

  private async read<T>(operation: string, call: (t: TradingTerminal) => Promise<T>): Promise<T> {
    const now = this.now();
    const index = this.acquire(now);
    if (index === undefined) {
      this.emit('call', { accountId: this.accountId, endpoint: '-', kind: 'read', operation, outcome: 'circuit_open', rttMs: 0 });
      this.reevaluate();
      throw new CircuitOpenError(this.accountId, this.nextProbeAt(now));
    }
    const started = performance.now();
    try {
      const value = await call(this.endpoints[index].terminal);
      this.record(index, 'read', operation, 'ok', performance.now() - started);
      return value;
    } catch (error) {
      if (error instanceof BridgeValidationError) {
        // Refused before sending: says nothing about the connection.
        this.breakers[index].releaseProbe();
      } else {
        this.record(index, 'read', operation, errorVerdict(error), performance.now() - started);
      }
      throw error;
    }
  }

  private record(index: number, kind: CallRecord['kind'], operation: string, verdict: Verdict, rttMs: number): void {
    const now = this.now();
    const breaker = this.breakers[index];
    const wasOpen = breaker.state(now) !== 'closed';
    if (verdict === 'failure') {
      breaker.onFailure(now);
    } else {
      // An answer, even a refusal of the credentials, proves the path to the terminal works.
      breaker.onSuccess(now);
      this.authFailed = verdict === 'auth_failure';
      if (verdict === 'ok') this.lastSuccessAt = now;
    }
    // A failed reconnection probe is the outage itself, already told by DISCONNECTED; counted in the quality window it
    // would keep a recovered connection DEGRADED for as long as the outage lasted, however healthy it is again.
    if (!(verdict === 'failure' && wasOpen)) this.quality.record(now, rttMs, verdict === 'ok');
    this.emit('call', { accountId: this.accountId, endpoint: this.endpoints[index].name, kind, operation, outcome: verdict, rttMs });
    if (verdict === 'failure' && !wasOpen && breaker.state(now) === 'open') this.scheduleProbe(index);
    this.reevaluate();
  }

  private reevaluate(): void {
    const now = this.now();
    const active = this.activeIndex(now);
    const next = deriveConnectionState(
      {
        consecutiveFailures: active === undefined ? this.thresholds.disconnectedAfterFailures : this.breakers[active].snapshot(now).consecutiveFailures,
        allCircuitsOpen: active === undefined,
        authFailed: this.authFailed,
        onSecondary: active !== undefined && active > 0,
        neverConnected: this.lastSuccessAt === undefined,
        quality: this.quality.snapshot(now),
      },
      this.thresholds,
    );
    if (active !== undefined) this.noteActive(active, now);
    if (next.state !== this.current.state) {
      const transition = { accountId: this.accountId, from: this.current.state, to: next.state, reason: next.reason, at: now };
      this.current = next;
      this.emit('state', transition);
    } else {
      this.current = next;
    }
  }

  private nextProbeAt(now: number): number | undefined {
    const times = this.breakers.map((b) => b.snapshot(now).openUntil).filter((t): t is number => t !== undefined);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Reconnection: when an endpoint's circuit opens, ping it once its open period (backoff with jitter) has passed. */
  private scheduleProbe(index: number): void {
    if (this.closed || this.probeTimers.has(index)) return;
    const openUntil = this.breakers[index].snapshot(this.now()).openUntil ?? this.now();
    const timer = setTimeout(() => {
      this.probeTimers.delete(index);
      void this.probe(index);
    }, Math.max(0, openUntil - this.now()));
    timer.unref();
    this.probeTimers.set(index, timer);
  }

  private async probe(index: number): Promise<void> {
    if (this.closed) return;
    const breaker = this.breakers[index];
    if (!breaker.tryAcquire(this.now())) {
      if (breaker.state(this.now()) === 'open') this.scheduleProbe(index);
      return;
    }
    const ok = await this.pingEndpoint(index);
    if (!ok) this.scheduleProbe(index);
  }

  private async pingEndpoint(index: number): Promise<boolean> {
    const started = performance.now();
    try {
      const rtt = await this.endpoints[index].terminal.ping();
      this.lastHeartbeatAt = this.now();
      this.record(index, 'heartbeat', 'ping', 'ok', rtt);
      return true;
    } catch (error) {
      this.lastHeartbeatAt = this.now();
      const verdict = errorVerdict(error);
      this.record(index, 'heartbeat', 'ping', verdict, performance.now() - started);
      return verdict !== 'failure';
    }
  }

  /** One heartbeat: ping the active endpoint (or, when every circuit is open, let the probes do the work). */
  private async heartbeat(): Promise<void> {
    const active = this.activeIndex(this.now());
    if (active === undefined) {
      this.reevaluate();
      return;
    }
    await this.pingEndpoint(active);
  }

  private scheduleHeartbeat(): void {
    if (this.closed || this.heartbeatIntervalMs === 0) return;
    this.heartbeatTimer = setTimeout(() => {
      void this.heartbeat().finally(() => this.scheduleHeartbeat());
    }, this.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }
}

function circuitOpenResult(request: TradeCommon): TradeResult {
  if (!request.intentId) throw new BridgeValidationError('intentId', 'must not be empty');
  const c = classifyTradeCode('mt5', BRIDGE_CODES.CIRCUIT_OPEN);
  return {
    status: 'rejected',
    handling: c.handling,
    platform: c.platform,
    code: c.code,
    codeId: c.codeId,
    message: c.description,
    brokerRoundTripMs: 0,
    clientId: clientIdFor(request.intentId),
  };
}

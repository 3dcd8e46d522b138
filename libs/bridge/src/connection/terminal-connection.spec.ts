import { Registry } from 'prom-client';
import { BridgeTimeoutError, BridgeValidationError, CircuitOpenError, MetaApiUnauthorizedError } from '../errors';
import type { TradingTerminal } from '../port/trading-terminal';
import type { TradeResult } from '../port/types';
import { ConnectionManager } from './connection-manager';
import { TerminalConnection, type ConnectionTransition, type FailoverEvent } from './terminal-connection';

type Mode = 'ok' | 'down' | 'reject' | 'unauthorized';

/** A hand-written terminal stub: answers, fails at the connection level, or rejects like a broker. */
class StubTerminal implements TradingTerminal {
  mode: Mode = 'ok';
  trades = 0;
  pings = 0;
  constructor(readonly accountId: string) {}

  private async tradeResult(clientId = 'TBSTUBSTUBSTUBST'): Promise<TradeResult> {
    this.trades += 1;
    if (this.mode === 'down') {
      return { status: 'outcome_unknown', handling: 'outcome_unknown', platform: 'metaapi', code: -1001, codeId: 'BRIDGE_TRADE_TIMEOUT', message: 'timeout', brokerRoundTripMs: 50, clientId };
    }
    if (this.mode === 'unauthorized') {
      return { status: 'rejected', handling: 'fatal', platform: 'metaapi', code: -1006, codeId: 'BRIDGE_UNAUTHORIZED', message: '401', brokerRoundTripMs: 2, clientId };
    }
    if (this.mode === 'reject') {
      return { status: 'rejected', handling: 'modify_and_retry', hint: 'reduce_volume', platform: 'mt5', code: 10019, codeId: 'TRADE_RETCODE_NO_MONEY', message: 'no money', brokerRoundTripMs: 5, clientId };
    }
    return { status: 'success', handling: 'success', platform: 'mt5', code: 10009, codeId: 'TRADE_RETCODE_DONE', message: 'done', orderId: '1', positionId: '1', brokerRoundTripMs: 5, clientId };
  }
  private async readValue<T>(value: T): Promise<T> {
    if (this.mode === 'down') throw new BridgeTimeoutError('read', 10);
    if (this.mode === 'unauthorized') throw new MetaApiUnauthorizedError(401, 'UnauthorizedError', 'bad token');
    return value;
  }
  placeMarketOrder = () => this.tradeResult();
  placePendingOrder = () => this.tradeResult();
  modifyPosition = () => this.tradeResult();
  modifyOrder = () => this.tradeResult();
  closePosition = () => this.tradeResult();
  closeBy = () => this.tradeResult();
  closePositionsBySymbol = () => this.tradeResult();
  cancelOrder = () => this.tradeResult();
  getAccountInfo = () => this.readValue({ platform: 'mt5' as const, broker: 'b', server: 's', currency: 'USD', balance: 1, equity: 1, margin: 0, freeMargin: 1, leverage: 100, credit: 0, tradeAllowed: true, investorMode: false });
  getPositions = () => this.readValue([]);
  getOrders = () => this.readValue([]);
  getHistoryOrdersByTimeRange = () => this.readValue([]);
  getHistoryOrdersByPosition = () => this.readValue([]);
  getHistoryOrdersByTicket = () => this.readValue([]);
  getDealsByTimeRange = () => this.readValue([]);
  getDealsByPosition = () => this.readValue([]);
  getDealsByTicket = () => this.readValue([]);
  getSymbolSpecification = (symbol: string) => (symbol === '' ? Promise.reject(new BridgeValidationError('symbol', 'must be a non-empty string')) : this.readValue({ symbol: 'EURUSD', digits: 5, point: 0.00001, tickSize: 0.00001, contractSize: 100000, minVolume: 0.01, maxVolume: 100, volumeStep: 0.01, stopsLevel: 0, freezeLevel: 0, fillingModes: [] }));
  getPrice = () => this.readValue({ symbol: 'EURUSD', bid: 1, ask: 1.0001, time: new Date(0) });
  ping = async () => {
    this.pings += 1;
    return this.readValue(3);
  };
  findByClientId = (clientId: string) => this.readValue({ clientId, found: false, complete: true, positions: [], orders: [], historyOrders: [], deals: [] });
}

const order = { intentId: 'intent-1', symbol: 'EURUSD', side: 'buy' as const, volume: 0.1 };

function setup(endpoints = 1, heartbeatIntervalMs = 0) {
  let clock = 1_000_000;
  const stubs = Array.from({ length: endpoints }, () => new StubTerminal('acc-1'));
  const connection = new TerminalConnection({
    accountId: 'acc-1',
    endpoints: stubs.map((terminal, i) => ({ name: i === 0 ? 'primary' : 'secondary', terminal })),
    failureThreshold: 3,
    reconnectBackoff: { initialMs: 60_000, maxMs: 60_000, multiplier: 2, jitter: 'none' },
    heartbeatIntervalMs,
    now: () => clock,
    random: () => 0.5,
  });
  const transitions: ConnectionTransition[] = [];
  const failovers: FailoverEvent[] = [];
  connection.on('state', (t) => transitions.push(t));
  connection.on('failover', (f) => failovers.push(f));
  return { connection, stubs, transitions, failovers, advance: (ms: number) => (clock += ms) };
}

describe('TerminalConnection', () => {
  it('given a fresh connection, when the first ping answers, then it becomes CONNECTED', async () => {
    const { connection, transitions } = setup();
    expect(connection.state).toBe('DISCONNECTED');
    await connection.start();
    expect(connection.state).toBe('CONNECTED');
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['DISCONNECTED->CONNECTED']);
    connection.close();
  });

  it('given broker rejections, then they do not count against the connection', async () => {
    const { connection, stubs } = setup();
    await connection.start();
    stubs[0].mode = 'reject';
    for (let i = 0; i < 5; i++) expect((await connection.placeMarketOrder(order)).code).toBe(10019);
    expect(connection.state).toBe('CONNECTED');
    expect(connection.snapshot().endpoints[0].state).toBe('closed');
    connection.close();
  });

  it('given three timeouts in a row, then the circuit opens and further trades fail fast without being sent', async () => {
    const { connection, stubs, transitions } = setup();
    await connection.start();
    stubs[0].mode = 'down';
    for (let i = 0; i < 3; i++) await connection.placeMarketOrder(order);
    expect(stubs[0].trades).toBe(3);
    expect(connection.state).toBe('DISCONNECTED');
    expect(transitions.map((t) => t.to)).toEqual(['CONNECTED', 'DEGRADED', 'DISCONNECTED']);

    const fast = await connection.placeMarketOrder(order);
    expect(fast).toMatchObject({ status: 'rejected', handling: 'retry_backoff', codeId: 'BRIDGE_CIRCUIT_OPEN', brokerRoundTripMs: 0 });
    expect(stubs[0].trades).toBe(3);
    await expect(connection.getPositions()).rejects.toBeInstanceOf(CircuitOpenError);
    connection.close();
  });

  it('given an open circuit and heartbeats off, when the open period passes, then one call probes and a success closes it', async () => {
    const { connection, stubs, advance } = setup();
    await connection.start();
    stubs[0].mode = 'down';
    for (let i = 0; i < 3; i++) await connection.placeMarketOrder(order);
    connection.close(); // no background probes: the call itself must be the probe
    stubs[0].mode = 'ok';
    advance(60_000);
    expect((await connection.placeMarketOrder(order)).status).toBe('success');
    expect(connection.state).toBe('CONNECTED');
  });

  it('given a long outage, when the terminal answers again, then it is CONNECTED at once: failed probes are not counted as calls', async () => {
    const { connection, stubs, transitions, advance } = setup();
    await connection.start();
    for (let i = 0; i < 20; i++) await connection.getPositions();
    stubs[0].mode = 'down';
    for (let i = 0; i < 3; i++) await connection.getPositions().catch(() => undefined);
    expect(connection.state).toBe('DISCONNECTED');
    for (let i = 0; i < 30; i++) {
      advance(1_000);
      await connection.reconnect(); // a failed probe each time
    }
    expect(stubs[0].pings).toBe(31);
    expect(connection.snapshot().quality).toMatchObject({ calls: 24, failures: 3 });
    stubs[0].mode = 'ok';
    await connection.reconnect();
    expect(connection.state).toBe('CONNECTED');
    expect(transitions.map((t) => t.to)).toEqual(['CONNECTED', 'DEGRADED', 'DISCONNECTED', 'CONNECTED']);
    connection.close();
  });

  it('given a secondary endpoint, when the primary fails, then requests fail over, and fail back once it recovers', async () => {
    const { connection, stubs, failovers, advance } = setup(2, 0);
    await connection.start();
    stubs[0].mode = 'down';
    for (let i = 0; i < 3; i++) await connection.getPositions().catch(() => undefined);
    expect(connection.state).toBe('DEGRADED');
    expect(connection.snapshot().activeEndpoint).toBe('secondary');

    expect((await connection.placeMarketOrder(order)).status).toBe('success');
    expect(stubs[1].trades).toBe(1);
    expect(failovers).toEqual([expect.objectContaining({ fromEndpoint: 'primary', toEndpoint: 'secondary' })]);

    // the primary comes back and is probed (here on demand, otherwise by the backoff timer)
    // (and the failures have left the one-minute quality window)
    stubs[0].mode = 'ok';
    advance(60_001);
    await connection.reconnect();
    expect(connection.snapshot().activeEndpoint).toBe('primary');
    expect(connection.state).toBe('CONNECTED');
    expect(failovers.map((f) => f.toEndpoint)).toEqual(['secondary', 'primary']);
    connection.close();
  });

  it('given refused credentials, then every trade keeps answering fatal (never circuit-open) and the state is DISCONNECTED', async () => {
    const { connection, stubs, transitions } = setup();
    await connection.start();
    stubs[0].mode = 'unauthorized';
    for (let i = 0; i < 5; i++) expect((await connection.placeMarketOrder(order)).codeId).toBe('BRIDGE_UNAUTHORIZED');
    expect(stubs[0].trades).toBe(5);
    expect(connection.snapshot()).toMatchObject({ state: 'DISCONNECTED', reason: 'auth_failed', endpoints: [{ state: 'closed' }] });
    stubs[0].mode = 'ok';
    await connection.placeMarketOrder(order);
    expect(transitions.map((t) => t.to)).toEqual(['CONNECTED', 'DISCONNECTED', 'DEGRADED']); // degraded while the errors are in the window
    connection.close();
  });

  it('given input refused before sending, then the call is not counted for or against the connection', async () => {
    const { connection } = setup();
    await connection.start();
    const before = connection.snapshot().quality.calls;
    await expect(connection.getSymbolSpecification('')).rejects.toBeInstanceOf(BridgeValidationError);
    expect(connection.snapshot().quality.calls).toBe(before);
    await connection.getSymbolSpecification('EURUSD');
    expect(connection.snapshot().quality.calls).toBe(before + 1);
    connection.close();
  });

  it('never sends a failed trade to the secondary endpoint', async () => {
    const { connection, stubs } = setup(2);
    await connection.start();
    stubs[0].mode = 'down';
    const r = await connection.placeMarketOrder(order);
    expect(r.status).toBe('outcome_unknown');
    expect(stubs[0].trades + stubs[1].trades).toBe(1);
    connection.close();
  });
});

describe('ConnectionManager metrics', () => {
  it('given a registry, then state, RTT quantiles, error rate and circuits are exported per account', async () => {
    const registry = new Registry();
    const manager = new ConnectionManager({ registry, heartbeatIntervalMs: 0 });
    const stub = new StubTerminal('acc-9');
    await manager.adopt(new TerminalConnection({ accountId: 'acc-9', endpoints: [{ name: 'primary', terminal: stub }], heartbeatIntervalMs: 0 }));
    await manager.require('acc-9').placeMarketOrder(order);
    const text = await registry.metrics();
    expect(text).toContain('bridge_connection_state{account_id="acc-9"} 2');
    expect(text).toMatch(/bridge_rtt_ms\{account_id="acc-9",quantile="0.99"\} \d/);
    expect(text).toContain('bridge_error_rate{account_id="acc-9"} 0');
    expect(text).toContain('bridge_circuit_open{account_id="acc-9",endpoint="primary"} 0');
    expect(text).toContain('bridge_calls_total{account_id="acc-9",kind="trade",outcome="ok"} 1');
    await manager.close();
  });

  it('refuses to add the same account twice', async () => {
    const manager = new ConnectionManager({ heartbeatIntervalMs: 0 });
    const make = () => new TerminalConnection({ accountId: 'dup', endpoints: [{ name: 'primary', terminal: new StubTerminal('dup') }], heartbeatIntervalMs: 0 });
    await manager.adopt(make());
    await expect(manager.adopt(make())).rejects.toThrow(/accountId/);
    await manager.close();
  });
});

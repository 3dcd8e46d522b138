/**
 * Connection management against the simulator over real HTTP: a dead account's circuit opens while a healthy
 * account keeps trading; heartbeats see a terminal go away and come back; failover to a secondary endpoint and back.
 */
import { startSimulator, type RunningSimulator } from '@tradebridge/mt-sim';
import { Registry } from 'prom-client';
import type { Agent } from 'undici';
import { createMetaApiAgent } from '../adapters/metaapi/http-transport';
import { ConnectionManager } from '../connection/connection-manager';
import type { ConnectionTransition, FailoverEvent } from '../connection/terminal-connection';
import { CircuitOpenError } from '../errors';
import { LOOKBACK_MS, Relay, buy, waitFor } from './support';

let sim: RunningSimulator;
let agent: Agent;
let seq = 0;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5 });
  agent = createMetaApiAgent({ connectTimeoutMs: 500 });
});

afterAll(async () => {
  await agent?.close();
  await sim?.close();
});

async function simAccount(): Promise<{ id: string; token: string }> {
  const id = `conn-${process.pid}-${++seq}`;
  const token = `token-${id}`;
  await sim.admin.createAccount({ id, token, platform: 'mt5', balance: 100_000 });
  return { id, token };
}

it('given a dead account beside a healthy one, when the dead one times out, then its circuit opens and fails fast while the healthy one keeps trading', async () => {
  const registry = new Registry();
  const manager = new ConnectionManager({
    dispatcher: agent,
    registry,
    failureThreshold: 3,
    heartbeatIntervalMs: 60_000,
    reconnectBackoff: { initialMs: 60_000, maxMs: 60_000, multiplier: 2, jitter: 'none' },
  });
  const transitions: ConnectionTransition[] = [];
  manager.on('state', (t) => transitions.push(t));
  try {
    const healthy = await simAccount();
    const dead = await simAccount();
    // given the dead account's terminal hangs far beyond the trade timeout on every path
    await sim.admin.injectFault(dead.id, { kind: 'latency', ms: 10_000 });
    const healthyConn = await manager.add({ accountId: healthy.id, token: healthy.token, platform: 'mt5', baseUrl: sim.url, timeouts: { tradeMs: 2_000, readMs: 2_000 }, historyLookbackMs: LOOKBACK_MS });
    const deadConn = await manager.add({ accountId: dead.id, token: dead.token, platform: 'mt5', baseUrl: sim.url, timeouts: { tradeMs: 6_000, readMs: 1_500 } });
    expect(healthyConn.state).toBe('CONNECTED');
    expect(deadConn.state).toBe('DISCONNECTED'); // its first ping timed out

    // when the dead account is sent trades (they hang) while the healthy account trades
    let deadSettled = false;
    const deadTrades = Promise.all([1, 2].map((i) => deadConn.placeMarketOrder(buy(`${dead.id}-${i}`)))).finally(() => (deadSettled = true));
    const healthyResults = [];
    for (let i = 0; i < 10; i++) healthyResults.push(await healthyConn.placeMarketOrder(buy(`${healthy.id}-${i}`, { volume: 0.01 })));

    // then the healthy account finished all its trades while the dead account's were still hanging
    expect(deadSettled).toBe(false);
    expect(healthyResults.every((r) => r.status === 'success')).toBe(true);

    // and the dead account's trades ended as outcome_unknown (never resent), opening its circuit
    const dr = await deadTrades;
    expect(dr.map((r) => r.codeId)).toEqual(['BRIDGE_TRADE_TIMEOUT', 'BRIDGE_TRADE_TIMEOUT']);
    expect(deadConn.state).toBe('DISCONNECTED');
    expect(deadConn.snapshot().endpoints[0].state).toBe('open');

    // when the dead account is asked again, then it fails fast and nothing reaches the terminal
    const fast = await deadConn.placeMarketOrder(buy(`${dead.id}-3`));
    expect(fast).toMatchObject({ status: 'rejected', handling: 'retry_backoff', codeId: 'BRIDGE_CIRCUIT_OPEN', brokerRoundTripMs: 0 });
    expect((await sim.admin.ledgerCount({ accountId: dead.id, clientId: fast.clientId })).received).toBe(0);
    await expect(deadConn.getPositions()).rejects.toBeInstanceOf(CircuitOpenError);

    // and the healthy account is untouched
    expect(healthyConn.state).toBe('CONNECTED');
    expect(healthyConn.snapshot().quality.errorRate).toBe(0);
    expect(transitions.filter((t) => t.accountId === healthy.id).map((t) => t.to)).toEqual(['CONNECTED']);
    const metrics = await registry.metrics();
    expect(metrics).toContain(`bridge_connection_state{account_id="${dead.id}"} 0`);
    expect(metrics).toContain(`bridge_connection_state{account_id="${healthy.id}"} 2`);
    expect(metrics).toContain(`bridge_circuit_open{account_id="${dead.id}",endpoint="primary"} 1`);
    expect(metrics).toContain(`bridge_calls_total{account_id="${dead.id}",kind="trade",outcome="circuit_open"} 1`);

    // when the terminal recovers and an operator asks for a reconnect, then trading resumes
    await sim.admin.clearFaults(dead.id);
    expect(await deadConn.reconnect()).not.toBe('DISCONNECTED');
    expect((await deadConn.placeMarketOrder(buy(`${dead.id}-4`))).status).toBe('success');
  } finally {
    await manager.close();
  }
});

it('given heartbeats, when the terminal goes away and comes back, then CONNECTED -> DEGRADED -> DISCONNECTED -> CONNECTED by itself', async () => {
  const relay = new Relay(sim.port);
  await relay.start();
  const manager = new ConnectionManager({
    dispatcher: agent,
    failureThreshold: 3,
    heartbeatIntervalMs: 50,
    reconnectBackoff: { initialMs: 50, maxMs: 400, multiplier: 2, jitter: 'equal' },
    quality: { windowMs: 1_000 },
  });
  const transitions: ConnectionTransition[] = [];
  manager.on('state', (t) => transitions.push(t));
  try {
    const account = await simAccount();
    const conn = await manager.add({ accountId: account.id, token: account.token, platform: 'mt5', baseUrl: relay.url, timeouts: { tradeMs: 1_000, readMs: 1_000 } });
    expect(conn.state).toBe('CONNECTED');

    await relay.stop();
    await waitFor(() => conn.state === 'DISCONNECTED', 15_000, 'DISCONNECTED after the terminal went away');
    // a trade while it is down is refused without being sent (never an unknown outcome)
    const down = await conn.placeMarketOrder(buy(`${account.id}-down`));
    expect(['BRIDGE_CIRCUIT_OPEN', 'BRIDGE_NOT_SENT']).toContain(down.codeId);
    expect(down.handling).toBe('retry_backoff');

    await relay.start();
    await waitFor(() => conn.state === 'CONNECTED', 15_000, 'CONNECTED after the terminal came back');
    expect((await conn.placeMarketOrder(buy(`${account.id}-up`))).status).toBe('success');

    const path = transitions.map((t) => t.to);
    expect(path.slice(0, 3)).toEqual(['CONNECTED', 'DEGRADED', 'DISCONNECTED']);
    expect(path.at(-1)).toBe('CONNECTED');
  } finally {
    await manager.close();
    await relay.stop();
  }
});

it('given a secondary endpoint, when the primary goes away, then requests fail over to it, and fail back when the primary returns', async () => {
  const relay = new Relay(sim.port);
  await relay.start();
  const manager = new ConnectionManager({
    dispatcher: agent,
    failureThreshold: 3,
    heartbeatIntervalMs: 50,
    reconnectBackoff: { initialMs: 50, maxMs: 400, multiplier: 2, jitter: 'equal' },
    quality: { windowMs: 1_000 },
  });
  const failovers: FailoverEvent[] = [];
  manager.on('failover', (f) => failovers.push(f));
  try {
    const account = await simAccount();
    const conn = await manager.add({
      accountId: account.id,
      token: account.token,
      platform: 'mt5',
      baseUrl: relay.url,
      secondaryBaseUrl: sim.url,
      timeouts: { tradeMs: 1_000, readMs: 1_000 },
      historyLookbackMs: LOOKBACK_MS,
    });
    expect(conn.snapshot().activeEndpoint).toBe('primary');

    await relay.stop();
    await waitFor(() => conn.snapshot().activeEndpoint === 'secondary', 15_000, 'failover to the secondary endpoint');
    expect(conn.state).toBe('DEGRADED');
    const r = await conn.placeMarketOrder(buy(`${account.id}-via-secondary`));
    expect(r.status).toBe('success');
    expect((await conn.findByClientId(r.clientId)).positions).toHaveLength(1);

    await relay.start();
    await waitFor(() => conn.snapshot().activeEndpoint === 'primary' && conn.state === 'CONNECTED', 15_000, 'failback to the primary endpoint');
    expect(failovers.map((f) => `${f.fromEndpoint}->${f.toEndpoint}`)).toEqual(['primary->secondary', 'secondary->primary']);
    expect((await conn.placeMarketOrder(buy(`${account.id}-via-primary`))).status).toBe('success');
  } finally {
    await manager.close();
    await relay.stop();
  }
});

it('given refused credentials, then the account is DISCONNECTED (auth_failed) and every trade keeps answering fatal, never circuit-open', async () => {
  const manager = new ConnectionManager({ dispatcher: agent, failureThreshold: 3, heartbeatIntervalMs: 60_000 });
  try {
    const account = await simAccount();
    const conn = await manager.add({ accountId: account.id, token: 'wrong-token', platform: 'mt5', baseUrl: sim.url });
    expect(conn.snapshot()).toMatchObject({ state: 'DISCONNECTED', reason: 'auth_failed' });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await conn.placeMarketOrder(buy(`${account.id}-${i}`)));
    expect(results.map((r) => `${r.handling}:${r.codeId}`)).toEqual(Array(5).fill('fatal:BRIDGE_UNAUTHORIZED'));
    expect((await sim.admin.ledgerCount({ accountId: account.id })).executed).toBe(0);
  } finally {
    await manager.close();
  }
});

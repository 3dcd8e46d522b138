import { EventEmitter } from 'node:events';
import type { Agent } from 'undici';
import { Counter, Gauge, type Registry } from 'prom-client';
import { MetaApiTerminal, type MetaApiTerminalOptions } from '../adapters/metaapi/metaapi-terminal';
import { createMetaApiAgent, type MetaApiAgentOptions } from '../adapters/metaapi/http-transport';
import type { ConnectionState } from '../domain/connection-health';
import { BridgeValidationError } from '../errors';
import {
  TerminalConnection,
  type CallRecord,
  type ConnectionSnapshot,
  type ConnectionTransition,
  type FailoverEvent,
  type TerminalConnectionOptions,
} from './terminal-connection';

/** How to reach one account through MetaApi: its credentials, region, and optional failover endpoint. */
export interface AccountEndpointConfig
  extends Omit<MetaApiTerminalOptions, 'baseUrl' | 'dispatcher'> {
  /** Primary base URL; default the region host. */
  readonly baseUrl?: string;
  /** Secondary base URL to fail over to (another region replica, or a second simulator). */
  readonly secondaryBaseUrl?: string;
}

/** Settings shared by every connection of a manager. */
export interface ConnectionManagerOptions
  extends Omit<TerminalConnectionOptions, 'accountId' | 'endpoints'> {
  /** The shared keep-alive pool; default one created from `agent`. */
  readonly dispatcher?: Agent;
  /** Settings of the pool the manager creates when no dispatcher is given. */
  readonly agent?: MetaApiAgentOptions;
  /** Exposes connection metrics in this prom-client registry when given. */
  readonly registry?: Registry;
}

/** Events of a `ConnectionManager`: every connection's events, re-emitted. */
export interface ConnectionManagerEvents {
  state: [ConnectionTransition];
  failover: [FailoverEvent];
}

const STATE_VALUE: Record<ConnectionState, number> = { DISCONNECTED: 0, DEGRADED: 1, CONNECTED: 2 };

/**
 * Owns the connections of many accounts over one shared keep-alive pool: one `TerminalConnection` per account,
 * each with its own circuit breakers, so a dead account fails fast and never slows the others.
 */
export class ConnectionManager extends EventEmitter<ConnectionManagerEvents> {
  private readonly connections = new Map<string, TerminalConnection>();
  private readonly dispatcher: Agent;
  private readonly ownsDispatcher: boolean;
  private readonly calls?: Counter<'account_id' | 'kind' | 'outcome'>;
  private readonly transitions?: Counter<'account_id' | 'to'>;

  constructor(private readonly options: ConnectionManagerOptions = {}) {
    super();
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? createMetaApiAgent(options.agent);
    if (options.registry) {
      const registers = [options.registry];
      this.calls = new Counter({ name: 'bridge_calls_total', help: 'Calls to trading terminals by outcome (ok: the terminal answered; failure: connectivity failure; circuit_open: failed fast).', labelNames: ['account_id', 'kind', 'outcome'], registers });
      this.transitions = new Counter({ name: 'bridge_connection_transitions_total', help: 'Connection state transitions by target state.', labelNames: ['account_id', 'to'], registers });
      const connections = () => [...this.connections.values()].map((c) => c.snapshot());
      new Gauge({
        name: 'bridge_connection_state',
        help: 'Connection state per account: 2 CONNECTED, 1 DEGRADED, 0 DISCONNECTED.',
        labelNames: ['account_id'],
        registers,
        collect() {
          this.reset();
          for (const s of connections()) this.set({ account_id: s.accountId }, STATE_VALUE[s.state]);
        },
      });
      new Gauge({
        name: 'bridge_rtt_ms',
        help: 'Round-trip time of successful calls over the sliding window, by quantile.',
        labelNames: ['account_id', 'quantile'],
        registers,
        collect() {
          this.reset();
          for (const s of connections()) {
            const q = s.quality;
            if (q.rttP50Ms !== undefined) this.set({ account_id: s.accountId, quantile: '0.5' }, q.rttP50Ms);
            if (q.rttP95Ms !== undefined) this.set({ account_id: s.accountId, quantile: '0.95' }, q.rttP95Ms);
            if (q.rttP99Ms !== undefined) this.set({ account_id: s.accountId, quantile: '0.99' }, q.rttP99Ms);
          }
        },
      });
      new Gauge({
        name: 'bridge_error_rate',
        help: 'Share of calls in the sliding window that failed for connectivity reasons (0..1).',
        labelNames: ['account_id'],
        registers,
        collect() {
          this.reset();
          for (const s of connections()) this.set({ account_id: s.accountId }, s.quality.errorRate);
        },
      });
      new Gauge({
        name: 'bridge_circuit_open',
        help: '1 when the endpoint circuit is open or half-open, else 0.',
        labelNames: ['account_id', 'endpoint'],
        registers,
        collect() {
          this.reset();
          for (const s of connections()) for (const e of s.endpoints) this.set({ account_id: s.accountId, endpoint: e.name }, e.state === 'closed' ? 0 : 1);
        },
      });
    }
  }

  /**
   * Adds an account and starts its heartbeats; resolves once the first ping has answered or failed. Adding an
   * account that exists is an error (remove it first), so two connections never trade one account.
   */
  async add(config: AccountEndpointConfig): Promise<TerminalConnection> {
    if (this.connections.has(config.accountId)) throw new BridgeValidationError('accountId', `${config.accountId} is already connected`);
    const terminal = (baseUrl: string | undefined) =>
      new MetaApiTerminal({ ...config, ...(baseUrl === undefined ? {} : { baseUrl }), dispatcher: this.dispatcher });
    const endpoints = [{ name: 'primary', terminal: terminal(config.baseUrl) }];
    if (config.secondaryBaseUrl) endpoints.push({ name: 'secondary', terminal: terminal(config.secondaryBaseUrl) });
    const { dispatcher: _d, agent: _a, registry: _r, ...shared } = this.options;
    const connection = new TerminalConnection({ ...shared, accountId: config.accountId, endpoints });
    this.attach(connection);
    this.connections.set(config.accountId, connection);
    await connection.start();
    return connection;
  }

  /** Adds an already-built connection (e.g. over another `TradingTerminal` implementation) and starts it. */
  async adopt(connection: TerminalConnection): Promise<TerminalConnection> {
    if (this.connections.has(connection.accountId)) throw new BridgeValidationError('accountId', `${connection.accountId} is already connected`);
    this.attach(connection);
    this.connections.set(connection.accountId, connection);
    await connection.start();
    return connection;
  }

  /** The account's connection, or undefined. */
  get(accountId: string): TerminalConnection | undefined {
    return this.connections.get(accountId);
  }

  /** The account's connection; throws when the account is unknown. */
  require(accountId: string): TerminalConnection {
    const c = this.connections.get(accountId);
    if (!c) throw new BridgeValidationError('accountId', `${accountId} is not connected`);
    return c;
  }

  /** Stops and forgets an account's connection. */
  remove(accountId: string): boolean {
    const c = this.connections.get(accountId);
    if (!c) return false;
    c.close();
    c.removeAllListeners();
    return this.connections.delete(accountId);
  }

  /** Every connection's snapshot. */
  snapshots(): ConnectionSnapshot[] {
    return [...this.connections.values()].map((c) => c.snapshot());
  }

  /** Stops every connection and closes the pool when the manager created it. */
  async close(): Promise<void> {
    for (const id of [...this.connections.keys()]) this.remove(id);
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private attach(connection: TerminalConnection): void {
    connection.on('state', (t) => {
      this.transitions?.inc({ account_id: t.accountId, to: t.to });
      this.emit('state', t);
    });
    connection.on('failover', (f) => this.emit('failover', f));
    connection.on('call', (c: CallRecord) => this.calls?.inc({ account_id: c.accountId, kind: c.kind, outcome: c.outcome }));
  }
}

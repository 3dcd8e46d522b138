import * as net from 'node:net';
import type { AccountInput, RunningSimulator } from '@tradebridge/mt-sim';
import type { Agent } from 'undici';
import { MetaApiTerminal, type MetaApiTerminalOptions } from '../adapters/metaapi/metaapi-terminal';
import type { MarketOrderRequest } from '../port/types';

/**
 * The simulator's manual clock starts in January 2026 while the bridge uses the wall clock to choose the history
 * window of `findByClientId`; a long lookback keeps the simulator's trades inside it.
 */
export const LOOKBACK_MS = 5 * 365 * 86_400_000;

let sequence = 0;

/** A fresh simulator account and a MetaApi terminal for it, so no test depends on another's leftovers. */
export async function freshAccount(
  sim: RunningSimulator,
  dispatcher: Agent,
  input: AccountInput = {},
  options: Partial<MetaApiTerminalOptions> = {},
): Promise<{ id: string; token: string; terminal: MetaApiTerminal }> {
  const id = `ct-${process.pid}-${++sequence}`;
  const token = `token-${id}`;
  const platform = input.platform ?? 'mt5';
  await sim.admin.createAccount({ id, token, platform, balance: 100_000, leverage: 100, ...input });
  const terminal = new MetaApiTerminal({
    accountId: id,
    token,
    platform,
    baseUrl: sim.url,
    dispatcher,
    timeouts: { tradeMs: 3_000, readMs: 3_000 },
    historyLookbackMs: LOOKBACK_MS,
    ...options,
  });
  return { id, token, terminal };
}

/** A 0.1-lot EURUSD market buy for an intent. */
export function buy(intentId: string, extra: Partial<MarketOrderRequest> = {}): MarketOrderRequest {
  return { intentId, symbol: 'EURUSD', side: 'buy', volume: 0.1, ...extra };
}

/** Polls a condition until it holds or the deadline passes (no sleeping assertions). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A TCP relay in front of the simulator that can be stopped and started, standing in for a MetaApi endpoint that
 * goes away (primary region down) and comes back.
 */
export class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Refuses new connections and cuts the open ones. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

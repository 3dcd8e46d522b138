import type { AddressInfo } from 'node:net';
import { SimAdminClient, AccountView } from './admin/client';
import { ClockMode, SimClock } from './clock';
import type { AccountInput } from './domain/account-spec';
import { Engine } from './domain/engine';
import { accountView } from './http/admin-routes';
import { RateLimiter } from './http/rate-limit';
import { createSimServer } from './http/server';

/** Options of startSimulator; see the README for defaults. */
export interface SimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  seed?: number;
  /** 'manual' (default): market time moves only through the admin API; 'real': it follows the wall clock. */
  clock?: ClockMode;
  /**
   * Initial market time (ISO or epoch ms); default Monday 2026-01-05 10:00 UTC for manual, now for real. With a real
   * clock, market time starts there and then runs with the wall clock.
   */
  startTime?: string | number;
  tickMs?: number;
  adminToken?: string;
  accounts?: AccountInput[];
}

/** A running simulator. */
export interface RunningSimulator {
  url: string;
  port: number;
  admin: SimAdminClient;
  accounts: AccountView[];
  /** The in-process engine, for white-box assertions; tests should prefer the HTTP APIs. */
  engine: Engine;
  close(): Promise<void>;
}

/** Default market start of a manual clock: a Monday, 12:00 broker time, when every symbol trades. */
export const DEFAULT_MANUAL_START = Date.parse('2026-01-05T10:00:00.000Z');

/** Starts a simulator HTTP server in this process. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const mode = options.clock ?? 'manual';
  const startTime =
    options.startTime === undefined
      ? mode === 'real'
        ? Date.now()
        : DEFAULT_MANUAL_START
      : typeof options.startTime === 'number'
        ? options.startTime
        : Date.parse(options.startTime);
  if (!Number.isFinite(startTime)) throw new RangeError(`invalid startTime ${String(options.startTime)}`);
  const tickMs = options.tickMs ?? 250;
  if (!(tickMs > 0)) throw new RangeError('tickMs must be positive');
  const engine = new Engine({ seed: options.seed ?? 42, startTime, tickMs });
  const clock = new SimClock(mode, engine, mode === 'manual' || options.startTime !== undefined ? startTime : undefined);
  const created = (options.accounts ?? []).map((a) => engine.createAccount(a));
  const server = createSimServer({ engine, clock, startTime, rateLimiter: new RateLimiter(), ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}) });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const ticker = mode === 'real' ? setInterval(() => clock.sync(), tickMs) : undefined;
  ticker?.unref();
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    admin: new SimAdminClient(url, options.adminToken),
    accounts: created.map(accountView) as unknown as AccountView[],
    engine,
    close: () =>
      new Promise<void>((resolve) => {
        if (ticker) clearInterval(ticker);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

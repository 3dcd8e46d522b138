import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { AccountView, SimAdminClient } from './admin/client';
import type { AccountInput } from './domain/account-spec';

/** Options of startSimulatorProcess (the CLI flags of README "Running it"). */
export interface SimulatorProcessOptions {
  port?: number;
  host?: string;
  seed?: number;
  clock?: 'real' | 'manual';
  tickMs?: number;
  startTime?: string;
  adminToken?: string;
  latencyMs?: number;
  /** Demo accounts the CLI creates (`--accounts`); default 0. */
  demoAccounts?: number;
  /** Accounts created through the admin API once the process listens. */
  accounts?: AccountInput[];
  /** Compile tools/mt-sim first (incremental `tsc -b`); default true. */
  build?: boolean;
}

/** A simulator running as its own process. */
export interface SimulatorProcess {
  url: string;
  pid: number;
  admin: SimAdminClient;
  /** The demo accounts the CLI printed. */
  demoAccounts: Record<string, unknown>[];
  /** The accounts created from `options.accounts`. */
  accounts: AccountView[];
  /** Sends a signal (default SIGTERM) and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const PROJECT_DIR = path.resolve(__dirname, '..');

/**
 * Starts the simulator as a separate Node process (the way `npm run sim` does), for suites that need the broker
 * outside their own process, e.g. to kill it or to keep its CPU apart.
 */
export async function startSimulatorProcess(options: SimulatorProcessOptions = {}): Promise<SimulatorProcess> {
  if (options.build ?? true) {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', PROJECT_DIR], { stdio: 'inherit' });
  }
  const args = ['--port', String(options.port ?? 0), '--accounts', String(options.demoAccounts ?? 0), '--clock', options.clock ?? 'manual'];
  const flag = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) args.push(`--${name}`, String(value));
  };
  flag('host', options.host);
  flag('seed', options.seed);
  flag('tick-ms', options.tickMs);
  flag('start-time', options.startTime);
  flag('admin-token', options.adminToken);
  flag('latency-ms', options.latencyMs);
  const child = spawn(process.execPath, [path.join(PROJECT_DIR, 'dist/bin/sim.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { url, demoAccounts } = await waitListening(child);
  const admin = new SimAdminClient(url, options.adminToken);
  const accounts = options.accounts && options.accounts.length > 0 ? await admin.createAccounts(options.accounts) : [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    pid: child.pid!,
    admin,
    demoAccounts,
    accounts,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function waitListening(child: ChildProcess): Promise<{ url: string; demoAccounts: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /mt-sim listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      const demoAccounts = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ url: m[1]!, demoAccounts });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`mt-sim exited with ${code} before listening: ${err.trim()}`)));
  });
}

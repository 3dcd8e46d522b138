#!/usr/bin/env node
// Runs the simulator as its own process with N demo accounts: `npm run sim -- --accounts 50 --port 7300 --seed 42`.
import type { AccountInput } from '../domain/account-spec';
import { startSimulator } from '../simulator';

type Flags = Record<string, string>;

function parseFlags(argv: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags[arg.slice(2)] = argv[++i]!;
    else flags[arg.slice(2)] = 'true';
  }
  return flags;
}

function intSetting(name: string, value: string | undefined, fallback: number, errors: string[]): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) errors.push(`${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
  return n;
}

/** Builds the fixed demo mixture: half MT5 hedging, a quarter MT5 netting, a quarter MT4; USD and EUR. */
export function demoAccounts(count: number, token: string): AccountInput[] {
  return Array.from({ length: count }, (_, i) => {
    const kind = i % 4;
    const platform = kind === 3 ? 'mt4' : 'mt5';
    return {
      id: `demo-${String(i + 1).padStart(3, '0')}`,
      platform,
      marginMode: kind === 2 ? 'netting' : 'hedging',
      currency: i % 3 === 2 ? 'EUR' : 'USD',
      balance: 10_000 + ((i * 7) % 10) * 10_000,
      leverage: [100, 200, 500][i % 3]!,
      commissionPerLot: platform === 'mt5' && kind !== 2 ? 3.5 : 0,
      token,
    } satisfies AccountInput;
  });
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    console.log('usage: sim [--accounts N] [--port P] [--host H] [--seed S] [--clock real|manual] [--tick-ms MS] [--start-time ISO] [--latency-ms MS] [--admin-token T] [--token T]');
    return;
  }
  const env = process.env;
  const errors: string[] = [];
  const port = intSetting('port', flags.port ?? env.SIM_PORT, 7300, errors);
  const seed = intSetting('seed', flags.seed ?? env.SIM_SEED, 42, errors);
  const count = intSetting('accounts', flags.accounts ?? env.SIM_ACCOUNTS, 10, errors);
  const tickMs = intSetting('tick-ms', flags['tick-ms'] ?? env.SIM_TICK_MS, 250, errors);
  const latencyMs = intSetting('latency-ms', flags['latency-ms'] ?? env.SIM_LATENCY_MS, 0, errors);
  const clock = flags.clock ?? env.SIM_CLOCK ?? 'real';
  if (clock !== 'real' && clock !== 'manual') errors.push(`clock must be real or manual (got ${JSON.stringify(clock)})`);
  if (tickMs === 0) errors.push('tick-ms must be positive');
  const startTime = flags['start-time'] ?? env.SIM_START_TIME;
  if (startTime !== undefined && !Number.isFinite(Date.parse(startTime))) errors.push(`start-time must be an ISO date-time (got ${JSON.stringify(startTime)})`);
  if (errors.length > 0) {
    console.error(`mt-sim: invalid settings:\n  ${errors.join('\n  ')}`);
    process.exit(2);
  }
  const adminToken = flags['admin-token'] ?? env.SIM_ADMIN_TOKEN;
  const sim = await startSimulator({
    port,
    host: flags.host ?? env.SIM_HOST ?? '127.0.0.1',
    seed,
    clock: clock as 'real' | 'manual',
    tickMs,
    accounts: demoAccounts(count, flags.token ?? env.SIM_TOKEN ?? 'sim-token'),
    ...(startTime !== undefined ? { startTime } : {}),
    ...(adminToken !== undefined ? { adminToken } : {}),
  });
  if (latencyMs > 0) for (const a of sim.accounts) sim.engine.get(a.id)!.faults.add({ kind: 'latency', ms: latencyMs });
  for (const a of sim.accounts) {
    console.log(JSON.stringify({ id: a.id, token: a.token, platform: a.platform, marginMode: a.marginMode, currency: a.currency, balance: a.balance, leverage: a.leverage }));
  }
  console.log(`mt-sim listening on ${sim.url} (seed ${seed}, ${clock} clock, ${count} accounts, ${latencyMs} ms latency)`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`mt-sim: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

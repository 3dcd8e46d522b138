/**
 * Benchmark (not a test): what the MetaApi adapter adds per call over loopback with keep-alive, against the
 * simulator in its own process with 0 ms simulated latency.
 *   (a) raw: a hand-built undici request to the simulator (JSON body, parse the answer)
 *   (b) adapter: the same call through MetaApiTerminal (validation, clientId, mapping, code classification)
 *   (c) connection: through TerminalConnection as well (breaker, health, quality window, events)
 * plus the adapter's own CPU cost per call against a canned in-process answer (no network, no simulator).
 * Calls alternate a, b, c in rotating order on one netting account, buying and selling 0.01 lot so the account
 * state stays flat and every variant sees the same simulator work. Prints p50/p99 and writes
 * bench/results/bridge-overhead.json. Run: `npm run -s bench:bridge` (ITERATIONS=n to change the sample size).
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SimAdminClient } from '@tradebridge/mt-sim';
import type { Dispatcher } from 'undici';
import { createMetaApiAgent } from '../adapters/metaapi/http-transport';
import { MetaApiTerminal } from '../adapters/metaapi/metaapi-terminal';
import { TerminalConnection } from '../connection/terminal-connection';
import { percentile } from '../domain/quality-window';

const ROOT = path.resolve(__dirname, '../../../..');
const ITERATIONS = Number(process.env.ITERATIONS ?? 3000);
const WARMUP = 300;
const ACCOUNT = 'bench-netting';
const TOKEN = 'bench-token';

async function startSimProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(ROOT, 'tools/register-ts.cjs'), path.join(ROOT, 'tools/mt-sim/src/bin/sim.ts'), '--port', '0', '--accounts', '1', '--clock', 'manual'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  child.stdout!.resume();
  return { child, url };
}

interface Stats {
  p50: number;
  p99: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), mean: round(samples.reduce((s, x) => s + x, 0) / samples.length) };
}

async function main(): Promise<void> {
  const { child, url } = await startSimProcess();
  try {
    await measure(url);
  } finally {
    child.kill('SIGTERM');
  }
}

async function measure(url: string): Promise<void> {
  const admin = new SimAdminClient(url);
  await admin.createAccount({ id: ACCOUNT, token: TOKEN, platform: 'mt5', marginMode: 'netting', balance: 1_000_000, leverage: 500 });
  const agent = createMetaApiAgent({ connectionsPerHost: 4 });
  const terminal = new MetaApiTerminal({ accountId: ACCOUNT, token: TOKEN, platform: 'mt5', baseUrl: url, dispatcher: agent });
  const connection = new TerminalConnection({ accountId: ACCOUNT, endpoints: [{ name: 'primary', terminal }], heartbeatIntervalMs: 0 });
  const tradePath = `/users/current/accounts/${ACCOUNT}/trade`;
  const infoPath = `/users/current/accounts/${ACCOUNT}/account-information?refreshTerminalState=false`;
  let seq = 0;

  const raw = {
    trade: async (side: 'buy' | 'sell') => {
      const res = await agent.request({
        origin: url,
        path: tradePath,
        method: 'POST',
        headers: { 'auth-token': TOKEN, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ actionType: side === 'buy' ? 'ORDER_TYPE_BUY' : 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.01, clientId: `RAW${++seq}` }),
      });
      const body = (await res.body.json()) as { numericCode: number };
      if (body.numericCode !== 10009) throw new Error(`raw trade failed: ${JSON.stringify(body)}`);
    },
    read: async () => {
      const res = await agent.request({ origin: url, path: infoPath, method: 'GET', headers: { 'auth-token': TOKEN, accept: 'application/json' } });
      await res.body.json();
    },
  };
  const through = (t: MetaApiTerminal | TerminalConnection, label: string) => ({
    trade: async (side: 'buy' | 'sell') => {
      const r = await t.placeMarketOrder({ intentId: `${label}-${++seq}`, symbol: 'EURUSD', side, volume: 0.01 });
      if (r.status !== 'success') throw new Error(`${label} trade failed: ${JSON.stringify(r)}`);
    },
    read: async () => {
      await t.getAccountInfo();
    },
  });
  const variants = { raw, adapter: through(terminal, 'adapter'), connection: through(connection, 'connection') } as const;
  type Variant = keyof typeof variants;
  const names = Object.keys(variants) as Variant[];
  const samples: Record<'trade' | 'read', Record<Variant, number[]>> = {
    trade: { raw: [], adapter: [], connection: [] },
    read: { raw: [], adapter: [], connection: [] },
  };

  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    // rotate the order so no variant always runs first (or always sees the freshly opened position)
    for (let k = 0; k < names.length; k++) {
      const v = names[(i + k) % names.length];
      const side = k % 2 === 0 ? 'buy' : 'sell';
      let t0 = performance.now();
      await variants[v].trade(side);
      const tradeMs = performance.now() - t0;
      t0 = performance.now();
      await variants[v].read();
      const readMs = performance.now() - t0;
      if (i >= WARMUP) {
        samples.trade[v].push(tradeMs);
        samples.read[v].push(readMs);
      }
    }
    // buy, sell, buy leaves 0.01 open; flatten it with an untimed sell so every round starts flat
    await raw.trade('sell');
  }

  const inProcess = await cannedDispatcherOverhead();

  const result = {
    name: 'bridge-overhead',
    description: 'MetaApi adapter overhead per call over loopback with keep-alive, simulator in its own process, 0 ms simulated latency',
    date: new Date().toISOString(),
    commit: gitCommit(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverage1m: os.loadavg()[0] },
    iterations: ITERATIONS,
    unit: 'ms',
    trade: summarize(samples.trade),
    read: summarize(samples.read),
    inProcess,
  };
  const out = path.join(ROOT, 'bench/results/bridge-overhead.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

  for (const kind of ['trade', 'read'] as const) {
    const s = result[kind];
    console.log(`${kind.padEnd(6)} raw p50 ${s.raw.p50} p99 ${s.raw.p99} | adapter p50 ${s.adapter.p50} p99 ${s.adapter.p99} | connection p50 ${s.connection.p50} p99 ${s.connection.p99} | adapter overhead p50 +${s.overhead.adapterP50} p99 +${s.overhead.adapterP99} (ratio p50 ${s.overhead.adapterRatioP50}) | connection overhead p50 +${s.overhead.connectionP50} p99 +${s.overhead.connectionP99}`);
  }
  console.log(`in-process (canned answer, no network): market order raw p50 ${inProcess.raw.p50} p99 ${inProcess.raw.p99} | adapter p50 ${inProcess.adapter.p50} p99 ${inProcess.adapter.p99} | connection p50 ${inProcess.connection.p50} p99 ${inProcess.connection.p99}`);
  console.log(`written ${path.relative(ROOT, out)}`);

  connection.close();
  await agent.close();
}

/**
 * The adapter's own CPU cost, free of network and simulator noise: the same market order against a dispatcher that
 * answers a canned DONE response at once. Baseline: building the same JSON body and parsing the same answer.
 */
async function cannedDispatcherOverhead() {
  const canned = JSON.stringify({ numericCode: 10009, stringCode: 'TRADE_RETCODE_DONE', message: 'Request completed', orderId: '123', positionId: '123' });
  const dispatcher = { request: async () => ({ statusCode: 200, headers: {}, body: { text: async () => canned } }) } as unknown as Dispatcher;
  const terminal = new MetaApiTerminal({ accountId: 'canned', token: 't', platform: 'mt5', baseUrl: 'http://canned', dispatcher });
  const connection = new TerminalConnection({ accountId: 'canned', endpoints: [{ name: 'primary', terminal }], heartbeatIntervalMs: 0 });
  const samples = { raw: [] as number[], adapter: [] as number[], connection: [] as number[] };
  const n = 20_000;
  for (let i = 0; i < n + 2_000; i++) {
    let t0 = performance.now();
    const res = await dispatcher.request({ origin: 'http://canned', path: '/trade', method: 'POST', body: JSON.stringify({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.01, clientId: `RAW${i}` }) });
    JSON.parse(await res.body.text());
    const raw = performance.now() - t0;
    t0 = performance.now();
    await terminal.placeMarketOrder({ intentId: `canned-a-${i}`, symbol: 'EURUSD', side: 'buy', volume: 0.01 });
    const adapter = performance.now() - t0;
    t0 = performance.now();
    await connection.placeMarketOrder({ intentId: `canned-c-${i}`, symbol: 'EURUSD', side: 'buy', volume: 0.01 });
    const conn = performance.now() - t0;
    if (i >= 2_000) {
      samples.raw.push(raw);
      samples.adapter.push(adapter);
      samples.connection.push(conn);
    }
  }
  connection.close();
  return { iterations: n, raw: stats(samples.raw), adapter: stats(samples.adapter), connection: stats(samples.connection) };
}

function summarize(s: Record<'raw' | 'adapter' | 'connection', number[]>) {
  const raw = stats(s.raw);
  const adapter = stats(s.adapter);
  const connection = stats(s.connection);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    raw,
    adapter,
    connection,
    overhead: {
      adapterP50: r3(adapter.p50 - raw.p50),
      adapterP99: r3(adapter.p99 - raw.p99),
      adapterRatioP50: r3(adapter.p50 / raw.p50),
      connectionP50: r3(connection.p50 - raw.p50),
      connectionP99: r3(connection.p99 - raw.p99),
    },
  };
}

function gitCommit(): string | undefined {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

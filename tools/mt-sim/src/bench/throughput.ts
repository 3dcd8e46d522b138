// Benchmark (not a test): trade requests per second the simulator sustains as its own process (one Node thread)
// over loopback with keep-alive, with p50/p99 latency, driven by a small raw HTTP/1.1 load generator.
// Run: `npm run -s bench:mt-sim` (env BENCH_SECONDS, BENCH_CONCURRENCY). Writes bench/results/mt-sim-throughput.json.
import { execSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../domain/engine';
import { validateTrade } from '../domain/validate';

const ROOT = path.resolve(__dirname, '../../../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ACCOUNTS = 100;

interface Scenario {
  name: string;
  /** Indexes (0-based) of the demo accounts this scenario trades on. */
  accounts: number[];
  /** Runs one logical operation of a virtual user; returns the number of HTTP requests it made. */
  step: (user: number, iteration: number, call: Caller) => Promise<number>;
}

type Caller = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number; body: any }>;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number, d = 3): number => Number(x.toFixed(d));

/** Reads utime+stime of a process in clock ticks (Linux). */
function cpuTicks(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

async function startSimProcess(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(__dirname, '../bin/sim.js'), '--accounts', String(ACCOUNTS), '--port', '0', '--clock', 'manual', '--token', 'bench'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, pid: child.pid!, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}

/**
 * One keep-alive HTTP/1.1 connection speaking just enough of the protocol for the simulator's answers
 * (Content-Length bodies). Far cheaper than node:http's client, so the load generator steals less CPU from the
 * simulator on a small machine.
 */
class RawConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: { status: number; body: any }) => void; reject: (e: Error) => void } | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static open(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const head =
      `${method} ${path} HTTP/1.1\r\nhost: bench\r\nauth-token: bench\r\n` +
      (payload ? `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n` : '') +
      '\r\n';
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(head + payload);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const text = this.buffer.toString('utf8', end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ status: Number(head.slice(9, 12)), body: text ? JSON.parse(text) : undefined });
  }

  private fail(err: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(err);
  }
}

async function runScenario(url: string, pid: number, scenario: Scenario, seconds: number, concurrency: number): Promise<Record<string, unknown>> {
  const base = new URL(url);
  const connections = await Promise.all(Array.from({ length: concurrency }, () => RawConnection.open(base.hostname, Number(base.port))));
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  const run = async (until: number, record: boolean): Promise<void> => {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, user) => {
        for (let iteration = 0; Date.now() < until; iteration++) {
          const index = scenario.accounts[(user + iteration * concurrency) % scenario.accounts.length]!;
          const prefix = `/users/current/accounts/demo-${String(index + 1).padStart(3, '0')}/`;
          const call: Caller = (method, p, body) => connections[user]!.call(method, prefix + p, body);
          const t0 = process.hrtime.bigint();
          try {
            const made = await scenario.step(user, iteration, call);
            if (record) {
              latencies.push(Number(process.hrtime.bigint() - t0) / 1e6 / made);
              requests += made;
            }
          } catch {
            errors++;
          }
        }
      }),
    );
  };
  await run(Date.now() + 1500, false); // warm-up
  const cpuBefore = cpuTicks(pid);
  const started = process.hrtime.bigint();
  await run(Date.now() + seconds * 1000, true);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = cpuTicks(pid);
  for (const c of connections) c.close();
  latencies.sort((a, b) => a - b);
  const hz = 100; // USER_HZ on Linux
  const cpuSeconds = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / hz : undefined;
  return {
    name: scenario.name,
    concurrency,
    seconds: round(elapsed, 2),
    requests,
    errors,
    requestsPerSecond: Math.round(requests / elapsed),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    simulatorCpuPercent: cpuSeconds !== undefined ? Math.round((cpuSeconds / elapsed) * 100) : null,
    // What one fully used core would sustain: requests served per CPU-second the simulator process actually got.
    requestsPerSimulatorCpuSecond: cpuSeconds ? Math.round(requests / cpuSeconds) : null,
  };
}

/** Trades per second of the pure engine, without HTTP, for comparison. */
function engineOnly(): Record<string, unknown> {
  const engine = new Engine({ seed: 1, startTime: Date.parse('2026-01-05T10:00:00Z'), tickMs: 250 });
  const account = engine.createAccount({ marginMode: 'netting', balance: 1e9 }).account;
  const buy = validateTrade({ actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1, clientId: 'x' });
  const sell = validateTrade({ actionType: 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.1, clientId: 'x' });
  if (!buy.ok || !sell.ok) throw new Error('bad bench request');
  const n = 200_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) engine.trade(account, i % 2 === 0 ? buy.value : sell.value);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { trades: n, tradesPerSecond: Math.round(n / s) };
}

const indexes = (keep: (i: number) => boolean): number[] => Array.from({ length: ACCOUNTS }, (_, i) => i).filter(keep);
// The CLI's demo mixture: index % 4 == 2 is MT5 netting, 3 is MT4, the rest MT5 hedging.
const NETTING = indexes((i) => i % 4 === 2);
const HEDGING = indexes((i) => i % 4 !== 2);

const ok = (r: { status: number; body: any }): { status: number; body: any } => {
  if (r.status !== 200 || !(r.body.numericCode === 10009 || r.body.numericCode === 0)) throw new Error(JSON.stringify(r.body));
  return r;
};

const scenarios: Scenario[] = [
  {
    name: 'market order, netting accounts (buy/sell alternating)',
    accounts: NETTING,
    step: async (user, iteration, call) => {
      ok(await call('POST', 'trade', { actionType: (user + iteration) % 2 === 0 ? 'ORDER_TYPE_BUY' : 'ORDER_TYPE_SELL', symbol: 'EURUSD', volume: 0.01, clientId: `B${user}-${iteration}` }));
      return 1;
    },
  },
  {
    name: 'market open + close by id, hedging and MT4 accounts (2 requests per operation)',
    accounts: HEDGING,
    step: async (user, iteration, call) => {
      const opened = ok(await call('POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'GBPUSD', volume: 0.01, clientId: `H${user}-${iteration}` }));
      ok(await call('POST', 'trade', { actionType: 'POSITION_CLOSE_ID', positionId: opened.body.positionId ?? opened.body.orderId }));
      return 2;
    },
  },
  {
    name: 'read positions',
    accounts: HEDGING,
    step: async (_user, _iteration, call) => {
      const r = await call('GET', 'positions');
      if (r.status !== 200) throw new Error(String(r.status));
      return 1;
    },
  },
];

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const sim = await startSimProcess();
  const results: Record<string, unknown>[] = [];
  try {
    for (const scenario of scenarios) {
      for (const concurrency of [1, CONCURRENCY]) {
        const r = await runScenario(sim.url, sim.pid, scenario, SECONDS, concurrency);
        results.push(r);
        console.log(JSON.stringify(r));
      }
    }
  } finally {
    sim.stop();
  }
  const engine = engineOnly();
  console.log(JSON.stringify({ engineOnly: engine }));
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  } catch {
    // not a git checkout
  }
  const out = {
    benchmark: 'mt-sim-throughput',
    description: 'Simulator as its own process (one Node thread), load generator in another process, loopback HTTP/1.1 keep-alive, 0 ms simulated latency.',
    date: new Date().toISOString(),
    commit,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
    // Other processes share the machine; the 1-minute load average says how much (2 cores: above 2 means contention).
    loadAverage1m: { before: round(loadBefore[0]!, 2), after: round(os.loadavg()[0]!, 2) },
    accounts: ACCOUNTS,
    scenarios: results,
    engineOnly: engine,
  };
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'mt-sim-throughput.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`wrote ${path.join(dir, 'mt-sim-throughput.json')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { callAccount } from '../test-support/http';

// The simulator as its own process, as `npm run sim` starts it: demo accounts printed, MetaApi paths served.

const projectDir = path.resolve(__dirname, '../..');
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

/** Starts the built CLI and resolves with the printed account lines and the URL once it listens. */
function startCli(args: string[], env: Record<string, string> = {}): Promise<{ accounts: Record<string, unknown>[]; url: string }> {
  child = spawn(process.execPath, [path.join(projectDir, 'dist/bin/sim.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /mt-sim listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        const accounts = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ accounts, url: m[1]! });
      }
    });
    child!.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child!.once('exit', (code) => reject(new Error(`sim exited with ${code}: ${err}`)));
  });
}

beforeAll(() => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', projectDir], { stdio: 'inherit' });
}, 120_000);

it('creates the demo mixture of N accounts, prints ids and tokens, and serves them', async () => {
  const { accounts, url } = await startCli(['--accounts', '8', '--port', '0', '--seed', '42', '--clock', 'manual'], { SIM_TOKEN: 'demo-token' });
  expect(accounts.map((a) => [a.id, a.platform, a.marginMode, a.currency])).toEqual([
    ['demo-001', 'mt5', 'hedging', 'USD'],
    ['demo-002', 'mt5', 'hedging', 'USD'],
    ['demo-003', 'mt5', 'netting', 'EUR'],
    ['demo-004', 'mt4', 'hedging', 'USD'],
    ['demo-005', 'mt5', 'hedging', 'USD'],
    ['demo-006', 'mt5', 'hedging', 'EUR'],
    ['demo-007', 'mt5', 'netting', 'USD'],
    ['demo-008', 'mt4', 'hedging', 'USD'],
  ]);
  expect(accounts.every((a) => a.token === 'demo-token')).toBe(true);
  const info = await callAccount(url, 'demo-003', 'demo-token', 'GET', 'account-information');
  expect(info.body).toMatchObject({ currency: 'EUR', marginMode: 'ACCOUNT_MARGIN_MODE_RETAIL_NETTING' });
  const r = await callAccount(url, 'demo-004', 'demo-token', 'POST', 'trade', { actionType: 'ORDER_TYPE_SELL', symbol: 'GBPUSD', volume: 0.1 });
  expect(r.body).toMatchObject({ numericCode: 0, stringCode: 'ERR_NO_ERROR' });
});

it('refuses bad settings with every problem listed', async () => {
  await expect(startCli(['--port', 'abc', '--clock', 'sometimes'])).rejects.toThrow(/port must be a non-negative integer[\s\S]*clock must be real or manual/);
});

it('startSimulatorProcess runs the simulator as its own process with the given accounts, and stops it', async () => {
  const { startSimulatorProcess } = await import('../process');
  const sim = await startSimulatorProcess({ build: false, seed: 3, latencyMs: 1, accounts: [{ id: 'p1', token: 'pt', platform: 'mt4' }] });
  try {
    expect(sim.accounts.map((a) => a.id)).toEqual(['p1']);
    const r = await callAccount(sim.url, 'p1', 'pt', 'POST', 'trade', { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1, clientId: 'TB_proc' });
    expect(r.body).toMatchObject({ numericCode: 0 });
    expect(await sim.admin.ledgerCount({ clientId: 'TB_proc' })).toEqual({ received: 1, executed: 1 });
  } finally {
    expect(await sim.stop('SIGKILL')).toBeNull();
  }
});

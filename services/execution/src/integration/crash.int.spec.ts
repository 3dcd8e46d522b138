import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { clientIdFor } from '@tradebridge/bridge';
import { waitFor } from '@tradebridge/devstack';
import { ExecHarness, type TestAccount } from './harness';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const NODE = process.execPath;

function startChild(h: ExecHarness): ChildProcess {
  const child = spawn(NODE, ['-r', path.join(__dirname, '..', '..', '..', '..', 'tools', 'register-ts.cjs'), path.join(__dirname, '..', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...h.env({ EXECUTION_KAFKA_SESSION_TIMEOUT: '6s', EXECUTION_LEASE: '3s' }), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

describe('the execution process killed with SIGKILL in the middle of a fan-out', () => {
  let h: ExecHarness;
  let accounts: TestAccount[];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    h = await ExecHarness.start();
    accounts = await h.addAccounts(Array.from({ length: 20 }, (_, i) => ({ simId: `crash-${i}` })));
    for (const a of accounts) await h.sim.admin.injectFault(a.simId, { kind: 'latency', ms: 60, paths: ['trade'] });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await h?.close();
  });

  it('given 100 intents over 20 accounts and a SIGKILL mid-way, when the service restarts, then the ledger holds exactly one trade per intent', async () => {
    const intents = accounts.flatMap((a) => Array.from({ length: 5 }, () => h.intent(a)));
    const first = startChild(h);
    children.push(first);
    await Promise.all(intents.map((i) => h.approve(i)));
    await waitFor(() => h.results.length >= 10, { timeoutMs: 60_000, message: 'the fan-out under way' });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const beforeRestart = new Set(h.results.map((r) => r.value.intentId)).size;
    expect(beforeRestart).toBeLessThan(intents.length);

    const second = startChild(h);
    children.push(second);
    await h.waitForResults(intents.map((i) => i.intentId), 90_000);

    const ledger = await h.sim.admin.ledger({ executed: true, limit: 10_000 });
    const perClient = new Map<string, number>();
    for (const e of ledger.entries) if (e.clientId) perClient.set(e.clientId, (perClient.get(e.clientId) ?? 0) + 1);
    const executions = intents.map((i) => perClient.get(clientIdFor(i.intentId)) ?? 0);
    expect(executions.filter((n) => n !== 1)).toEqual([]);
    expect(ledger.entries.length).toBe(intents.length);
    const states = await h.rows('select state, count(*)::int as n from execution.execution_orders group by state');
    expect(states).toEqual([{ state: 'FILLED', n: intents.length }]);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  }, 240_000);
});

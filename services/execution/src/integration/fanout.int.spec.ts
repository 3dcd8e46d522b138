import type { OrderPlaced, OrderRejected } from '@tradebridge/contracts';
import { ExecHarness, type TestAccount } from './harness';

describe('fan-out across accounts', () => {
  let h: ExecHarness;
  let healthy: TestAccount[];
  let slow: TestAccount;
  let badToken: TestAccount;

  beforeAll(async () => {
    h = await ExecHarness.start();
    healthy = await h.addAccounts(Array.from({ length: 50 }, (_, i) => ({ simId: `fan-${i}` })));
    [slow] = await h.addAccounts([{ simId: 'fan-slow' }]);
    [badToken] = await h.addAccounts([{ simId: 'fan-badtoken' }]);
    // The configuration points at a secret that holds a token the broker refuses.
    process.env.EXECUTION_SECRET_SIM_FAN_BADTOKEN = 'not-the-right-token';
    await h.sim.admin.injectFault(slow.simId, { kind: 'latency', ms: 1_500 });
    await h.startService({ EXECUTION_TRADE_TIMEOUT: '10s', EXECUTION_READ_TIMEOUT: '10s' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('given 50 healthy accounts, a slow one and one with a refused token, then the healthy ones all fill before the slow one and the refused one fails alone', async () => {
    const slowIntent = h.intent(slow);
    const badIntent = h.intent(badToken);
    const intents = healthy.map((a) => h.intent(a));
    // The problem accounts go first, so any head-of-line blocking would show.
    await h.approve(slowIntent);
    await h.approve(badIntent);
    await Promise.all(intents.map((i) => h.approve(i)));
    const results = await h.waitForResults(intents.map((i) => i.intentId), 60_000);
    const [slowResult, badResult] = await h.waitForResults([slowIntent.intentId, badIntent.intentId], 60_000);

    expect(results.every((r) => r.topic === 'execution.order.placed' && (r.value as OrderPlaced).status === 'PLACEMENT_STATUS_FILLED')).toBe(true);
    expect(slowResult!.topic).toBe('execution.order.placed');
    expect(Math.max(...results.map((r) => r.seq))).toBeLessThan(slowResult!.seq);
    expect(badResult!.value as OrderRejected).toMatchObject({ reason: 'EXEC_BROKER_REJECTED', handlingClass: 'HANDLING_CLASS_FATAL' });

    const counts = await Promise.all(healthy.map((a, i) => h.ledgerCount(a.simId, intents[i]!.intentId)));
    expect(counts.every((c) => c.received === 1 && c.executed === 1)).toBe(true);
    expect((await h.ledgerCount(badToken.simId)).executed).toBe(0);
  });
});

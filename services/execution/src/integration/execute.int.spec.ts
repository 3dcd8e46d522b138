import type { OrderPlaced, OrderRejected } from '@tradebridge/contracts';
import { waitFor } from '@tradebridge/devstack';
import { ExecHarness, type TestAccount } from './harness';

describe('execution of approved intents against the simulator', () => {
  let h: ExecHarness;
  let a: TestAccount;

  beforeAll(async () => {
    h = await ExecHarness.start();
    [a] = await h.addAccounts([{ simId: 'basic-1', balance: 100_000 }]);
    await h.startService();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('given an approved market intent, when it is executed, then one trade is on the ledger and execution.order.placed carries the latency split', async () => {
    const intent = h.intent(a, { entryPrice: 1.1 });
    await h.approve(intent);
    const [result] = await h.waitForResults([intent.intentId]);
    expect(result!.topic).toBe('execution.order.placed');
    const placed = result!.value as OrderPlaced;
    expect(placed).toMatchObject({ status: 'PLACEMENT_STATUS_FILLED', accountId: a.accountId, signalId: intent.signalId, attempts: 1, requestedVolume: 0.1 });
    expect(placed.brokerPositionId).not.toBe('');
    expect(placed.fillPrice).toBeGreaterThan(0);
    expect(placed.slippagePoints).toBeDefined();
    expect(placed.accountCurrency).toBe('USD');
    const l = placed.latency!;
    expect(l.signalAcceptedAtUs).toBeLessThanOrEqual(l.executionReceivedAtUs);
    expect(l.executionReceivedAtUs).toBeLessThanOrEqual(l.brokerSentAtUs!);
    expect(l.brokerSentAtUs!).toBeLessThan(l.brokerAcknowledgedAtUs!);
    expect(await h.ledgerCount(a.simId, intent.intentId)).toEqual({ received: 1, executed: 1 });
    const [row] = await h.rows('select state, attempts, broker_position_id, client_id from execution.execution_orders where intent_id = $1', [intent.intentId]);
    expect(row).toMatchObject({ state: 'FILLED', attempts: 1, broker_position_id: placed.brokerPositionId, client_id: placed.clientId });
  });

  it('given a finished intent delivered again, then its result is republished with the same event id and nothing is sent', async () => {
    const intent = h.intent(a);
    await h.approve(intent);
    await h.waitForResults([intent.intentId]);
    await h.approve({ ...intent, meta: { ...intent.meta, eventId: 'c0ffee00-0000-4000-8000-000000000000' } });
    await waitFor(() => h.resultsOf(intent.intentId).length >= 2, { message: 'republished result' });
    const [first, second] = h.resultsOf(intent.intentId);
    expect(second!.value.meta.eventId).toBe(first!.value.meta.eventId);
    expect(await h.ledgerCount(a.simId, intent.intentId)).toEqual({ received: 1, executed: 1 });
  });

  it('given an intent past its deadline, then nothing is sent and it is reported expired', async () => {
    const past = h.intent(a);
    const intent = { ...past, deadlineAtUs: past.signalAcceptedAtUs - 1_000_000 };
    await h.approve(intent);
    const [result] = await h.waitForResults([intent.intentId]);
    expect(result!.topic).toBe('execution.order.rejected');
    expect((result!.value as OrderRejected).reason).toBe('EXEC_DEADLINE_EXPIRED');
    expect(await h.ledgerCount(a.simId, intent.intentId)).toEqual({ received: 0, executed: 0 });
    const [row] = await h.rows('select state from execution.execution_orders where intent_id = $1', [intent.intentId]);
    expect(row.state).toBe('EXPIRED');
  });

  it('given the broker executes but the answer is lost, then the terminal is asked and there is still exactly one trade', async () => {
    await h.sim.admin.injectFault(a.simId, { kind: 'response-lost', times: 1 });
    const intent = h.intent(a);
    await h.approve(intent);
    const [result] = await h.waitForResults([intent.intentId]);
    expect(result!.topic).toBe('execution.order.placed');
    expect((result!.value as OrderPlaced).brokerPositionId).not.toBe('');
    expect(await h.ledgerCount(a.simId, intent.intentId)).toEqual({ received: 1, executed: 1 });
    const attempts = await h.rows('select action, outcome from execution.execution_attempts where intent_id = $1 order by attempt', [intent.intentId]);
    expect(attempts).toEqual([
      { action: 'place_market_order', outcome: 'unknown' },
      { action: 'reconcile_query', outcome: 'success' },
    ]);
  });

  it('given a pending order, then it is PLACED with its ticket', async () => {
    const intent = h.intent(a, { orderType: 'ORDER_TYPE_LIMIT', entryPrice: 1.05 });
    await h.approve(intent);
    const [result] = await h.waitForResults([intent.intentId]);
    expect(result!.value).toMatchObject({ status: 'PLACEMENT_STATUS_PENDING_PLACED' });
    expect((result!.value as OrderPlaced).brokerOrderId).not.toBe('');
  });
});

import type { OrderPlaced, PositionChanged } from '@tradebridge/contracts';
import { waitFor } from '@tradebridge/devstack';
import { ExecHarness, type TestAccount } from './harness';

interface SimPosition {
  id: string;
  volume: number;
  openPrice: number;
  stopLoss?: number;
  takeProfit?: number;
}

describe('position management from MODIFY / CLOSE / CANCEL intents', () => {
  let h: ExecHarness;
  let a: TestAccount;

  const positions = async (): Promise<SimPosition[]> =>
    (await (await fetch(`${h.sim.url}/users/current/accounts/${a.simId}/positions`, { headers: { 'auth-token': a.token } })).json()) as SimPosition[];
  const orders = async (): Promise<Array<{ id: string }>> =>
    (await (await fetch(`${h.sim.url}/users/current/accounts/${a.simId}/orders`, { headers: { 'auth-token': a.token } })).json()) as Array<{ id: string }>;
  const changeOf = async (intentId: string) => (await h.waitForResults([intentId]))[0]!.value as PositionChanged;

  beforeAll(async () => {
    h = await ExecHarness.start();
    [a] = await h.addAccounts([{ simId: 'pos-1', balance: 100_000 }]);
    await h.startService({ EXECUTION_TRAILING_INTERVAL: '200ms' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('given an open position, then SL/TP are modified, moved to break-even, half is closed (rounded to the step), then the rest', async () => {
    const open = h.intent(a, { volume: 0.3 });
    await h.approve(open);
    const placed = (await h.waitForResults([open.intentId]))[0]!.value as OrderPlaced;
    const positionId = placed.brokerPositionId;
    const bid = (await h.sim.admin.market()).symbols.find((s) => s.symbol === 'EURUSD')!.bid;

    const modify = h.intent(a, { kind: 'INTENT_KIND_MODIFY', targetIntentIds: [open.intentId], stopLoss: Number((bid - 0.005).toFixed(5)), takeProfit: Number((bid + 0.01).toFixed(5)), volume: 0 });
    await h.approve(modify);
    expect(await changeOf(modify.intentId)).toMatchObject({ change: 'POSITION_CHANGE_KIND_POSITION_MODIFIED', brokerPositionId: positionId, stopLossAfter: modify.stopLoss, takeProfitAfter: modify.takeProfit, openingIntentId: open.intentId });
    expect((await positions()).find((p) => p.id === positionId)).toMatchObject({ stopLoss: modify.stopLoss, takeProfit: modify.takeProfit });

    // Break-even needs the price above the entry by more than the stops level.
    await h.sim.admin.movePrice('EURUSD', 100);
    const breakEven = h.intent(a, { kind: 'INTENT_KIND_MODIFY', targetIntentIds: [open.intentId], moveToBreakEven: true, volume: 0 });
    await h.approve(breakEven);
    const be = await changeOf(breakEven.intentId);
    const position = (await positions()).find((p) => p.id === positionId)!;
    expect(be.stopLossAfter).toBe(position.openPrice);
    expect(position.stopLoss).toBe(position.openPrice);

    const half = h.intent(a, { kind: 'INTENT_KIND_CLOSE', targetIntentIds: [open.intentId], closeFraction: 0.5, volume: 0 });
    await h.approve(half);
    expect(await changeOf(half.intentId)).toMatchObject({ change: 'POSITION_CHANGE_KIND_POSITION_PARTIALLY_CLOSED', volumeBefore: 0.3, volumeAfter: 0.15 });
    expect((await positions()).find((p) => p.id === positionId)!.volume).toBe(0.15);

    const rest = h.intent(a, { kind: 'INTENT_KIND_CLOSE', targetIntentIds: [open.intentId], volume: 0 });
    await h.approve(rest);
    expect(await changeOf(rest.intentId)).toMatchObject({ change: 'POSITION_CHANGE_KIND_POSITION_CLOSED', volumeAfter: 0 });
    expect((await positions()).some((p) => p.id === positionId)).toBe(false);
  });

  it('given a pending order, then it is modified and cancelled', async () => {
    const open = h.intent(a, { orderType: 'ORDER_TYPE_LIMIT', entryPrice: 1.0 });
    await h.approve(open);
    const placed = (await h.waitForResults([open.intentId]))[0]!.value as OrderPlaced;
    const modify = h.intent(a, { kind: 'INTENT_KIND_MODIFY', targetIntentIds: [open.intentId], entryPrice: 0.99, volume: 0 });
    await h.approve(modify);
    expect(await changeOf(modify.intentId)).toMatchObject({ change: 'POSITION_CHANGE_KIND_ORDER_MODIFIED', brokerOrderId: placed.brokerOrderId, entryPriceAfter: 0.99 });
    const cancel = h.intent(a, { kind: 'INTENT_KIND_CANCEL', targetIntentIds: [open.intentId], volume: 0 });
    await h.approve(cancel);
    expect(await changeOf(cancel.intentId)).toMatchObject({ change: 'POSITION_CHANGE_KIND_ORDER_CANCELLED', brokerOrderId: placed.brokerOrderId });
    expect((await orders()).some((o) => o.id === placed.brokerOrderId)).toBe(false);
  });

  it('given a trailing stop, then the service moves the stop-loss behind a rising price and never back', async () => {
    const open = h.intent(a);
    await h.approve(open);
    const placed = (await h.waitForResults([open.intentId]))[0]!.value as OrderPlaced;
    const trail = h.intent(a, { kind: 'INTENT_KIND_MODIFY', targetIntentIds: [open.intentId], trailingDistance: 0.002, volume: 0 });
    await h.approve(trail);
    const first = await changeOf(trail.intentId);
    const bid0 = (await h.sim.admin.market()).symbols.find((s) => s.symbol === 'EURUSD')!.bid;
    expect(first.stopLossAfter).toBeCloseTo(bid0 - 0.002, 5);
    await h.sim.admin.movePrice('EURUSD', 50);
    const bid1 = (await h.sim.admin.market()).symbols.find((s) => s.symbol === 'EURUSD')!.bid;
    await waitFor(async () => Math.abs(((await positions()).find((p) => p.id === placed.brokerPositionId)?.stopLoss ?? 0) - (bid1 - 0.002)) < 1e-6, { message: 'stop-loss trailing the price' });
    await h.sim.admin.movePrice('EURUSD', -30);
    await new Promise((r) => setTimeout(r, 600));
    expect((await positions()).find((p) => p.id === placed.brokerPositionId)!.stopLoss).toBeCloseTo(bid1 - 0.002, 5);
  });

  it('given a bulk close over the account (broker_symbol "*"), then every open position is closed', async () => {
    const opens = [h.intent(a), h.intent(a, { side: 'SIDE_SELL' })];
    for (const o of opens) await h.approve(o);
    await h.waitForResults(opens.map((o) => o.intentId));
    const before = (await positions()).length;
    expect(before).toBeGreaterThanOrEqual(2);
    const all = h.intent(a, { kind: 'INTENT_KIND_CLOSE', brokerSymbol: '*', volume: 0 });
    await h.approve(all);
    await waitFor(() => h.resultsOf(all.intentId).length >= before, { message: 'a change per position' });
    expect(h.resultsOf(all.intentId).every((r) => (r.value as PositionChanged).change === 'POSITION_CHANGE_KIND_POSITION_CLOSED')).toBe(true);
    expect(await positions()).toEqual([]);
  });
});

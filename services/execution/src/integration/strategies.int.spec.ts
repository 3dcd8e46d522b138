import type { OrderPlaced, OrderRejected } from '@tradebridge/contracts';
import { waitFor } from '@tradebridge/devstack';
import { ExecHarness, type TestAccount } from './harness';

const attemptsOf = (h: ExecHarness, intentId: string) =>
  h.rows('select attempt, action, outcome, handling_class, volume::float as volume, stop_loss::float as stop_loss, note from execution.execution_attempts where intent_id = $1 order by attempt', [intentId]);

describe('rejection strategies, driven by the bridge handling class, against the simulator', () => {
  let h: ExecHarness;
  let acc: Record<string, TestAccount>;

  beforeAll(async () => {
    h = await ExecHarness.start();
    const names = ['requote', 'nomoney', 'stops', 'closed', 'closed-expiry', 'busy', 'ratelimit', 'fatal', 'operator'];
    const created = await h.addAccounts(names.map((n) => ({ simId: `st-${n}`, balance: n === 'nomoney' ? 650 : 100_000 })));
    acc = Object.fromEntries(names.map((n, i) => [n, created[i]!]));
    await h.startService({ EXECUTION_MARKET_CLOSED_RETRY: '1s' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('given requotes, then the order is sent again at once with a fresh price until it fills', async () => {
    const a = acc.requote!;
    await h.sim.admin.injectFault(a.simId, { kind: 'requote', times: 2 });
    const intent = h.intent(a);
    await h.approve(intent);
    const [r] = await h.waitForResults([intent.intentId]);
    expect(r!.value).toMatchObject({ status: 'PLACEMENT_STATUS_FILLED', attempts: 3 });
    expect((await attemptsOf(h, intent.intentId)).map((x) => x.handling_class)).toEqual(['retry_fresh_price', 'retry_fresh_price', 'success']);
    expect(await h.ledgerCount(a.simId, intent.intentId)).toEqual({ received: 3, executed: 1 });
  });

  it('given not enough money, then the volume steps down x0.8 (rounded to the step) until the broker accepts it', async () => {
    const a = acc.nomoney!;
    const intent = h.intent(a, { volume: 1 });
    await h.approve(intent);
    const [r] = await h.waitForResults([intent.intentId]);
    expect(r!.topic).toBe('execution.order.placed');
    const volumes = (await attemptsOf(h, intent.intentId)).map((x) => x.volume);
    expect(volumes.slice(0, 2)).toEqual([1, 0.8]);
    for (let i = 1; i < volumes.length; i += 1) expect(volumes[i]).toBeCloseTo(Math.floor(volumes[i - 1] * 0.8 * 100 + 1e-9) / 100, 8);
    expect((r!.value as OrderPlaced).filledVolume).toBe(volumes[volumes.length - 1]);
    expect(await h.ledgerCount(a.simId, intent.intentId)).toMatchObject({ executed: 1 });
  });

  it('given stops inside the stops level, then they are moved to the level and the order fills', async () => {
    const a = acc.stops!;
    const market = await h.sim.admin.market();
    const eurusd = market.symbols.find((s) => s.symbol === 'EURUSD')!;
    const point = 0.00001;
    const intent = h.intent(a, { stopLoss: Number((eurusd.bid - 5 * point).toFixed(5)) });
    await h.approve(intent);
    const [r] = await h.waitForResults([intent.intentId]);
    expect(r!.topic).toBe('execution.order.placed');
    const attempts = await attemptsOf(h, intent.intentId);
    expect(attempts.map((x) => x.handling_class)).toEqual(['modify_and_retry', 'success']);
    expect(attempts[1].stop_loss).toBeCloseTo(eurusd.bid - 11 * point, 5);
    expect((r!.value as OrderPlaced).stopLoss).toBeCloseTo(eurusd.bid - 11 * point, 5);
  });

  it('given the market is closed, then the retry is scheduled (the account queue is free meanwhile) and the order fills later', async () => {
    const a = acc.closed!;
    await h.sim.admin.injectFault(a.simId, { kind: 'retcode', numericCode: 10018, times: 1 });
    const intent = h.intent(a);
    const other = h.intent(a);
    await h.approve(intent);
    await h.approve(other);
    const [first, second] = await h.waitForResults([intent.intentId, other.intentId]);
    expect(first!.value).toMatchObject({ status: 'PLACEMENT_STATUS_FILLED', attempts: 2 });
    // The later intent of the same account did not wait for the scheduled retry.
    expect(second!.seq).toBeLessThan(first!.seq);
    const attempts = await attemptsOf(h, intent.intentId);
    expect(attempts[0]).toMatchObject({ handling_class: 'retry_later' });
    expect(attempts[1].note).toMatch(/retry in 1000 ms/);
  });

  it('given the market stays closed past the deadline, then the intent expires and is never sent again', async () => {
    const a = acc['closed-expiry']!;
    await h.sim.admin.injectFault(a.simId, { kind: 'retcode', numericCode: 10018 });
    const base = h.intent(a);
    const intent = { ...base, deadlineAtUs: base.signalAcceptedAtUs + 1_500_000 };
    await h.approve(intent);
    const [r] = await h.waitForResults([intent.intentId]);
    expect((r!.value as OrderRejected).reason).toBe('EXEC_DEADLINE_EXPIRED');
    expect((await h.ledgerCount(a.simId, intent.intentId)).executed).toBe(0);
  });

  it('given a busy server, then the order is sent again after a backoff', async () => {
    const a = acc.busy!;
    await h.sim.admin.injectFault(a.simId, { kind: 'server-busy', times: 2 });
    const intent = h.intent(a);
    await h.approve(intent);
    const [r] = await h.waitForResults([intent.intentId]);
    expect(r!.value).toMatchObject({ status: 'PLACEMENT_STATUS_FILLED', attempts: 3 });
    expect((await attemptsOf(h, intent.intentId)).map((x) => x.handling_class)).toEqual(['retry_backoff', 'retry_backoff', 'success']);
  });

  it('given a rate limit (HTTP 429), then the server-advised wait is respected and the order fills', async () => {
    const a = acc.ratelimit!;
    await h.sim.admin.injectFault(a.simId, { kind: 'rate-limit', retryAfterSeconds: 1, times: 1 });
    const intent = h.intent(a);
    await h.approve(intent);
    const [r] = await h.waitForResults([intent.intentId]);
    expect(r!.value).toMatchObject({ status: 'PLACEMENT_STATUS_FILLED', attempts: 2 });
    const attempts = await h.rows('select started_at from execution.execution_attempts where intent_id = $1 order by attempt', [intent.intentId]);
    expect(attempts[1].started_at.getTime() - attempts[0].started_at.getTime()).toBeGreaterThanOrEqual(900);
  });

  it('given bad credentials, then the intent is rejected without retry, the account is flagged and its next intent fails fast', async () => {
    const a = acc.fatal!;
    await h.sim.admin.injectFault(a.simId, { kind: 'invalid-token' });
    const first = h.intent(a);
    const second = h.intent(a);
    await h.approve(first);
    await h.approve(second);
    const [r1, r2] = await h.waitForResults([first.intentId, second.intentId]);
    expect(r1!.value).toMatchObject({ reason: 'EXEC_BROKER_REJECTED', handlingClass: 'HANDLING_CLASS_FATAL', attempts: 1 });
    expect(r2!.value).toMatchObject({ reason: 'EXEC_ACCOUNT_FLAGGED', attempts: 0 });
    expect((await h.ledgerCount(a.simId, second.intentId)).received).toBe(0);
    expect(await h.rows('select account_id from execution.execution_account_flags')).toEqual([{ account_id: a.accountId }]);
  });

  it('given intents waiting on a long backoff, then an operator lists them, retries one and abandons the other (audited)', async () => {
    const a = acc.operator!;
    await h.sim.admin.injectFault(a.simId, { kind: 'rate-limit', retryAfterSeconds: 600, times: 2 });
    const hour = 3_600_000_000;
    const one = h.intent(a, { deadlineAtUs: Date.now() * 1000 + hour });
    const two = h.intent(a, { deadlineAtUs: Date.now() * 1000 + hour });
    await h.approve(one);
    await h.approve(two);
    await waitFor(async () => (await h.rows(`select 1 from execution.execution_orders where state = 'RETRY_SCHEDULED' and account_id = $1`, [a.accountId])).length === 2, { message: 'two scheduled intents' });
    const auth = { authorization: 'Bearer operator-token-0123456789abcdef', 'x-operator-id': 'alice@ops', 'content-type': 'application/json' };
    const listed = (await (await fetch(`${h.service!.url}/v1/operator/intents?filter=stuck&olderThanMs=0`, { headers: auth })).json()) as { intents: Array<{ intent_id: string }> };
    expect(listed.intents.map((i: { intent_id: string }) => i.intent_id).sort()).toEqual([one.intentId, two.intentId].sort());
    expect((await fetch(`${h.service!.url}/v1/operator/intents?filter=stuck`, { headers: { 'x-operator-id': 'x' } })).status).toBe(401);

    const retried = await fetch(`${h.service!.url}/v1/operator/intents/${one.intentId}/retry`, { method: 'POST', headers: auth, body: JSON.stringify({ reason: 'limit lifted' }) });
    expect(retried.status).toBe(200);
    const abandoned = await fetch(`${h.service!.url}/v1/operator/intents/${two.intentId}/abandon`, { method: 'POST', headers: auth, body: JSON.stringify({ reason: 'signal withdrawn' }) });
    expect(abandoned.status).toBe(200);
    const [r1, r2] = await h.waitForResults([one.intentId, two.intentId]);
    expect(r1!.topic).toBe('execution.order.placed');
    expect(r2!.value).toMatchObject({ reason: 'EXEC_ABANDONED_BY_OPERATOR', actor: 'alice@ops' });
    const audit = await h.rows('select intent_id, action, operator_id from execution.execution_operator_actions order by action_id');
    expect(audit).toEqual([
      { intent_id: one.intentId, action: 'retry', operator_id: 'alice@ops' },
      { intent_id: two.intentId, action: 'abandon', operator_id: 'alice@ops' },
    ]);
    const metrics = await (await fetch(`${h.service!.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`execution_rejections_total\\{[^}]*account_id="${a.accountId}"[^}]*reason="EXEC_ABANDONED_BY_OPERATOR"`));
  });
});

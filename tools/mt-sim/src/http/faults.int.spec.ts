import type { FaultSpec } from '../domain/faults';
import { RunningSimulator, startSimulator } from '../index';
import { callAccount, waitFor } from '../test-support/http';

// Each injected fault over real HTTP: what the client sees, and what the ledger and the account say happened.

let sim: RunningSimulator;
let n = 0;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5 });
});
afterAll(async () => {
  await sim.close();
});

async function account(platform: 'mt5' | 'mt4' = 'mt5'): Promise<string> {
  const id = `f-${platform}-${++n}`;
  await sim.admin.createAccount({ id, platform, token: 'tok' });
  return id;
}

const BUY = { actionType: 'ORDER_TYPE_BUY', symbol: 'EURUSD', volume: 0.1 };
const trade = (id: string, body: Record<string, unknown> = BUY, signal?: AbortSignal) =>
  callAccount(sim.url, id, 'tok', 'POST', 'trade', body, signal ? { signal } : {});
const positions = async (id: string): Promise<unknown[]> => (await callAccount(sim.url, id, 'tok', 'GET', 'positions')).body;

describe('trade-code faults', () => {
  it.each<[FaultSpec['kind'], number, string, number, string, boolean]>([
    ['requote', 10004, 'TRADE_RETCODE_REQUOTE', 138, 'ERR_REQUOTE', false],
    ['price-changed', 10020, 'TRADE_RETCODE_PRICE_CHANGED', 135, 'ERR_PRICE_CHANGED', false],
    ['off-quotes', 10021, 'TRADE_RETCODE_PRICE_OFF', 136, 'ERR_OFF_QUOTES', false],
    ['server-busy', 10024, 'TRADE_RETCODE_TOO_MANY_REQUESTS', 137, 'ERR_BROKER_BUSY', false],
    ['too-many-requests', 10024, 'TRADE_RETCODE_TOO_MANY_REQUESTS', 141, 'ERR_TOO_MANY_REQUESTS', false],
    ['no-connection', 10031, 'TRADE_RETCODE_CONNECTION', 6, 'ERR_NO_CONNECTION', false],
    ['disconnected-before-trade', -10, 'TRADE_RETCODE_DISCONNECTED_BEFORE_TRADE', -10, 'TRADE_RETCODE_DISCONNECTED_BEFORE_TRADE', false],
    ['trade-timeout', -7, 'ERR_TRADE_TIMED_OUT', 128, 'ERR_TRADE_TIMEOUT', true],
    ['disconnected-during-trade', -11, 'TRADE_RETCODE_DISCONNECTED_DURING_TRADE', -11, 'TRADE_RETCODE_DISCONNECTED_DURING_TRADE', true],
  ])('%s answers %p %s (MT4 %p %s); executed: %p', async (kind, mt5Code, mt5String, mt4Code, mt4String, executes) => {
    for (const [platform, code, stringCode] of [
      ['mt5', mt5Code, mt5String],
      ['mt4', mt4Code, mt4String],
    ] as const) {
      const id = await account(platform);
      await sim.admin.injectFault(id, { kind, times: 1 });
      const r = await trade(id, { ...BUY, clientId: `TB_${kind}`.slice(0, 20) });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ numericCode: code, stringCode });
      expect(await positions(id)).toHaveLength(executes ? 1 : 0);
      const entries = (await sim.admin.ledger({ accountId: id })).entries;
      expect(entries.map((e) => [e.fault, e.executed, e.numericCode])).toEqual([[kind, executes, code]]);
      // times: 1 -> the next request is served normally
      expect((await trade(id)).body.numericCode).toBe(platform === 'mt5' ? 10009 : 0);
    }
  });

  it('retcode answers any code of the table, executing only when asked', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'retcode', numericCode: 10012, times: 1 });
    expect((await trade(id)).body).toMatchObject({ numericCode: 10012, stringCode: 'TRADE_RETCODE_TIMEOUT', message: 'Request canceled by timeout' });
    await sim.admin.injectFault(id, { kind: 'retcode', numericCode: 10011, execute: true, times: 1 });
    expect((await trade(id)).body.numericCode).toBe(10011);
    expect(await positions(id)).toHaveLength(1);
  });

  it('partial-fill fills half the volume and answers 10010', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'partial-fill', fraction: 0.5, times: 1 });
    const r = await trade(id, { ...BUY, volume: 1 });
    expect(r.body).toMatchObject({ numericCode: 10010, stringCode: 'TRADE_RETCODE_DONE_PARTIAL' });
    expect(await positions(id)).toEqual([expect.objectContaining({ volume: 0.5 })]);
  });

  it('filters by action type and applies probability 1 always and 0 never', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'requote', actionTypes: ['ORDER_TYPE_SELL'], probability: 1 });
    await sim.admin.injectFault(id, { kind: 'off-quotes', probability: 0 });
    expect((await trade(id)).body.numericCode).toBe(10009);
    expect((await trade(id, { ...BUY, actionType: 'ORDER_TYPE_SELL' })).body.numericCode).toBe(10004);
    expect((await trade(id, { ...BUY, actionType: 'ORDER_TYPE_SELL' })).body.numericCode).toBe(10004);
    const faults = await sim.admin.listFaults(id);
    expect(faults.map((f) => [f.kind, f.hits])).toEqual([
      ['requote', 2],
      ['off-quotes', 0],
    ]);
    expect(await sim.admin.clearFaults(id)).toBe(2);
    expect((await trade(id, { ...BUY, actionType: 'ORDER_TYPE_SELL' })).body.numericCode).toBe(10009);
  });
});

describe('HTTP-level faults', () => {
  it('rate-limit answers 429 TooManyRequestsError with Retry-After and metadata.recommendedRetryTime, on reads too', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'rate-limit', retryAfterSeconds: 2, paths: ['trade', 'positions'], times: 2 });
    const before = Date.now();
    const r = await trade(id);
    const after = Date.now();
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.body).toMatchObject({ id: 7, error: 'TooManyRequestsError' });
    const retryAt = Date.parse(r.body.metadata.recommendedRetryTime);
    expect(retryAt).toBeGreaterThanOrEqual(before + 2000);
    expect(retryAt).toBeLessThanOrEqual(after + 2000);
    expect((await callAccount(sim.url, id, 'tok', 'GET', 'positions')).status).toBe(429);
    expect((await callAccount(sim.url, id, 'tok', 'GET', 'positions')).status).toBe(200);
    expect(await sim.admin.ledgerCount({ accountId: id })).toEqual({ received: 1, executed: 0 });
  });

  it('invalid-token answers 401 although the token is right; internal-error answers 500', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'invalid-token', times: 1, paths: ['account-information'] });
    await sim.admin.injectFault(id, { kind: 'internal-error', times: 1 });
    expect((await callAccount(sim.url, id, 'tok', 'GET', 'account-information')).body).toMatchObject({ error: 'UnauthorizedError' });
    const r = await trade(id);
    expect(r.status).toBe(500);
    expect(r.body.error).toBe('InternalError');
    expect(await positions(id)).toEqual([]);
  });

  it('latency delays the answer by at least the given time and the trade still executes', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'latency', ms: 150, times: 1 });
    const started = Date.now();
    expect((await trade(id)).body.numericCode).toBe(10009);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    await sim.admin.injectFault(id, { kind: 'latency', minMs: 1, maxMs: 3 });
    await sim.admin.injectFault(id, { kind: 'latency', p50Ms: 2, p99Ms: 5 });
    expect((await callAccount(sim.url, id, 'tok', 'GET', 'positions')).body).toHaveLength(1);
  });

  it('disconnect closes the socket without an answer and executes nothing', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'disconnect', times: 1 });
    await expect(trade(id, { ...BUY, clientId: 'TB_disc' })).rejects.toThrow();
    expect(await positions(id)).toEqual([]);
    const [entry] = (await sim.admin.ledger({ accountId: id })).entries;
    expect(entry).toMatchObject({ clientId: 'TB_disc', outcome: 'not-executed', executed: false, responseDelivered: false, fault: 'disconnect' });
  });
});

describe('the ambiguous case: executed but the answer never arrives', () => {
  it('response-lost executes the trade, then destroys the socket', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'response-lost', times: 1 });
    await expect(trade(id, { ...BUY, clientId: 'TB_lost' })).rejects.toThrow();
    expect(await positions(id)).toEqual([expect.objectContaining({ clientId: 'TB_lost' })]);
    expect(await sim.admin.ledgerCount({ accountId: id, clientId: 'TB_lost' })).toEqual({ received: 1, executed: 1 });
    const [entry] = (await sim.admin.ledger({ accountId: id })).entries;
    expect(entry).toMatchObject({ outcome: 'executed', responseDelivered: false, numericCode: 10009 });
  });

  it('response-delayed executes at once and answers after the client has given up', async () => {
    const id = await account('mt4');
    await sim.admin.injectFault(id, { kind: 'response-delayed', delayMs: 3000, times: 1 });
    await expect(trade(id, { ...BUY, clientId: 'TB_late' }, AbortSignal.timeout(600))).rejects.toThrow();
    expect(await positions(id)).toEqual([expect.objectContaining({ clientId: 'TB_late' })]);
    await waitFor(async () => ((await sim.admin.ledger({ accountId: id })).entries[0]?.responseDelivered === false ? true : undefined));
    expect(await sim.admin.ledgerCount({ accountId: id, clientId: 'TB_late' })).toEqual({ received: 1, executed: 1 });
  });

  it('response-delayed answers a patient client with the real result', async () => {
    const id = await account();
    await sim.admin.injectFault(id, { kind: 'response-delayed', delayMs: 100, times: 1 });
    expect((await trade(id)).body).toMatchObject({ numericCode: 10009, positionId: expect.any(String) });
  });

  it('applies read-path faults: a lost positions answer does not change the account', async () => {
    const id = await account();
    await trade(id);
    await sim.admin.injectFault(id, { kind: 'response-lost', paths: ['positions'], times: 1 });
    await expect(callAccount(sim.url, id, 'tok', 'GET', 'positions')).rejects.toThrow();
    expect(await positions(id)).toHaveLength(1);
  });
});

describe('organic rate limit', () => {
  it('given rateLimitPerSecond 5, then a burst of 12 requests gets 5 answers and 7 TooManyRequestsErrors, and refused trades are in the ledger', async () => {
    const id = `rl-${++n}`;
    await sim.admin.createAccount({ id, token: 'tok', rateLimitPerSecond: 5 });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => trade(id, { ...BUY, clientId: `TB_rl_${i}` })));
    const statuses = answers.map((a) => a.status);
    // the bucket refills at 5/s, so a slow machine may let one more through during the burst
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(7);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused[0]!.body.error).toBe('TooManyRequestsError');
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const counts = await sim.admin.ledgerCount({ accountId: id });
    expect(counts).toEqual({ received: 12, executed: statuses.filter((s) => s === 200).length });
  });
});

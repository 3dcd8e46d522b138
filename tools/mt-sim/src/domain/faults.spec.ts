import { createRng } from './random';
import { FaultSet, sampleLatency, validateFault } from './faults';

describe('fault selection', () => {
  const rng = createRng(1);
  const newSet = (): FaultSet => {
    let n = 0;
    return new FaultSet(() => `f-${++n}`);
  };

  it('given times: 2, then exactly the next two matching requests are hit and the fault is then gone', () => {
    const set = newSet();
    set.add({ kind: 'requote', times: 2 });
    expect(set.select('trade', 'ORDER_TYPE_BUY', rng).fault?.kind).toBe('requote');
    expect(set.select('positions', undefined, rng).fault).toBeUndefined();
    expect(set.select('trade', 'ORDER_TYPE_SELL', rng).fault?.kind).toBe('requote');
    expect(set.select('trade', 'ORDER_TYPE_BUY', rng).fault).toBeUndefined();
    expect(set.size).toBe(0);
  });

  it('filters on paths and action types', () => {
    const set = newSet();
    set.add({ kind: 'rate-limit', paths: ['positions'] });
    set.add({ kind: 'off-quotes', actionTypes: ['ORDER_TYPE_SELL'] });
    expect(set.select('positions', undefined, rng).fault?.kind).toBe('rate-limit');
    expect(set.select('trade', 'ORDER_TYPE_BUY', rng).fault).toBeUndefined();
    expect(set.select('trade', 'ORDER_TYPE_SELL', rng).fault?.kind).toBe('off-quotes');
  });

  it('adds latencies and applies the first other fault only', () => {
    const set = newSet();
    set.add({ kind: 'latency', ms: 5 });
    set.add({ kind: 'latency', ms: 7 });
    set.add({ kind: 'requote' });
    set.add({ kind: 'off-quotes' });
    const d = set.select('trade', 'ORDER_TYPE_BUY', rng);
    expect(d).toMatchObject({ latencyMs: 12, fault: { kind: 'requote' } });
    expect(set.list().map((f) => f.hits)).toEqual([1, 1, 1, 0]);
  });

  it('given probability 0.3 and a seeded stream, then the hit rate is near 30% and the same seed gives the same hits', () => {
    const run = (): boolean[] => {
      const set = newSet();
      set.add({ kind: 'requote', probability: 0.3 });
      const r = createRng(99);
      return Array.from({ length: 2000 }, () => set.select('trade', 'ORDER_TYPE_BUY', r).fault !== undefined);
    };
    const hits = run();
    expect(hits).toEqual(run());
    const rate = hits.filter(Boolean).length / hits.length;
    expect(rate).toBeGreaterThan(0.25);
    expect(rate).toBeLessThan(0.35);
  });

  it('samples latency distributions within their bounds, with p50/p99 shaped log-normally', () => {
    const r = createRng(5);
    const uniform = Array.from({ length: 1000 }, () => sampleLatency({ kind: 'latency', minMs: 10, maxMs: 20 }, r));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(20);
    const logn = Array.from({ length: 20_000 }, () => sampleLatency({ kind: 'latency', p50Ms: 10, p99Ms: 50 }, r)).sort((a, b) => a - b);
    expect(logn[10_000]!).toBeGreaterThan(9);
    expect(logn[10_000]!).toBeLessThan(11);
    expect(logn[19_800]!).toBeGreaterThan(40);
    expect(logn[19_800]!).toBeLessThan(60);
  });

  it('validates fault bodies and names the bad fields', () => {
    expect(validateFault({ kind: 'latency' })).toMatchObject({ ok: false, errors: [{ parameter: 'ms' }] });
    expect(validateFault({ kind: 'nope' })).toMatchObject({ ok: false, errors: [{ parameter: 'kind' }] });
    expect(validateFault({ kind: 'requote', probability: 2 })).toMatchObject({ ok: false, errors: [{ parameter: 'probability' }] });
    expect(validateFault({ kind: 'retcode' })).toMatchObject({ ok: false, errors: [{ parameter: 'numericCode' }] });
    expect(validateFault({ kind: 'requote', paths: ['nowhere'] })).toMatchObject({ ok: false, errors: [{ parameter: 'paths' }] });
    expect(validateFault({ kind: 'response-lost', times: 1, actionTypes: ['ORDER_TYPE_BUY'] })).toEqual({
      ok: true,
      value: { kind: 'response-lost', times: 1, actionTypes: ['ORDER_TYPE_BUY'] },
    });
  });
});

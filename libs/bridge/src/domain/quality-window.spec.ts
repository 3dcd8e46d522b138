import { QualityWindow, percentile } from './quality-window';

describe('QualityWindow', () => {
  it('given 100 successful calls of 1..100 ms, then p50/p95/p99 are the nearest ranks', () => {
    const w = new QualityWindow({ maxSamples: 1000, windowMs: 60_000 });
    for (let i = 1; i <= 100; i++) w.record(1000 + i, i, true);
    expect(w.snapshot(2000)).toEqual({ calls: 100, failures: 0, errorRate: 0, rttP50Ms: 50, rttP95Ms: 95, rttP99Ms: 99 });
  });

  it('given failures, then the error rate counts them and the percentiles ignore them', () => {
    const w = new QualityWindow({ maxSamples: 1000, windowMs: 60_000 });
    w.record(1, 10, true);
    w.record(2, 5000, false);
    w.record(3, 20, true);
    w.record(4, 5000, false);
    expect(w.snapshot(5)).toEqual({ calls: 4, failures: 2, errorRate: 0.5, rttP50Ms: 10, rttP95Ms: 20, rttP99Ms: 20 });
  });

  it('given samples older than the window, then they are forgotten', () => {
    const w = new QualityWindow({ maxSamples: 1000, windowMs: 1000 });
    w.record(0, 500, false);
    w.record(900, 7, true);
    expect(w.snapshot(1000)).toMatchObject({ calls: 1, failures: 0, rttP99Ms: 7 });
  });

  it('given more samples than the maximum, then only the newest are kept', () => {
    const w = new QualityWindow({ maxSamples: 3, windowMs: 60_000 });
    [100, 100, 1, 2, 3].forEach((rtt, i) => w.record(i, rtt, true));
    expect(w.snapshot(10)).toMatchObject({ calls: 3, rttP99Ms: 3 });
  });

  it('given an empty window, then it reports no calls and no percentiles', () => {
    expect(new QualityWindow({ maxSamples: 10, windowMs: 10 }).snapshot(0)).toEqual({ calls: 0, failures: 0, errorRate: 0 });
  });

  it('percentile refuses an empty set', () => {
    expect(() => percentile([], 50)).toThrow(/empty/);
  });
});

describe('QualityWindow against a naive recomputation', () => {
  it('given random outcomes over time, then every snapshot equals the one computed from scratch', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const w = new QualityWindow({ maxSamples: 50, windowMs: 500 });
    const all: { at: number; rtt: number; ok: boolean }[] = [];
    let now = 0;
    for (let i = 0; i < 2000; i++) {
      now += Math.floor(rand() * 20);
      const sample = { at: now, rtt: Math.floor(rand() * 100), ok: rand() > 0.2 };
      w.record(sample.at, sample.rtt, sample.ok);
      all.push(sample);
      const live = all.slice(-50).filter((x) => x.at > now - 500);
      const okRtts = live.filter((x) => x.ok).map((x) => x.rtt).sort((a, b) => a - b);
      const failures = live.length - okRtts.length;
      const expected = {
        calls: live.length,
        failures,
        errorRate: live.length === 0 ? 0 : failures / live.length,
        ...(okRtts.length ? { rttP50Ms: percentile(okRtts, 50), rttP95Ms: percentile(okRtts, 95), rttP99Ms: percentile(okRtts, 99) } : {}),
      };
      expect(w.snapshot(now)).toEqual(expected);
    }
  });
});

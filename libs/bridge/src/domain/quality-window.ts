/** Connection quality over the sliding window, as plain numbers. */
export interface QualitySnapshot {
  /** Calls in the window. */
  readonly calls: number;
  /** Calls in the window that failed for connectivity reasons. */
  readonly failures: number;
  /** failures / calls, 0 when the window is empty. */
  readonly errorRate: number;
  /** Round-trip percentiles of successful calls, ms; undefined when there are none. */
  readonly rttP50Ms?: number;
  readonly rttP95Ms?: number;
  readonly rttP99Ms?: number;
}

/** Settings of the window: it keeps at most `maxSamples` samples, none older than `windowMs`. */
export interface QualityWindowOptions {
  readonly maxSamples: number;
  readonly windowMs: number;
}

/**
 * A sliding window of call outcomes for one connection: round-trip percentiles (nearest-rank) and error rate.
 * The successful round trips are also kept sorted, so a snapshot costs O(1) and a record O(log n) plus a memmove;
 * the connection reads it after every call. Time comes in as arguments (epoch ms).
 */
export class QualityWindow {
  // A ring buffer of the samples in time order: head is the oldest, size the count.
  private readonly at: Float64Array;
  private readonly rtt: Float64Array;
  private readonly ok: Uint8Array;
  private head = 0;
  private size = 0;
  private readonly sortedOk: number[] = [];
  private failures = 0;

  constructor(private readonly options: QualityWindowOptions) {
    if (!(Number.isInteger(options.maxSamples) && options.maxSamples >= 1)) throw new RangeError(`maxSamples must be an integer of at least 1, got ${options.maxSamples}`);
    this.at = new Float64Array(options.maxSamples);
    this.rtt = new Float64Array(options.maxSamples);
    this.ok = new Uint8Array(options.maxSamples);
  }

  /** Records a call that completed at `now`; `ok` false for connectivity failures. */
  record(now: number, rttMs: number, ok: boolean): void {
    if (this.size === this.options.maxSamples) this.dropOldest();
    const i = (this.head + this.size) % this.options.maxSamples;
    this.at[i] = now;
    this.rtt[i] = rttMs;
    this.ok[i] = ok ? 1 : 0;
    this.size += 1;
    if (ok) this.sortedOk.splice(lowerBound(this.sortedOk, rttMs), 0, rttMs);
    else this.failures += 1;
  }

  snapshot(now: number): QualitySnapshot {
    while (this.size > 0 && this.at[this.head] <= now - this.options.windowMs) this.dropOldest();
    const calls = this.size;
    const base = { calls, failures: this.failures, errorRate: calls === 0 ? 0 : this.failures / calls };
    if (this.sortedOk.length === 0) return base;
    const s = this.sortedOk;
    return { ...base, rttP50Ms: percentile(s, 50), rttP95Ms: percentile(s, 95), rttP99Ms: percentile(s, 99) };
  }

  private dropOldest(): void {
    const i = this.head;
    if (this.ok[i] === 1) this.sortedOk.splice(lowerBound(this.sortedOk, this.rtt[i]), 1);
    else this.failures -= 1;
    this.head = (this.head + 1) % this.options.maxSamples;
    this.size -= 1;
  }
}

/** First index whose value is >= x in an ascending array. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new RangeError('percentile of an empty set');
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1];
}

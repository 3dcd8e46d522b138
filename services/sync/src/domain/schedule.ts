/**
 * Scheduling of the per-account sync cycles: every account gets a fixed phase inside the interval, derived from its
 * id, so 1,000 accounts at 1 Hz spread evenly over the second instead of all firing at its start.
 */

/** The account's offset inside each interval, in [0, intervalMs): FNV-1a of the id, stable across processes. */
export function phaseOf(accountId: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    h ^= accountId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % Math.max(1, Math.floor(intervalMs));
}

/** The first due time at or after `nowMs` on the account's grid (multiples of the interval plus its phase). */
export function firstDue(accountId: string, intervalMs: number, nowMs: number): number {
  const phase = phaseOf(accountId, intervalMs);
  const base = Math.floor((nowMs - phase) / intervalMs) * intervalMs + phase;
  return base >= nowMs ? base : base + intervalMs;
}

/**
 * The due time after `dueMs`. A cycle that ran long (or a stalled event loop) does not cause a burst of catch-up
 * cycles: due times already in the past are skipped and counted.
 */
export function nextDue(dueMs: number, intervalMs: number, nowMs: number): { dueMs: number; skipped: number } {
  let next = dueMs + intervalMs;
  let skipped = 0;
  if (next < nowMs) {
    skipped = Math.ceil((nowMs - next) / intervalMs);
    next += skipped * intervalMs;
  }
  return { dueMs: next, skipped };
}

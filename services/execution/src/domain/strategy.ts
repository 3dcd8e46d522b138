import type { HandlingClass, ModifyHint } from '@tradebridge/bridge';

/** Final rejection reasons of execution (the contract's ExecutionRejectionReason, by name). */
export type ExecReason =
  | 'EXEC_BROKER_REJECTED'
  | 'EXEC_DEADLINE_EXPIRED'
  | 'EXEC_ACCOUNT_FLAGGED'
  | 'EXEC_RETRIES_EXHAUSTED'
  | 'EXEC_OUTCOME_UNKNOWN'
  | 'EXEC_ABANDONED_BY_OPERATOR'
  | 'EXEC_ACCOUNT_UNAVAILABLE'
  | 'EXEC_TARGET_NOT_FOUND'
  | 'EXEC_INVALID_INTENT'
  | 'EXEC_INSUFFICIENT_MARGIN';

/** How hard execution tries before giving up, per strategy. */
export interface RetryPolicy {
  /** Immediate resends after a requote / price change. */
  readonly maxFreshPriceRetries: number;
  /** Resends after busy / off quotes / throttling / not delivered. */
  readonly maxBackoffRetries: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** Delay between attempts while the market is closed or the order frozen. */
  readonly marketClosedRetryMs: number;
  /** Volume reduction factor after "no money" (0.8: 20% less each time). */
  readonly volumeReductionFactor: number;
  /** Resends with stops moved to the stops level. */
  readonly maxStopsAdjustments: number;
  /** Resends after a lost answer proved (by the terminal) to have executed nothing. */
  readonly maxUnknownResends: number;
  /** Longest wait done inline (holding the account's queue); longer waits are scheduled and release it. */
  readonly inlineDelayMaxMs: number;
}

/** Default policy: seed 002's strategies with small, bounded budgets. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxFreshPriceRetries: 3,
  maxBackoffRetries: 5,
  backoffInitialMs: 200,
  backoffMaxMs: 5_000,
  marketClosedRetryMs: 30_000,
  volumeReductionFactor: 0.8,
  maxStopsAdjustments: 2,
  maxUnknownResends: 1,
  inlineDelayMaxMs: 1_000,
});

/** How many resends of each kind an intent has used. */
export interface RetryCounts {
  readonly freshPrice: number;
  readonly backoff: number;
  readonly reduceVolume: number;
  readonly adjustStops: number;
  readonly later: number;
  readonly unknownResends: number;
}

export const NO_RETRIES: RetryCounts = Object.freeze({ freshPrice: 0, backoff: 0, reduceVolume: 0, adjustStops: 0, later: 0, unknownResends: 0 });

/** The broker's answer as the strategy needs it. */
export interface AnswerFacts {
  readonly handling: HandlingClass;
  readonly hint?: ModifyHint;
  /** Server's advice for throttled requests. */
  readonly retryAfterMs?: number;
  readonly codeId: string;
  readonly message: string;
}

/** What to do after an answer. */
export type NextStep =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'resend'; readonly change: 'none' | 'reduce_volume' | 'adjust_stops'; readonly delayMs: number; readonly counts: RetryCounts; readonly note: string }
  | { readonly kind: 'schedule'; readonly atMs: number; readonly counts: RetryCounts; readonly note: string }
  | { readonly kind: 'reconcile' }
  | { readonly kind: 'reject'; readonly reason: ExecReason; readonly detail: string; readonly flagAccount: boolean };

/** Exponential backoff without jitter (the caller adds none: attempts per intent are few and per account serial). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  return Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** Math.max(0, retry - 1));
}

/**
 * Decides the next step after a broker answer, from the bridge's handling class (never from strings): seed 002's
 * strategies with bounded budgets, never past the deadline. `canReduceVolume` says whether the account allows
 * smaller orders after "no money"; `isModification` marks requests where a fresh price means nothing to change.
 */
export function decideNext(input: {
  readonly answer: AnswerFacts;
  readonly counts: RetryCounts;
  readonly policy: RetryPolicy;
  readonly nowMs: number;
  readonly deadlineMs: number;
  readonly canReduceVolume: boolean;
}): NextStep {
  const { answer, counts, policy, nowMs, deadlineMs } = input;
  const what = `${answer.codeId}: ${answer.message}`;
  const exhausted = (strategy: string): NextStep => ({
    kind: 'reject',
    reason: 'EXEC_RETRIES_EXHAUSTED',
    detail: `${strategy} retries exhausted; last answer ${what}`,
    flagAccount: false,
  });
  const later = (delayMs: number, next: RetryCounts, note: string, alwaysSchedule = false): NextStep => {
    const atMs = nowMs + delayMs;
    if (atMs >= deadlineMs) return { kind: 'reject', reason: 'EXEC_DEADLINE_EXPIRED', detail: `deadline passes before the next attempt (${note}); last answer ${what}`, flagAccount: false };
    if (!alwaysSchedule && delayMs <= policy.inlineDelayMaxMs) return { kind: 'resend', change: 'none', delayMs, counts: next, note };
    return { kind: 'schedule', atMs, counts: next, note };
  };
  switch (answer.handling) {
    case 'success':
      return { kind: 'succeeded' };
    case 'retry_fresh_price':
      if (counts.freshPrice >= policy.maxFreshPriceRetries) return exhausted('fresh-price');
      return { kind: 'resend', change: 'none', delayMs: 0, counts: { ...counts, freshPrice: counts.freshPrice + 1 }, note: `fresh price after ${answer.codeId}` };
    case 'retry_backoff': {
      if (counts.backoff >= policy.maxBackoffRetries) return exhausted('backoff');
      const next = { ...counts, backoff: counts.backoff + 1 };
      const delayMs = Math.max(answer.retryAfterMs ?? 0, backoffMs(policy, next.backoff));
      return later(delayMs, next, `backoff ${delayMs} ms after ${answer.codeId}`);
    }
    case 'modify_and_retry':
      if (answer.hint === 'reduce_volume') {
        if (!input.canReduceVolume) return { kind: 'reject', reason: 'EXEC_INSUFFICIENT_MARGIN', detail: `${what}; the account does not allow reduced volume`, flagAccount: false };
        return { kind: 'resend', change: 'reduce_volume', delayMs: 0, counts: { ...counts, reduceVolume: counts.reduceVolume + 1 }, note: `volume x${policy.volumeReductionFactor} after ${answer.codeId}` };
      }
      if (answer.hint === 'adjust_stops') {
        if (counts.adjustStops >= policy.maxStopsAdjustments) return exhausted('stops-adjustment');
        return { kind: 'resend', change: 'adjust_stops', delayMs: 0, counts: { ...counts, adjustStops: counts.adjustStops + 1 }, note: `stops moved to the stops level after ${answer.codeId}` };
      }
      return { kind: 'reject', reason: 'EXEC_BROKER_REJECTED', detail: `${what} (no automatic change for hint ${answer.hint ?? 'none'})`, flagAccount: false };
    case 'retry_later':
      // A market condition lasts: never wait inline, so the account's later intents are not held behind it.
      return later(policy.marketClosedRetryMs, { ...counts, later: counts.later + 1 }, `retry in ${policy.marketClosedRetryMs} ms after ${answer.codeId}`, true);
    case 'outcome_unknown':
      return { kind: 'reconcile' };
    case 'fatal':
      return { kind: 'reject', reason: 'EXEC_BROKER_REJECTED', detail: `${what}; the account is flagged and its intents fail fast until cleared`, flagAccount: true };
    case 'rejected_final':
      return { kind: 'reject', reason: 'EXEC_BROKER_REJECTED', detail: what, flagAccount: false };
    default: {
      const exhaustive: never = answer.handling;
      return exhaustive;
    }
  }
}

/**
 * After a lost answer, the terminal found nothing carrying the intent's clientId: resend (bounded), never past the
 * deadline. A resend is safe only because the lookup covers positions, pending orders and history.
 */
export function decideAfterNothingFound(counts: RetryCounts, policy: RetryPolicy, nowMs: number, deadlineMs: number): NextStep {
  if (nowMs >= deadlineMs) return { kind: 'reject', reason: 'EXEC_DEADLINE_EXPIRED', detail: 'the terminal shows no trade for the intent and its deadline has passed', flagAccount: false };
  if (counts.unknownResends >= policy.maxUnknownResends) {
    return { kind: 'reject', reason: 'EXEC_OUTCOME_UNKNOWN', detail: 'answers were lost and the terminal shows no trade; not resending again', flagAccount: false };
  }
  return { kind: 'resend', change: 'none', delayMs: 0, counts: { ...counts, unknownResends: counts.unknownResends + 1 }, note: 'resend: the terminal shows no trade for the lost answer' };
}

import { DEFAULT_RETRY_POLICY, NO_RETRIES, decideAfterNothingFound, decideNext, type AnswerFacts } from './strategy';

const policy = DEFAULT_RETRY_POLICY;
const now = 1_000_000;
const answer = (handling: AnswerFacts['handling'], extra: Partial<AnswerFacts> = {}): AnswerFacts => ({ handling, codeId: 'X', message: 'm', ...extra });
const decide = (a: AnswerFacts, over: Partial<Parameters<typeof decideNext>[0]> = {}) =>
  decideNext({ answer: a, counts: NO_RETRIES, policy, nowMs: now, deadlineMs: now + 120_000, canReduceVolume: true, ...over });

describe('rejection strategies', () => {
  it('given a requote, when retries remain, then resend at once; when used up, then retries exhausted', () => {
    expect(decide(answer('retry_fresh_price'))).toMatchObject({ kind: 'resend', change: 'none', delayMs: 0, counts: { freshPrice: 1 } });
    expect(decide(answer('retry_fresh_price'), { counts: { ...NO_RETRIES, freshPrice: 3 } })).toMatchObject({ kind: 'reject', reason: 'EXEC_RETRIES_EXHAUSTED' });
  });

  it('given no money, then reduce volume if the account allows it, else reject for margin', () => {
    expect(decide(answer('modify_and_retry', { hint: 'reduce_volume' }))).toMatchObject({ kind: 'resend', change: 'reduce_volume' });
    expect(decide(answer('modify_and_retry', { hint: 'reduce_volume' }), { canReduceVolume: false })).toMatchObject({ kind: 'reject', reason: 'EXEC_INSUFFICIENT_MARGIN' });
  });

  it('given invalid stops, then adjust them a bounded number of times', () => {
    expect(decide(answer('modify_and_retry', { hint: 'adjust_stops' }))).toMatchObject({ kind: 'resend', change: 'adjust_stops', counts: { adjustStops: 1 } });
    expect(decide(answer('modify_and_retry', { hint: 'adjust_stops' }), { counts: { ...NO_RETRIES, adjustStops: 2 } })).toMatchObject({ kind: 'reject', reason: 'EXEC_RETRIES_EXHAUSTED' });
  });

  it('given the market is closed, then schedule a retry 30 s later, or expire when the deadline comes first', () => {
    expect(decide(answer('retry_later'))).toEqual(expect.objectContaining({ kind: 'schedule', atMs: now + 30_000 }));
    expect(decide(answer('retry_later'), { deadlineMs: now + 10_000 })).toMatchObject({ kind: 'reject', reason: 'EXEC_DEADLINE_EXPIRED' });
    // even a short market-closed delay is scheduled, never waited for inline
    expect(decide(answer('retry_later'), { policy: { ...policy, marketClosedRetryMs: 500 } })).toMatchObject({ kind: 'schedule', atMs: now + 500 });
  });

  it('given busy or throttled, then back off inline when short, scheduled when long (server advice wins)', () => {
    expect(decide(answer('retry_backoff'))).toMatchObject({ kind: 'resend', delayMs: 200 });
    expect(decide(answer('retry_backoff', { retryAfterMs: 3_000 }))).toMatchObject({ kind: 'schedule', atMs: now + 3_000 });
    expect(decide(answer('retry_backoff'), { counts: { ...NO_RETRIES, backoff: 5 } })).toMatchObject({ kind: 'reject', reason: 'EXEC_RETRIES_EXHAUSTED' });
  });

  it('given a fatal answer, then reject and flag the account; given a final rejection, then reject without flag', () => {
    expect(decide(answer('fatal'))).toMatchObject({ kind: 'reject', reason: 'EXEC_BROKER_REJECTED', flagAccount: true });
    expect(decide(answer('rejected_final'))).toMatchObject({ kind: 'reject', reason: 'EXEC_BROKER_REJECTED', flagAccount: false });
  });

  it('given an unknown outcome, then reconcile before anything else', () => {
    expect(decide(answer('outcome_unknown'))).toEqual({ kind: 'reconcile' });
    expect(decide(answer('success'))).toEqual({ kind: 'succeeded' });
  });

  it('given the terminal shows nothing after a lost answer, then resend once, then give up as unknown', () => {
    expect(decideAfterNothingFound(NO_RETRIES, policy, now, now + 1)).toMatchObject({ kind: 'resend', counts: { unknownResends: 1 } });
    expect(decideAfterNothingFound({ ...NO_RETRIES, unknownResends: 1 }, policy, now, now + 1)).toMatchObject({ kind: 'reject', reason: 'EXEC_OUTCOME_UNKNOWN' });
    expect(decideAfterNothingFound(NO_RETRIES, policy, now, now)).toMatchObject({ kind: 'reject', reason: 'EXEC_DEADLINE_EXPIRED' });
  });
});

import { msBetween, stepDetails, stepKind } from './timeline';

describe('timeline steps', () => {
  it('given each topic of the flow, when classified, then it names the step', () => {
    expect(stepKind('signal.generated', true)).toBe('signal.accepted');
    expect(stepKind('risk.rejected', true)).toBe('risk.rejected');
    expect(stepKind('execution.attempt.recorded', true)).toBe('execution.attempt');
    expect(stepKind('execution.order.placed', true)).toBe('execution.placed');
    expect(stepKind('account.synced', true)).toBe('sync.confirmed');
    expect(stepKind('account.synced', false)).toBe('sync.snapshot');
    expect(stepKind('risk.approved.dlq', true)).toBe('dead_lettered');
  });

  it('given a sync snapshot, when its details are taken for a trace, then only the changes of the traced intents remain', () => {
    const details = stepDetails('sync.confirmed', { sequence: 3, syncDelayMs: 12, changes: [{ intentId: 'a', kind: 'OPENED' }, { intentId: 'b' }] }, ['a']);
    expect(details).toEqual({ sequence: 3, syncDelayMs: 12, changes: [{ intentId: 'a', kind: 'OPENED' }] });
  });

  it('given microsecond timestamps, when subtracted, then milliseconds keep microsecond precision', () => {
    expect(msBetween(1_000_000, 1_012_345)).toBe(12.345);
  });
});

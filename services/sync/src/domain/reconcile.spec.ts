import { EMPTY_RECONCILE_STATE, reconcile, type ExpectedPosition, type ReconcileInput } from './reconcile';
import { T0, position } from './spec-builders';

const ours = (c: string | undefined) => !!c && c.startsWith('TB');

function expected(positionId: string, over: Partial<ExpectedPosition> = {}): ExpectedPosition {
  return { positionId, intentId: `intent-${positionId}`, signalId: 'sig-1', clientId: `TB${positionId}`, symbol: 'EURUSD', volume: 0.1, reportedAtMs: T0, ...over };
}

function input(over: Partial<ReconcileInput>): ReconcileInput {
  return { expected: [], positions: [], recentlyClosed: new Set(), isOurClientId: ours, nowMs: T0 + 60_000, graceMs: 5_000, ...over };
}

describe('reconcile', () => {
  it('given the terminal matches execution, then there is nothing to report', () => {
    const out = reconcile(EMPTY_RECONCILE_STATE, input({ expected: [expected('1', { stopLoss: 1.09 })], positions: [position('1', { clientId: 'TB1', stopLoss: 1.09 })] }));
    expect(out.detected).toEqual([]);
    expect(out.resolved).toEqual([]);
  });

  it('given a position opened by hand (no clientId of ours), then UNKNOWN_POSITION at once', () => {
    const out = reconcile(EMPTY_RECONCILE_STATE, input({ positions: [position('9', { clientId: undefined })] }));
    expect(out.detected).toEqual([expect.objectContaining({ kind: 'DISCREPANCY_KIND_UNKNOWN_POSITION', positionId: '9', key: 'UNKNOWN_POSITION:9' })]);
  });

  it('given a reported discrepancy still true, when reconciled again, then it is not reported again', () => {
    const first = reconcile(EMPTY_RECONCILE_STATE, input({ positions: [position('9')] }));
    const second = reconcile(first.state, input({ positions: [position('9')], nowMs: T0 + 61_000 }));
    expect(second.detected).toEqual([]);
    expect(second.resolved).toEqual([]);
  });

  it('given a reported discrepancy, when it no longer holds, then it is resolved once', () => {
    const first = reconcile(EMPTY_RECONCILE_STATE, input({ positions: [position('9')] }));
    const second = reconcile(first.state, input({ positions: [] }));
    expect(second.resolved).toEqual([expect.objectContaining({ key: 'UNKNOWN_POSITION:9' })]);
    const third = reconcile(second.state, input({ positions: [] }));
    expect(third.resolved).toEqual([]);
  });

  it('given a position we believe open, when it is gone without a close we saw, then MISSING_POSITION after the grace period', () => {
    const e = [expected('1', { reportedAtMs: T0 })];
    const early = reconcile(EMPTY_RECONCILE_STATE, input({ expected: e, nowMs: T0 + 60_000 }));
    expect(early.detected).toEqual([]);
    const later = reconcile(early.state, input({ expected: e, nowMs: T0 + 65_000 }));
    expect(later.detected).toEqual([expect.objectContaining({ kind: 'DISCREPANCY_KIND_MISSING_POSITION', positionId: '1', intentId: 'intent-1', signalId: 'sig-1', expected: 0.1 })]);
  });

  it('given a position we saw close on the terminal (SL hit), then it is not missing', () => {
    const e = [expected('1')];
    const a = reconcile(EMPTY_RECONCILE_STATE, input({ expected: e, recentlyClosed: new Set(['1']) }));
    const b = reconcile(a.state, input({ expected: e, recentlyClosed: new Set(['1']), nowMs: T0 + 120_000 }));
    expect([...a.detected, ...b.detected]).toEqual([]);
  });

  it('given volume, stop-loss and take-profit drift that lasts, then one discrepancy of each kind with both values', () => {
    const e = [expected('1', { volume: 0.3, stopLoss: 1.09, takeProfit: 1.12 })];
    const p = [position('1', { clientId: 'TB1', volume: 0.2, stopLoss: 1.095 })];
    const a = reconcile(EMPTY_RECONCILE_STATE, input({ expected: e, positions: p }));
    expect(a.detected).toEqual([]);
    const b = reconcile(a.state, input({ expected: e, positions: p, nowMs: T0 + 65_000 }));
    expect(b.detected).toEqual([
      expect.objectContaining({ kind: 'DISCREPANCY_KIND_VOLUME_MISMATCH', expected: 0.3, actual: 0.2 }),
      expect.objectContaining({ kind: 'DISCREPANCY_KIND_STOP_LOSS_MISMATCH', expected: 1.09, actual: 1.095 }),
      expect.objectContaining({ kind: 'DISCREPANCY_KIND_TAKE_PROFIT_MISMATCH', expected: 1.12, actual: 0 }),
    ]);
  });

  it('given drift that disappears within the grace period (execution event late), then nothing is reported', () => {
    const p = [position('1', { clientId: 'TB1', stopLoss: 1.095 })];
    const a = reconcile(EMPTY_RECONCILE_STATE, input({ expected: [expected('1', { stopLoss: 1.09 })], positions: p }));
    const b = reconcile(a.state, input({ expected: [expected('1', { stopLoss: 1.095 })], positions: p, nowMs: T0 + 61_000 }));
    const c = reconcile(b.state, input({ expected: [expected('1', { stopLoss: 1.095 })], positions: p, nowMs: T0 + 90_000 }));
    expect([...a.detected, ...b.detected, ...c.detected]).toEqual([]);
  });

  it('given a position with our clientId that execution never reported, then UNKNOWN_POSITION only after the grace period', () => {
    const p = [position('5', { clientId: 'TB5' })];
    const a = reconcile(EMPTY_RECONCILE_STATE, input({ positions: p }));
    expect(a.detected).toEqual([]);
    const b = reconcile(a.state, input({ positions: p, nowMs: T0 + 66_000 }));
    expect(b.detected).toEqual([expect.objectContaining({ kind: 'DISCREPANCY_KIND_UNKNOWN_POSITION', positionId: '5' })]);
  });

  it('given an expectation keyed by clientId (position id not known yet), then the position matches it', () => {
    const out = reconcile(EMPTY_RECONCILE_STATE, input({ expected: [expected('', { clientId: 'TBX' })], positions: [position('77', { clientId: 'TBX' })], nowMs: T0 + 999_000 }));
    expect(out.detected).toEqual([]);
  });
});

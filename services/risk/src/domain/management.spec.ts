import { EURUSD, NOW, snapshot } from '../../test/domain-fixtures';
import type { IntentRecord } from './intent';
import { closeVolume, heldBy, manage, type ManagementContext } from './management';
import { RejectionReason } from './rejection';
import type { CancelSignal, CloseSignal, ModifySignal } from './signal';

const record: IntentRecord = {
  intentId: 'open-intent',
  signalId: 'sig-open',
  accountId: 'acc-1',
  kind: 'OPEN',
  brokerSymbol: 'EURUSD',
  direction: 'BUY',
  volume: 0.5,
  status: 'PLACED',
  positions: [{ positionId: 'p1', volume: 0.5, openPrice: 1.085 }],
  orders: [],
  reportedAt: new Date(NOW.getTime() - 10_000),
};

const base = { sourceId: 'src-1', tenantId: 'tenant-1', symbol: 'EURUSD', acceptedAt: NOW, referencedSignalId: 'sig-open' };
const ctx = (overrides: Partial<ManagementContext> = {}): ManagementContext => ({
  intentId: 'mgmt-intent',
  accountId: 'acc-1',
  brokerSymbol: 'EURUSD',
  deadline: new Date(NOW.getTime() + 30_000),
  reverse: false,
  spec: EURUSD,
  snapshot: snapshot({
    positions: [
      { positionId: 'p1', symbol: 'EURUSD', direction: 'BUY', volume: 0.5, openPrice: 1.085, intentId: 'open-intent' },
      { positionId: 'p-hand', symbol: 'EURUSD', direction: 'BUY', volume: 1, openPrice: 1.08 },
      { positionId: 'p-other', symbol: 'EURUSD', direction: 'BUY', volume: 1, openPrice: 1.08, intentId: 'another-intent' },
    ],
  }),
  ...overrides,
});

describe('what a signal holds on an account', () => {
  it('takes only the positions linked to its intent, never hand-opened or other signals positions', () => {
    expect(heldBy(record, ctx().snapshot).positions.map((p) => p.id)).toEqual(['p1']);
  });

  it('given execution reported a position after the last sync, then it is included although the sync lacks it', () => {
    const fresh = { ...record, positions: [{ positionId: 'p9', volume: 0.5, openPrice: 1.085 }], reportedAt: new Date(NOW.getTime()) };
    expect(heldBy(fresh, snapshot({ syncedAt: new Date(NOW.getTime() - 1000) })).positions.map((p) => p.id)).toEqual(['p9']);
  });

  it('given execution reported a position before the last sync and the sync lacks it, then it is gone (closed)', () => {
    const old = { ...record, positions: [{ positionId: 'p9', volume: 0.5, openPrice: 1.085 }] };
    expect(heldBy(old, snapshot()).positions).toEqual([]);
  });
});

describe('close volume', () => {
  it('half of 0.5 = 0.25', () => expect(closeVolume(0.5, 0.5, EURUSD)).toEqual({ volume: 0.25, full: false }));
  it('a third of 0.1 = 0.0333 -> 0.03 (rounded down)', () => expect(closeVolume(0.1, 1 / 3, EURUSD)).toEqual({ volume: 0.03, full: false }));
  it('10% of 0.05 = 0.005 -> raised to the 0.01 minimum', () => expect(closeVolume(0.05, 0.1, EURUSD)).toEqual({ volume: 0.01, full: false }));
  it('90% of 0.1 = 0.09 leaves 0.01: allowed', () => expect(closeVolume(0.1, 0.9, EURUSD)).toEqual({ volume: 0.09, full: false }));
  it('half of 0.01 would leave less than the minimum -> closes all', () => expect(closeVolume(0.01, 0.5, EURUSD)).toEqual({ volume: 0.01, full: true }));
  it('fraction 1 -> full', () => expect(closeVolume(0.37, 1, EURUSD)).toEqual({ volume: 0.37, full: true }));
});

describe('management intents', () => {
  it('given a close of 50%, then one command for p1 only, 0.25 lots', () => {
    const signal: CloseSignal = { ...base, action: 'CLOSE', signalId: 'sig-close', fraction: 0.5 };
    expect(manage(signal, record, ctx())).toMatchObject({
      kind: 'CLOSE',
      targetIntentId: 'open-intent',
      awaitingOpen: false,
      positions: [{ positionId: 'p1', volume: 0.25, full: false }],
    });
  });

  it('given a modify, then new SL/TP on p1; with break-even the SL is the open price', () => {
    const signal: ModifySignal = { ...base, action: 'MODIFY', signalId: 'sig-mod', stopLoss: 1.084, takeProfit: 1.095 };
    expect(manage(signal, record, ctx())).toMatchObject({ kind: 'MODIFY', positions: [{ positionId: 'p1', stopLoss: 1.084, takeProfit: 1.095 }] });
    const be: ModifySignal = { ...base, action: 'MODIFY', signalId: 'sig-be', moveToBreakEven: true };
    expect(manage(be, record, ctx())).toMatchObject({ moveToBreakEven: true, positions: [{ positionId: 'p1', stopLoss: 1.085 }] });
  });

  it('given a reverse copy, then the modify swaps SL and TP', () => {
    const signal: ModifySignal = { ...base, action: 'MODIFY', signalId: 'sig-mod', stopLoss: 1.084, takeProfit: 1.095 };
    expect(manage(signal, record, ctx({ reverse: true }))).toMatchObject({ positions: [{ positionId: 'p1', stopLoss: 1.095, takeProfit: 1.084 }] });
  });

  it('given a cancel, then only the pending orders of the signal', () => {
    const pending: IntentRecord = { ...record, positions: [], orders: [{ orderId: 'o1', volume: 0.5, openPrice: 1.08 }] };
    const signal: CancelSignal = { ...base, action: 'CANCEL', signalId: 'sig-cancel' };
    const snap = snapshot({ orders: [{ orderId: 'o1', symbol: 'EURUSD', direction: 'BUY', volume: 0.5, openPrice: 1.08 }, { orderId: 'o2', symbol: 'EURUSD', direction: 'BUY', volume: 0.5, openPrice: 1.07 }] });
    expect(manage(signal, pending, ctx({ snapshot: snap }))).toMatchObject({ kind: 'CANCEL', orders: [{ orderId: 'o1' }] });
  });

  it('given the open intent approved but not yet reported, then the command targets the intent and waits for it', () => {
    const approved: IntentRecord = { ...record, status: 'APPROVED', positions: [] };
    const signal: CloseSignal = { ...base, action: 'CLOSE', signalId: 'sig-close', fraction: 1 };
    expect(manage(signal, approved, ctx({ snapshot: snapshot() }))).toMatchObject({ kind: 'CLOSE', awaitingOpen: true, positions: [] });
  });

  it('given the account never took the referenced signal, then NO_POSITIONS_TO_ACT_ON', () => {
    const signal: CloseSignal = { ...base, action: 'CLOSE', signalId: 'sig-close', fraction: 1 };
    expect(manage(signal, undefined, ctx())).toMatchObject({ reason: RejectionReason.NO_POSITIONS_TO_ACT_ON });
  });

  it('given the referenced intent was rejected by the broker, then NO_POSITIONS_TO_ACT_ON', () => {
    const signal: CloseSignal = { ...base, action: 'CLOSE', signalId: 'sig-close', fraction: 1 };
    expect(manage(signal, { ...record, status: 'REJECTED' }, ctx())).toMatchObject({ reason: RejectionReason.NO_POSITIONS_TO_ACT_ON });
  });

  it('given the positions are already closed, then NO_POSITIONS_TO_ACT_ON', () => {
    const signal: CloseSignal = { ...base, action: 'CLOSE', signalId: 'sig-close', fraction: 1 };
    expect(manage(signal, record, ctx({ snapshot: snapshot() }))).toMatchObject({ reason: RejectionReason.NO_POSITIONS_TO_ACT_ON });
  });
});

import { checkReference } from './check-reference';
import { ReferencedSignal, ValidatedSignal } from './signal';

const common = { externalId: 'x', sourceTimestamp: null, expiresAt: null, comment: null };
const ref = { kind: 'signalId', value: '7d0c3f2e-2b6e-4c1a-9a0b-3c5e7f9a1b2c' } as const;
const openBuy: ReferencedSignal = { signalId: ref.value, sourceId: 's', action: 'open', symbol: 'EURUSD', direction: 'buy', orderType: 'market' };

const close: ValidatedSignal = { action: 'close', ...common, ref, symbol: null, fraction: 1, maxSlippagePoints: null };
const cancel: ValidatedSignal = { action: 'cancel', ...common, ref, symbol: null };
const modify = (stopLoss: number | null, takeProfits: number[]): ValidatedSignal => ({
  action: 'modify',
  ...common,
  ref,
  symbol: null,
  stopLoss,
  takeProfits,
  breakEven: false,
  trailingDistance: null,
});

const codes = (s: ValidatedSignal, r: ReferencedSignal | undefined) => checkReference(s, r).map((e) => `${e.field}:${e.code}`);

describe('checkReference', () => {
  it('given no stored signal matches, when a close refers to it, then it is an unknown signal', () => {
    expect(codes(close, undefined)).toEqual(['refSignalId:unknown_signal']);
  });
  it('given the reference is by external id, when unknown, then refExternalId is named', () => {
    expect(codes({ ...close, ref: { kind: 'externalId', value: 'e' } } as ValidatedSignal, undefined)).toEqual(['refExternalId:unknown_signal']);
  });
  it('given the stored signal is an open, when a close refers to it, then it passes', () => {
    expect(codes(close, openBuy)).toEqual([]);
  });
  it('given the stored signal is itself a close, when referred to, then it is a mismatch', () => {
    expect(codes(close, { ...openBuy, action: 'close' })).toEqual(['refSignalId:reference_mismatch']);
  });
  it('given a different symbol, when a close names it, then the symbol is a mismatch', () => {
    expect(codes({ ...close, symbol: 'GBPUSD' } as ValidatedSignal, openBuy)).toEqual(['symbol:reference_mismatch']);
  });
  it('given a market open, when a cancel refers to it, then there is no pending order', () => {
    expect(codes(cancel, openBuy)).toEqual(['refSignalId:not_pending']);
    expect(codes(cancel, { ...openBuy, orderType: 'limit' })).toEqual([]);
  });
  it('given a buy, when a modify puts a TP below the new SL, then the TP is on the wrong side', () => {
    expect(codes(modify(1.09, [1.08]), openBuy)).toEqual(['takeProfits[0]:wrong_side']);
    expect(codes(modify(1.08, [1.09]), openBuy)).toEqual([]);
  });
  it('given an open, when checked, then nothing is referenced', () => {
    const open: ValidatedSignal = {
      action: 'open', ...common, symbol: 'EURUSD', direction: 'buy', orderType: 'market', entryPrice: null, stopLimitPrice: null,
      referencePrice: null, stopLoss: null, takeProfits: [], maxSlippagePoints: null, volumeHint: null, riskPercentHint: null,
    };
    expect(codes(open, undefined)).toEqual([]);
  });
});

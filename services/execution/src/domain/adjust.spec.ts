import { adjustStopsToLevel, closeVolumeFor, reducedVolume, roundDownToStep, slippageOf, trailingStopLoss } from './adjust';

const fx = { minVolume: 0.01, maxVolume: 100, volumeStep: 0.01 };

describe('volume arithmetic', () => {
  it('rounds down to the step without float noise', () => {
    expect(roundDownToStep(0.29999999, 0.01)).toBe(0.29);
    expect(roundDownToStep(0.3, 0.01)).toBe(0.3);
    expect(roundDownToStep(1.7, 0.1)).toBe(1.7);
  });

  it('given no money, then volume steps down x0.8 until below the minimum', () => {
    expect(reducedVolume(1, fx, 0.8)).toBe(0.8);
    expect(reducedVolume(0.8, fx, 0.8)).toBe(0.64);
    expect(reducedVolume(0.01, fx, 0.8)).toBeUndefined();
    // 0.02 * 0.8 = 0.016 -> 0.01: still allowed
    expect(reducedVolume(0.02, fx, 0.8)).toBe(0.01);
  });

  it('given a partial close fraction, then the volume is rounded down to the step, and a tiny rest closes all', () => {
    expect(closeVolumeFor(1, 0.5, fx)).toEqual({ volume: 0.5, full: false });
    expect(closeVolumeFor(0.03, 0.5, fx)).toEqual({ volume: 0.01, full: false });
    expect(closeVolumeFor(0.01, 0.5, fx)).toBeUndefined();
    expect(closeVolumeFor(0.25, 0.7, { ...fx, minVolume: 0.1 })).toEqual({ volume: 0.25, full: true });
    expect(closeVolumeFor(0.7, 1, fx)).toEqual({ volume: 0.7, full: true });
    expect(() => closeVolumeFor(1, 0, fx)).toThrow('close fraction');
  });
});

describe('stops adjustment', () => {
  const market = { bid: 1.1, ask: 1.1002, stopsLevel: 10, point: 0.00001, digits: 5 };
  it('given a buy with SL and TP inside the stops level, then both move just outside it, away from the price', () => {
    expect(adjustStopsToLevel({ ...market, side: 'buy', stopLoss: 1.09995, takeProfit: 1.10003 })).toEqual({ stopLoss: 1.09989, takeProfit: 1.10011 });
  });
  it('given a sell, then SL goes above the ask and TP below it', () => {
    expect(adjustStopsToLevel({ ...market, side: 'sell', stopLoss: 1.10025, takeProfit: 1.1001 })).toEqual({ stopLoss: 1.10031, takeProfit: 1.10009 });
  });
  it('given stops already far enough, then they stay as they are', () => {
    expect(adjustStopsToLevel({ ...market, side: 'buy', stopLoss: 1.09, takeProfit: 1.12 })).toEqual({ stopLoss: 1.09, takeProfit: 1.12 });
  });
  it('given a pending order, then distances are measured from its open price', () => {
    expect(adjustStopsToLevel({ ...market, side: 'buy', openPrice: 1.095, stopLoss: 1.09499 })).toEqual({ stopLoss: 1.09489 });
  });
});

describe('trailing stop and slippage', () => {
  it('given a buy, then the stop trails the bid and never moves back', () => {
    expect(trailingStopLoss({ side: 'buy', bid: 1.1, ask: 1.1002, distance: 0.001, currentStopLoss: 1.098, digits: 5 })).toBe(1.099);
    expect(trailingStopLoss({ side: 'buy', bid: 1.0985, ask: 1.0987, distance: 0.001, currentStopLoss: 1.098, digits: 5 })).toBeUndefined();
  });
  it('given a sell, then the stop trails the ask', () => {
    expect(trailingStopLoss({ side: 'sell', bid: 1.1, ask: 1.1002, distance: 0.001, currentStopLoss: 1.102, digits: 5 })).toBe(1.1012);
    expect(trailingStopLoss({ side: 'sell', bid: 1.1, ask: 1.1002, distance: 0.001, digits: 5 })).toBe(1.1012);
  });
  it('given a buy filled 3 points higher, then slippage is +3 points and its value in account currency', () => {
    // EURUSD on a USD account: tick 0.00001 is worth 1 USD per lot
    expect(slippageOf({ side: 'buy', requestedPrice: 1.1, fillPrice: 1.10003, point: 0.00001, tickSize: 0.00001, tickValue: 1, volume: 0.5 })).toEqual({ points: 3, amount: 1.5 });
    expect(slippageOf({ side: 'sell', requestedPrice: 1.1, fillPrice: 1.10003, point: 0.00001, tickSize: 0.00001, volume: 1 })).toEqual({ points: -3 });
  });
});

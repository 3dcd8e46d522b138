/** Volume rules of a symbol. */
export interface VolumeRules {
  readonly minVolume: number;
  readonly maxVolume: number;
  readonly volumeStep: number;
}

const EPS = 1e-9;

function stepDecimals(step: number): number {
  const text = String(step);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Rounds a volume down to the symbol's step (with float tolerance), as brokers accept it. */
export function roundDownToStep(volume: number, step: number): number {
  const steps = Math.floor(volume / step + EPS);
  return Number((steps * step).toFixed(stepDecimals(step)));
}

/** Rounds a price to the symbol's digits. */
export function roundPrice(price: number, digits: number): number {
  return Number(price.toFixed(digits));
}

/** The volume after one "no money" reduction (x factor, rounded down to the step), or undefined below the minimum. */
export function reducedVolume(volume: number, rules: VolumeRules, factor: number): number | undefined {
  const next = roundDownToStep(volume * factor, rules.volumeStep);
  if (next + EPS < rules.minVolume || next >= volume) return undefined;
  return next;
}

/** Volume to close for a fraction of a position: rounded down to the step; the whole position when the rest would be below the minimum. */
export function closeVolumeFor(positionVolume: number, fraction: number, rules: VolumeRules): { readonly volume: number; readonly full: boolean } | undefined {
  if (!(fraction > 0) || fraction > 1) throw new RangeError(`close fraction must be in (0, 1], got ${fraction}`);
  if (fraction >= 1 - EPS) return { volume: positionVolume, full: true };
  const volume = roundDownToStep(positionVolume * fraction, rules.volumeStep);
  if (volume + EPS < rules.minVolume) return undefined;
  const rest = positionVolume - volume;
  if (rest + EPS < rules.minVolume) return { volume: positionVolume, full: true };
  return { volume, full: false };
}

/** What stop adjustment needs to know about the order and the market. */
export interface StopsInput {
  readonly side: 'buy' | 'sell';
  /** Open price of a pending order; absent for market orders (the market price is the reference then). */
  readonly openPrice?: number;
  readonly bid: number;
  readonly ask: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  /** Minimum distance in points. */
  readonly stopsLevel: number;
  readonly point: number;
  readonly digits: number;
}

/**
 * Moves SL and TP just outside the stops level (one point of margin) when they are too close, never closer to the
 * price than asked: a buy's SL goes down, its TP up; a sell's the other way. Stops already far enough stay.
 * Market orders measure from the price they close at (bid for buys, ask for sells), pending orders from their open price.
 */
export function adjustStopsToLevel(input: StopsInput): { readonly stopLoss?: number; readonly takeProfit?: number } {
  const reference = input.openPrice ?? (input.side === 'buy' ? input.bid : input.ask);
  const minDistance = (input.stopsLevel + 1) * input.point;
  const round = (p: number) => roundPrice(p, input.digits);
  let { stopLoss, takeProfit } = input;
  if (input.side === 'buy') {
    if (stopLoss !== undefined && stopLoss > 0 && reference - stopLoss < minDistance) stopLoss = round(reference - minDistance);
    if (takeProfit !== undefined && takeProfit > 0 && takeProfit - reference < minDistance) takeProfit = round(reference + minDistance);
  } else {
    if (stopLoss !== undefined && stopLoss > 0 && stopLoss - reference < minDistance) stopLoss = round(reference + minDistance);
    if (takeProfit !== undefined && takeProfit > 0 && reference - takeProfit < minDistance) takeProfit = round(reference - minDistance);
  }
  return { ...(stopLoss === undefined ? {} : { stopLoss }), ...(takeProfit === undefined ? {} : { takeProfit }) };
}

/**
 * The stop-loss a trailing stop asks for now: `distance` behind the price the position closes at (bid for buys, ask
 * for sells), only when it improves on the current stop (a trailing stop never moves back).
 */
export function trailingStopLoss(input: {
  readonly side: 'buy' | 'sell';
  readonly bid: number;
  readonly ask: number;
  readonly distance: number;
  readonly currentStopLoss?: number;
  readonly digits: number;
}): number | undefined {
  const candidate = roundPrice(input.side === 'buy' ? input.bid - input.distance : input.ask + input.distance, input.digits);
  const current = input.currentStopLoss;
  if (current === undefined || current === 0) return candidate;
  if (input.side === 'buy' ? candidate > current : candidate < current) return candidate;
  return undefined;
}

/** Slippage of a fill against the requested price: points positive when worse for us, and the amount in account currency. */
export function slippageOf(input: {
  readonly side: 'buy' | 'sell';
  readonly requestedPrice: number;
  readonly fillPrice: number;
  readonly point: number;
  readonly tickSize: number;
  /** Value of one tick for one lot in account currency. */
  readonly tickValue?: number;
  readonly volume: number;
}): { readonly points: number; readonly amount?: number } {
  const diff = input.side === 'buy' ? input.fillPrice - input.requestedPrice : input.requestedPrice - input.fillPrice;
  const points = Number((diff / input.point).toFixed(2));
  if (input.tickValue === undefined) return { points };
  const amount = Number(((diff / input.tickSize) * input.tickValue * input.volume).toFixed(2));
  return { points, amount };
}

/**
 * Currency conversion from a set of quoted rates. A rate is written the market way: `EURUSD = 1.08` means one EUR
 * costs 1.08 USD. Rates are inputs (from sync quotes or configuration); the domain never fetches them.
 */

/** Market rates keyed by six-letter pair (`EURUSD`, `USDJPY`, `XAUUSD`), each the price of the first currency in the second. */
export type FxRates = Readonly<Record<string, number>>;

/** The currency every cross goes through when no direct pair is quoted. */
const PIVOT = 'USD';

function direct(from: string, to: string, rates: FxRates): number | undefined {
  if (from === to) return 1;
  const straight = rates[from + to];
  if (straight !== undefined && straight > 0) return straight;
  const inverse = rates[to + from];
  if (inverse !== undefined && inverse > 0) return 1 / inverse;
  return undefined;
}

/**
 * Returns how many units of `to` one unit of `from` is worth, directly, inverted, or crossed through USD;
 * undefined when the rates cannot connect the two currencies.
 */
export function conversionRate(from: string, to: string, rates: FxRates): number | undefined {
  const one = direct(from, to, rates);
  if (one !== undefined) return one;
  const leg1 = direct(from, PIVOT, rates);
  const leg2 = direct(PIVOT, to, rates);
  if (leg1 !== undefined && leg2 !== undefined) return leg1 * leg2;
  return undefined;
}

/** Converts an amount between currencies, or undefined when no rate connects them. */
export function convert(amount: number, from: string, to: string, rates: FxRates): number | undefined {
  const rate = conversionRate(from, to, rates);
  return rate === undefined ? undefined : amount * rate;
}

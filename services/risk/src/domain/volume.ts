/**
 * Volume arithmetic on a decimal grid. Lots are binary floats everywhere else in the stack, so every rounding here
 * first snaps a value onto a 1e-8 lot grid (far below any broker's volume step) and then works in integers: 0.07 stays
 * 0.07, 0.1 * 0.7 (= 0.06999999999999999) becomes 0.07, and nothing drifts by a step because of binary noise.
 */

/** The grid every volume is snapped to before rounding: 1e-8 lots. */
const GRID = 100_000_000;

function toGrid(value: number): number {
  return Math.round(value * GRID);
}

/** Number of decimals needed to write `step` exactly (0.01 -> 2, 0.1 -> 1, 1 -> 0, 0.005 -> 3). */
export function stepDecimals(step: number): number {
  const units = toGrid(step);
  let decimals = 8;
  let scale = 1;
  while (decimals > 0 && units % (scale * 10) === 0) {
    scale *= 10;
    decimals -= 1;
  }
  return decimals;
}

/**
 * The volume of a whole number of grid units. Both operands are exact doubles, so IEEE division returns the double
 * nearest to the exact decimal: the same number the literal (e.g. 0.07) denotes, with no formatting round trip.
 */
function fromGrid(units: number): number {
  return units / GRID;
}

/** Rounds a volume down to a whole number of steps (never up: a bigger order than computed risks more than allowed). */
export function floorToStep(volume: number, step: number): number {
  if (!(step > 0)) throw new RangeError(`volume step must be > 0, got ${step}`);
  if (!(volume > 0)) return 0;
  const stepUnits = toGrid(step);
  const units = Math.floor(toGrid(volume) / stepUnits) * stepUnits;
  return fromGrid(units);
}

/** True when `volume` lies exactly on the step grid anchored at zero (0.07 with step 0.01: yes; 0.075: no). */
export function isOnStep(volume: number, step: number): boolean {
  const stepUnits = toGrid(step);
  return toGrid(volume) % stepUnits === 0;
}

/** Adds volumes without float drift (0.1 + 0.2 = 0.3). */
export function addVolumes(...volumes: number[]): number {
  let units = 0;
  for (const v of volumes) units += toGrid(v);
  return fromGrid(units);
}

/** Compares two volumes on the 1e-8 grid: negative, zero or positive like a comparator. */
export function compareVolumes(a: number, b: number): number {
  return toGrid(a) - toGrid(b);
}

/** Rounds a money amount to cents for explanations and ledgers (not used for decisions). */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/** Rounds a percentage to four decimals for explanations (not used for decisions). */
export function roundPercent(percent: number): number {
  return Math.round(percent * 10_000) / 10_000;
}

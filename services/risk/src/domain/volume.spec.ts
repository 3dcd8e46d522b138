import { addVolumes, compareVolumes, floorToStep, isOnStep, stepDecimals } from './volume';

describe('volume arithmetic', () => {
  it('given a volume already on the step, when floored, then it is unchanged (0.07 stays 0.07)', () => {
    expect(floorToStep(0.07, 0.01)).toBe(0.07);
    expect(floorToStep(0.29, 0.01)).toBe(0.29);
    expect(floorToStep(1.15, 0.05)).toBe(1.15);
  });

  it('given binary float noise just below a step, when floored, then the noise does not cost a step', () => {
    // 0.1 * 0.7 = 0.06999999999999999 and 0.57 * 100 = 56.99999999999999 in IEEE doubles.
    expect(0.1 * 0.7).not.toBe(0.07);
    expect(floorToStep(0.1 * 0.7, 0.01)).toBe(0.07);
    expect(floorToStep((0.57 * 100) / 100, 0.01)).toBe(0.57);
    expect(floorToStep(0.3 - 0.1, 0.01)).toBe(0.2);
  });

  it('given a volume between steps, when floored, then it goes down, never up', () => {
    expect(floorToStep(0.079999, 0.01)).toBe(0.07);
    expect(floorToStep(4.5454545, 0.1)).toBe(4.5);
    expect(floorToStep(2.99, 1)).toBe(2);
    expect(floorToStep(0.0149, 0.005)).toBe(0.01);
  });

  it('given zero or a negative volume, when floored, then it is 0', () => {
    expect(floorToStep(0, 0.01)).toBe(0);
    expect(floorToStep(-1, 0.01)).toBe(0);
  });

  it('given an invalid step, when flooring, then it throws', () => {
    expect(() => floorToStep(1, 0)).toThrow(RangeError);
  });

  it('counts the decimals of a step', () => {
    expect(stepDecimals(0.01)).toBe(2);
    expect(stepDecimals(0.1)).toBe(1);
    expect(stepDecimals(1)).toBe(0);
    expect(stepDecimals(0.005)).toBe(3);
    expect(stepDecimals(10)).toBe(0);
  });

  it('adds and compares volumes without drift', () => {
    expect(addVolumes(0.1, 0.2)).toBe(0.3);
    expect(addVolumes(0.07, 0.01, 0.02)).toBe(0.1);
    expect(compareVolumes(0.1 + 0.2, 0.3)).toBe(0);
    expect(compareVolumes(0.31, 0.3)).toBeGreaterThan(0);
    expect(isOnStep(0.07, 0.01)).toBe(true);
    expect(isOnStep(0.075, 0.01)).toBe(false);
  });
});

describe('exactness of rounded volumes', () => {
  it('every multiple of 0.01 up to 100 lots floors to itself and equals its decimal literal', () => {
    for (let cents = 0; cents <= 10_000; cents++) {
      const literal = Number(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
      expect(floorToStep(literal, 0.01)).toBe(literal);
      expect(floorToStep(cents * 0.01, 0.01)).toBe(literal);
    }
  });
});

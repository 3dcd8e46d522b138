import { canonicalJson, chainHash, GENESIS_HASH, isoMicros, toJsonSafe } from './canonical';

describe('canonical JSON', () => {
  it('given objects with the same members in another order, when made canonical, then the texts are equal', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, 'x'] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('given a value jsonb cannot hold as is, when made safe, then bytes are base64, NaN is null and NUL is dropped', () => {
    expect(toJsonSafe({ b: Buffer.from([1, 2]), n: Number.NaN, s: 'a\u0000b', u: undefined, big: 10n })).toEqual({ b: 'AQI=', n: null, s: 'ab', big: '10' });
  });

  it('given a float, when it round-trips through JSON text, then the canonical text is unchanged', () => {
    const value = toJsonSafe({ price: 1.0850000000000002, at: 1763890000123456 });
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });
});

describe('chain hash', () => {
  it('given the same content after different previous hashes, when hashed, then the hashes differ', () => {
    const a = chainHash(GENESIS_HASH, '{"x":1}');
    expect(a).toHaveLength(32);
    expect(chainHash(a, '{"x":1}').equals(a)).toBe(false);
    expect(chainHash(GENESIS_HASH, '{"x":1}').equals(a)).toBe(true);
  });
});

describe('isoMicros', () => {
  it('given microseconds, when formatted, then all six fractional digits are kept', () => {
    expect(isoMicros(1_763_890_000_123_456)).toBe('2025-11-23T09:26:40.123456Z');
    expect(isoMicros(1_763_890_000_000_007)).toBe('2025-11-23T09:26:40.000007Z');
  });
});

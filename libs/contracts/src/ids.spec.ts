import { deterministicId, eventId, intentId, isUuid, uuidV5 } from './ids';

describe('deterministic ids', () => {
  it('computes RFC 9562 version-5 UUIDs (known test vector)', () => {
    // uuid5(NAMESPACE_DNS, "www.example.com") as given by Python's uuid module.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('keeps intent ids stable forever (pinned values: changing them breaks deduplication across replays)', () => {
    const signal = '0b7e5b8e-3f4c-4c47-9a55-0d5b1c1b2f10';
    const account = '5d2f0c3a-9b41-4a8e-8c7e-3f2a1b0c9d8e';
    expect(intentId(signal, account)).toBe(intentId(signal, account, 0));
    expect(intentId(signal, account)).toBe('3268b501-e9ad-5d5e-8605-8978958f639d');
    expect(intentId(signal, account, 1)).toBe('03ff8e4b-9769-5b1b-86d3-4a44aec8c7bd');
  });

  it('gives different ids for different signals, accounts and legs', () => {
    const ids = new Set([
      intentId('s1', 'a1'),
      intentId('s1', 'a2'),
      intentId('s2', 'a1'),
      intentId('s1', 'a1', 1),
      deterministicId('intent', 's1:a1', 0),
    ]);
    expect(ids.size).toBe(5);
    for (const id of ids) expect(isUuid(id)).toBe(true);
  });

  it('does not confuse parts that concatenate alike', () => {
    expect(deterministicId('k', 'a:b', 'c')).not.toBe(deterministicId('k', 'a', 'b:c'));
  });

  it('derives event ids from the topic and the identifying parts', () => {
    expect(eventId('risk.approved', 'x')).toBe(eventId('risk.approved', 'x'));
    expect(eventId('risk.approved', 'x')).not.toBe(eventId('risk.rejected', 'x'));
    expect(() => eventId('risk.approved')).toThrow(/at least one/);
  });

  it('refuses empty ids and bad legs, naming the argument', () => {
    expect(() => intentId('', 'a')).toThrow(/signalId/);
    expect(() => intentId('s', '')).toThrow(/accountId/);
    expect(() => intentId('s', 'a', -1)).toThrow(/leg/);
    expect(() => intentId('s', 'a', 1.5)).toThrow(/leg/);
  });
});

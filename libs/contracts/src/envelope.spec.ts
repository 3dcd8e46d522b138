import { causedBy, envelope } from './envelope';
import { UpcasterChain, type Upcaster } from './codec/upcasters';

describe('envelope', () => {
  it('fills causation and the current schema version', () => {
    expect(envelope({ eventId: 'e1', correlationId: 's1', occurredAtUs: 5, producer: 'signal' })).toEqual({
      eventId: 'e1',
      correlationId: 's1',
      causationId: '',
      occurredAtUs: 5,
      producer: 'signal',
      schemaVersion: 1,
    });
  });

  it('chains an event to its cause: same correlation, causation = the cause event id', () => {
    const cause = envelope({ eventId: 'e1', correlationId: 's1', occurredAtUs: 5, producer: 'signal' });
    const next = causedBy(cause, { eventId: 'e2', occurredAtUs: 6, producer: 'risk' });
    expect(next).toMatchObject({ eventId: 'e2', correlationId: 's1', causationId: 'e1', producer: 'risk' });
  });

  it('refuses an empty event id and a time that is not whole microseconds', () => {
    expect(() => envelope({ eventId: '', correlationId: '', occurredAtUs: 5, producer: 'sync' })).toThrow(/eventId/);
    expect(() => envelope({ eventId: 'e', correlationId: '', occurredAtUs: 1.5, producer: 'sync' })).toThrow(
      /occurredAtUs/,
    );
  });
});

describe('UpcasterChain', () => {
  const v1to2: Upcaster = { typeName: 'T', fromVersion: 1, upcast: (v) => ({ ...v, b: 'added in 2' }) };
  const v2to3: Upcaster = { typeName: 'T', fromVersion: 2, upcast: (v) => ({ ...v, c: `${v['b']} then 3` }) };

  it('applies upcasters in version order from the payload version and stamps the result version', () => {
    const out = new UpcasterChain([v2to3, v1to2]).apply('T', { meta: { schemaVersion: 1 }, a: 1 });
    expect(out).toEqual({ meta: { schemaVersion: 3 }, a: 1, b: 'added in 2', c: 'added in 2 then 3' });
  });

  it('leaves current, newer and other types alone', () => {
    const chain = new UpcasterChain([v1to2]);
    const current = { meta: { schemaVersion: 2 } };
    expect(chain.apply('T', current)).toBe(current);
    expect(chain.apply('U', { meta: { schemaVersion: 1 } })).toEqual({ meta: { schemaVersion: 1 } });
  });

  it('refuses two upcasters for the same step', () => {
    expect(() => new UpcasterChain([v1to2, v1to2])).toThrow(/two upcasters for T from version 1/);
  });
});

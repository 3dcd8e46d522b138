import { accountTimelineParams, traceParams } from './params';

const NOW = new Date('2026-11-23T10:00:00Z');

describe('trace API parameters', () => {
  it('given a signal id that is not a UUID, when parsed, then the error names signalId', () => {
    expect(traceParams('nope', {}).errors.map((e) => e.field)).toEqual(['signalId']);
  });

  it('given a limit out of range and a forged cursor, when parsed, then both fields are named', () => {
    const r = traceParams('0b7b3a52-5c1f-4a8e-9a52-3f1f0d8c9e11', { limit: '0', cursor: 'xyz' });
    expect(r.errors.map((e) => e.field)).toEqual(['limit', 'cursor']);
  });

  it('given no range, when parsed, then it is the 24 hours before now', () => {
    const r = accountTimelineParams('acc-1', {}, NOW);
    expect(r.errors).toEqual([]);
    expect(r.to).toEqual(NOW);
    expect(r.from).toEqual(new Date('2026-11-22T10:00:00Z'));
  });

  it('given from after to, a bad date or a range over 31 days, when parsed, then the field is named', () => {
    expect(accountTimelineParams('acc-1', { from: '2026-11-23T11:00:00Z', to: '2026-11-23T10:00:00Z' }, NOW).errors[0]).toMatchObject({ field: 'from', code: 'not_before_to' });
    expect(accountTimelineParams('acc-1', { to: 'yesterday' }, NOW).errors[0]).toMatchObject({ field: 'to', code: 'invalid_date_time' });
    expect(accountTimelineParams('acc-1', { from: '2026-09-01T00:00:00Z' }, NOW).errors[0]).toMatchObject({ field: 'from', code: 'range_too_long' });
  });
});

import { advanceCursor, initialCursor, queryFrom } from './deal-cursor';
import { T0, deal } from './spec-builders';

describe('deal cursor', () => {
  it('given a fresh account, when the cursor starts, then history is read from the lookback window only', () => {
    const c = initialCursor(T0, 60_000);
    expect(queryFrom(c, 5_000)).toBe(T0 - 65_000);
  });

  it('given deals already seen inside the overlap, when history is read again, then only the new ones come out, oldest first', () => {
    const a = deal('10', { time: new Date(T0 + 1_000) });
    const b = deal('11', { time: new Date(T0 + 2_000) });
    const first = advanceCursor(initialCursor(T0, 0), [b, a], 5_000);
    expect(first.newDeals.map((d) => d.id)).toEqual(['10', '11']);
    expect(first.cursor.sinceMs).toBe(T0 + 2_000);

    const c = deal('12', { time: new Date(T0 + 2_000) }); // same millisecond as the last one
    const second = advanceCursor(first.cursor, [a, b, c], 5_000);
    expect(second.newDeals.map((d) => d.id)).toEqual(['12']);
  });

  it('given a deal booked with a time older than the newest seen but inside the overlap, then it is still new once', () => {
    const first = advanceCursor(initialCursor(T0, 0), [deal('20', { time: new Date(T0 + 10_000) })], 5_000);
    const late = deal('19', { time: new Date(T0 + 8_000) });
    const second = advanceCursor(first.cursor, [late, deal('20', { time: new Date(T0 + 10_000) })], 5_000);
    expect(second.newDeals.map((d) => d.id)).toEqual(['19']);
    const third = advanceCursor(second.cursor, [late, deal('20', { time: new Date(T0 + 10_000) })], 5_000);
    expect(third.newDeals).toEqual([]);
  });

  it('given no deals, when read, then the cursor keeps its place and its seen ids', () => {
    const first = advanceCursor(initialCursor(T0, 0), [deal('1', { time: new Date(T0 + 1) })], 5_000);
    const second = advanceCursor(first.cursor, [], 5_000);
    expect(second.cursor).toEqual(first.cursor);
  });
});

import type { Position } from '@tradebridge/bridge';
import { followReticket, type Target } from './manage-positions';

const position = (id: string, comment?: string) => ({ id, symbol: 'EURUSD', ...(comment === undefined ? {} : { comment }) }) as unknown as Position;
const target: Target = { key: 'p100', positionId: '100', openingIntentId: 'intent-1' };

describe('followReticket (MT4 reopens a partially closed remainder under a new ticket)', () => {
  it('given the ticket still open, then the target is unchanged', () => {
    expect(followReticket(target, [position('100'), position('200', 'from #100')])).toBe(target);
  });

  it('given the ticket gone and a remainder "from #100", then the target moves to the remainder and keeps its opening intent', () => {
    expect(followReticket(target, [position('7'), position('200', 'from #100')])).toEqual({ key: 'p200', positionId: '200', openingIntentId: 'intent-1' });
  });

  it('given no remainder that names the ticket, then the target is left as it is (and the terminal filter drops it)', () => {
    expect(followReticket(target, [position('300', 'from #200')])).toBe(target);
  });

  it('given a comment that only contains the digits of the ticket, then it is not mistaken for the remainder', () => {
    expect(followReticket(target, [position('200', 'from #1000'), position('201', 'from #10')])).toBe(target);
  });
});

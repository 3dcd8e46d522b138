import { Ledger, LedgerEntry } from './ledger';

const entry = (accountId: string, clientId: string | undefined, executed: boolean): Omit<LedgerEntry, 'seq'> => ({
  accountId,
  source: 'api',
  time: '2026-01-05T10:00:00.000Z',
  wallTime: '2026-01-05T10:00:00.000Z',
  actionType: 'ORDER_TYPE_BUY',
  ...(clientId !== undefined ? { clientId } : {}),
  request: {},
  outcome: executed ? 'executed' : 'rejected',
  executed,
  dealIds: [],
  responseDelivered: true,
});

describe('ledger', () => {
  it('counts received and executed requests per clientId and account, in arrival order', () => {
    const ledger = new Ledger();
    ledger.add(entry('a', 'X', true));
    ledger.add(entry('a', 'X', true));
    ledger.add(entry('b', 'X', false));
    ledger.add(entry('a', undefined, true));
    expect(ledger.count({ clientId: 'X' })).toEqual({ received: 3, executed: 2 });
    expect(ledger.count({ accountId: 'a', clientId: 'X' })).toEqual({ received: 2, executed: 2 });
    expect(ledger.count({ accountId: 'a' })).toEqual({ received: 3, executed: 3 });
    expect(ledger.query({ accountId: 'b' }).entries.map((e) => e.seq)).toEqual([3]);
    expect(ledger.query({ executed: true }, 1, 1).entries.map((e) => e.seq)).toEqual([2]);
  });

  it('forgets one account and keeps its indexes right', () => {
    const ledger = new Ledger();
    ledger.add(entry('a', 'X', true));
    ledger.add(entry('b', 'X', true));
    ledger.clear('a');
    expect(ledger.count({ clientId: 'X' })).toEqual({ received: 1, executed: 1 });
    expect(ledger.count({ accountId: 'a' })).toEqual({ received: 0, executed: 0 });
    ledger.add(entry('a', 'X', false));
    expect(ledger.count({ clientId: 'X' })).toEqual({ received: 2, executed: 1 });
    expect(ledger.size).toBe(2);
  });
});

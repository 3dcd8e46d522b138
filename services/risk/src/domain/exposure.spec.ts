import { NOW, snapshot } from '../../test/domain-fixtures';
import { accountExposure, expireReservations, fleetExposure, onExecutionResult, onSync, type Reservation } from './exposure';

function reservation(overrides: Partial<Reservation> = {}): Reservation {
  return {
    intentId: 'i-1',
    accountId: 'acc-1',
    signalId: 'sig-1',
    symbol: 'EURUSD',
    brokerSymbol: 'EURUSD.m',
    direction: 'BUY',
    volume: 0.5,
    marginInAccountCurrency: 550,
    riskMoney: 100,
    createdAt: NOW,
    ...overrides,
  };
}

const later = (ms: number) => new Date(NOW.getTime() + ms);

describe('reservations', () => {
  it('given a sync that lists a position with the intent id, then the reservation is released', () => {
    const snap = snapshot({
      syncedAt: later(100),
      positions: [{ positionId: 'p1', symbol: 'EURUSD.m', direction: 'BUY', volume: 0.5, openPrice: 1.085, intentId: 'i-1' }],
    });
    expect(onSync([reservation()], snap)).toEqual([]);
  });

  it('given a sync older than the placement, then the reservation stays; a sync after the placement releases it', () => {
    const placed = onExecutionResult([reservation()], { intentId: 'i-1', outcome: 'PLACED', at: later(200) });
    expect(placed[0]!.placedAt).toEqual(later(200));
    expect(onSync(placed, snapshot({ syncedAt: later(150) }))).toHaveLength(1);
    expect(onSync(placed, snapshot({ syncedAt: later(200) }))).toHaveLength(0);
  });

  it('given a sync with nothing about the intent and no placement yet, then the reservation stays', () => {
    expect(onSync([reservation()], snapshot({ syncedAt: later(5_000) }))).toHaveLength(1);
  });

  it('given execution rejected or expired the order, then the reservation is dropped', () => {
    expect(onExecutionResult([reservation()], { intentId: 'i-1', outcome: 'REJECTED', at: later(1) })).toEqual([]);
    expect(onExecutionResult([reservation()], { intentId: 'i-1', outcome: 'EXPIRED', at: later(1) })).toEqual([]);
    expect(onExecutionResult([reservation()], { intentId: 'other', outcome: 'REJECTED', at: later(1) })).toHaveLength(1);
  });

  it('given the TTL has passed, then the reservation lapses', () => {
    expect(expireReservations([reservation()], later(59_999), 60_000)).toHaveLength(1);
    expect(expireReservations([reservation()], later(60_000), 60_000)).toHaveLength(0);
  });
});

describe('exposure', () => {
  it('sums synced positions, pending orders and reservations per broker symbol', () => {
    const snap = snapshot({
      positions: [{ positionId: 'p1', symbol: 'EURUSD.m', direction: 'BUY', volume: 0.1, openPrice: 1.08 }],
      orders: [{ orderId: 'o1', symbol: 'EURUSD.m', direction: 'SELL', volume: 0.2, openPrice: 1.1 }],
    });
    const e = accountExposure(snap, [reservation(), reservation({ intentId: 'i-2', brokerSymbol: 'XAUUSD', volume: 1, marginInAccountCurrency: 2350, riskMoney: 50 })]);
    expect(e.openCount).toBe(4);
    expect(e.volumeOn('EURUSD.m')).toBe(0.8);
    expect(e.volumeOn('XAUUSD')).toBe(1);
    expect(e.volumeOn('GER40')).toBe(0);
    expect(e.inFlightMargin).toBe(2900);
    expect(e.inFlightRisk).toBe(150);
  });

  it('sums fleet exposure per canonical symbol through each account mapping, plus reservations', () => {
    const fleet = fleetExposure(
      [
        { mapping: { suffix: '.m' }, snapshot: snapshot({ positions: [{ positionId: 'p', symbol: 'EURUSD.m', direction: 'BUY', volume: 1.1, openPrice: 1 }] }) },
        { mapping: {}, snapshot: snapshot({ orders: [{ orderId: 'o', symbol: 'EURUSD', direction: 'SELL', volume: 0.2, openPrice: 1 }] }) },
        { mapping: {} },
      ],
      [reservation({ volume: 0.7 })],
    );
    expect(fleet.get('EURUSD')).toBe(2);
  });
});

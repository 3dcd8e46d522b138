import type { Dispatcher } from 'undici';
import { BridgeValidationError } from '../../errors';
import { MetaApiTerminal } from './metaapi-terminal';

/** A dispatcher that records whether anything was sent; validation must refuse bad input before that. */
class NoNetwork {
  sent = 0;
  request(): never {
    this.sent += 1;
    throw new Error('no network in this test');
  }
}

function terminal(platform: 'mt4' | 'mt5' = 'mt5') {
  const net = new NoNetwork();
  const t = new MetaApiTerminal({ accountId: 'a', token: 't', platform, baseUrl: 'http://127.0.0.1:1', dispatcher: net as unknown as Dispatcher });
  return { t, net };
}

async function fieldOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BridgeValidationError);
  return (error as BridgeValidationError).field;
}

describe('MetaApiTerminal input validation (nothing is sent)', () => {
  const base = { intentId: 'i', symbol: 'EURUSD', side: 'buy' as const, volume: 0.1 };

  it.each([
    ['volume', { ...base, volume: 0 }],
    ['volume', { ...base, volume: Number.NaN }],
    ['symbol', { ...base, symbol: ' ' }],
    ['intentId', { ...base, intentId: '' }],
    ['comment', { ...base, comment: 'a comment that is too long' }],
    ['stopLoss', { ...base, stopLoss: -1 }],
    ['slippagePoints', { ...base, slippagePoints: 1.5 }],
    ['magic', { ...base, magic: -3 }],
    ['fillingModes', { ...base, fillingModes: [] }],
  ])('given a market order with a bad %s, then it is refused naming the field', async (field, request) => {
    const { t, net } = terminal();
    expect(await fieldOf(t.placeMarketOrder(request as never))).toBe(field);
    expect(net.sent).toBe(0);
  });

  it('refuses pending orders with a missing stop-limit price, a stray one, or an expiration MT4 lacks', async () => {
    const { t, net } = terminal();
    const p = { intentId: 'i', symbol: 'EURUSD', volume: 0.1, openPrice: 1.1 };
    expect(await fieldOf(t.placePendingOrder({ ...p, type: 'buy_stop_limit' }))).toBe('stopLimitPrice');
    expect(await fieldOf(t.placePendingOrder({ ...p, type: 'buy_limit', stopLimitPrice: 1.2 }))).toBe('stopLimitPrice');
    expect(await fieldOf(t.placePendingOrder({ ...p, type: 'buy_limit', openPrice: 0 }))).toBe('openPrice');
    expect(await fieldOf(t.placePendingOrder({ ...p, type: 'buy_limit', expiration: { type: 'specified', time: new Date('x') } }))).toBe('expiration.time');
    const mt4 = terminal('mt4');
    expect(await fieldOf(mt4.t.placePendingOrder({ ...p, type: 'buy_limit', expiration: { type: 'specified_day', time: new Date() } }))).toBe('expiration.type');
    expect(await fieldOf(mt4.t.placeMarketOrder({ ...base, comment: 'Zürich→' }))).toBe('comment');
    expect(net.sent + mt4.net.sent).toBe(0);
  });

  it('refuses close-by of a position with itself, empty ids, and inverted or oversized history ranges', async () => {
    const { t, net } = terminal();
    expect(await fieldOf(t.closeBy({ intentId: 'i', positionId: '1', oppositePositionId: '1' }))).toBe('oppositePositionId');
    expect(await fieldOf(t.cancelOrder({ intentId: 'i', orderId: '' }))).toBe('orderId');
    expect(await fieldOf(t.closePosition({ intentId: 'i', positionId: '1', volume: -1 }))).toBe('volume');
    expect(await fieldOf(t.getDealsByTimeRange({ from: new Date(2), to: new Date(1) }))).toBe('range.to');
    expect(await fieldOf(t.getHistoryOrdersByTimeRange({ from: new Date(1), to: new Date(2), limit: 5000 }))).toBe('range.limit');
    expect(await fieldOf(t.findByClientId(''))).toBe('clientId');
    expect(net.sent).toBe(0);
  });

  it('refuses to be built without an account id or token', () => {
    expect(() => new MetaApiTerminal({ accountId: '', token: 't', platform: 'mt5' })).toThrow(BridgeValidationError);
    expect(() => new MetaApiTerminal({ accountId: 'a', token: '', platform: 'mt5' })).toThrow(/token/);
  });

  it('uses the region host unless a base URL is given', () => {
    expect(new MetaApiTerminal({ accountId: 'a', token: 't', platform: 'mt5', region: 'london' }).origin).toBe('https://mt-client-api-v1.london.agiliumtrade.ai');
    expect(new MetaApiTerminal({ accountId: 'a', token: 't', platform: 'mt5' }).origin).toBe('https://mt-client-api-v1.new-york.agiliumtrade.ai');
    expect(new MetaApiTerminal({ accountId: 'a', token: 't', platform: 'mt5', baseUrl: 'http://127.0.0.1:7300/' }).origin).toBe('http://127.0.0.1:7300');
  });
});

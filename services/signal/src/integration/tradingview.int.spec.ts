import { waitFor } from '@tradebridge/devstack';
import { Harness } from './harness';

describe('POST /v1/webhooks/tradingview/{sourceId} against real PostgreSQL, Kafka and the schema registry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  const hook = (sourceId: string, secret?: string) => `/v1/webhooks/tradingview/${sourceId}${secret ? `?secret=${encodeURIComponent(secret)}` : ''}`;
  const eventFor = (signalId: string) => waitFor(() => h.events.find((e) => e.value.signalId === signalId), { message: `event of ${signalId}` });

  it('given a text one-liner with the secret in the query, when posted, then a market buy is published on the TradingView channel', async () => {
    const source = await h.createSource();
    const res = await h.post(hook(source.sourceId, source.webhookSecret), 'buy EURUSD sl=1.0820 tp=1.0900');
    expect(res.status).toBe(201);
    const event = await eventFor(res.body.signalId);
    expect(event.value).toMatchObject({ action: 'SIGNAL_ACTION_OPEN', side: 'SIDE_BUY', orderType: 'ORDER_TYPE_MARKET', symbol: 'EURUSD', stopLoss: 1.082, takeProfits: [1.09], channel: 'SIGNAL_CHANNEL_TRADINGVIEW', externalId: '' });
  });

  it('given a pending sell limit with two TPs and the secret in a header, when posted, then it is published as such', async () => {
    const source = await h.createSource();
    const res = await h.post(hook(source.sourceId), 'sell limit XAUUSD @2350.5 sl=2360 tp=2330,2320 id=tv-1', { 'x-webhook-secret': source.webhookSecret });
    expect(res.status).toBe(201);
    expect((await eventFor(res.body.signalId)).value).toMatchObject({ orderType: 'ORDER_TYPE_LIMIT', side: 'SIDE_SELL', entryPrice: 2350.5, stopLoss: 2360, takeProfits: [2330, 2320], externalId: 'tv-1' });
  });

  it('given a JSON alert with the passphrase in the body, when posted, then it is accepted and the passphrase is not stored', async () => {
    const source = await h.createSource();
    const res = await h.post(hook(source.sourceId), { passphrase: source.webhookSecret, action: 'buy', ticker: 'OANDA:EURUSD', close: '1.0850', sl: '1.0820', tp1: 1.09, tp2: 1.095, qty: '0.3', id: 'tv-json-1' });
    expect(res.status).toBe(201);
    expect((await eventFor(res.body.signalId)).value).toMatchObject({ symbol: 'EURUSD', entryPrice: 1.085, takeProfits: [1.09, 1.095], volumeHint: 0.3 });
    const stored = await h.get(`/v1/signals/${res.body.signalId}`, { authorization: `Bearer ${source.apiKey}` });
    expect(JSON.stringify(stored.body)).not.toContain(source.webhookSecret);
  });

  it('given follow-ups referring by the alert id, when posted, then close 50%, modify be and cancel reach the right signal', async () => {
    const source = await h.createSource();
    const url = hook(source.sourceId, source.webhookSecret);
    const open = await h.post(url, 'buy EURUSD id=tv-open sl=1.08');
    const pending = await h.post(url, 'buy limit EURUSD @1.07 id=tv-pending');
    const close = await h.post(url, 'close 50% ref=tv-open id=tv-close');
    const modify = await h.post(url, `modify ref=${open.body.signalId} be id=tv-be`);
    const cancel = await h.post(url, 'cancel ref=tv-pending');
    for (const r of [open, pending, close, modify, cancel]) expect(r.status).toBe(201);
    expect((await eventFor(close.body.signalId)).value).toMatchObject({ action: 'SIGNAL_ACTION_CLOSE', closeFraction: 0.5, referencedSignalId: open.body.signalId });
    expect((await eventFor(modify.body.signalId)).value).toMatchObject({ action: 'SIGNAL_ACTION_MODIFY', moveToBreakEven: true, referencedSignalId: open.body.signalId });
    expect((await eventFor(cancel.body.signalId)).value).toMatchObject({ action: 'SIGNAL_ACTION_CANCEL', referencedSignalId: pending.body.signalId });
  });

  it('given a repeated alert id, when posted again, then the original id comes back and one event exists', async () => {
    const source = await h.createSource();
    const url = hook(source.sourceId, source.webhookSecret);
    const first = await h.post(url, 'sell EURUSD id=tv-dup');
    const again = await h.post(url, 'sell EURUSD id=tv-dup');
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.signalId).toBe(first.body.signalId);
    await h.settledTopicCount();
    expect(h.events.filter((e) => e.value.sourceId === source.sourceId)).toHaveLength(1);
  });

  it('given a wrong or missing secret or an unknown source, when posted, then 401 and nothing is stored', async () => {
    const source = await h.createSource();
    const before = await h.signalCount();
    const answers = [
      await h.post(hook(source.sourceId), 'buy EURUSD'),
      await h.post(hook(source.sourceId, 'tbw_wrong'), 'buy EURUSD'),
      await h.post(hook(source.sourceId), { passphrase: 'nope', action: 'buy', symbol: 'EURUSD' }),
      await h.post(hook('7d0c3f2e-2b6e-4c1a-9a0b-3c5e7f9a1b2c', source.webhookSecret), 'buy EURUSD'),
      await h.post(hook('not-a-uuid', source.webhookSecret), 'buy EURUSD'),
      await h.post(hook(source.sourceId), '{"passphrase": broken'),
    ];
    for (const r of answers) {
      expect(r.status).toBe(401);
      expect(r.contentType).toContain('application/problem+json');
    }
    expect(await h.signalCount()).toBe(before);
  });

  it('given invalid alerts, when posted, then 422 names the sender\'s own keys', async () => {
    const source = await h.createSource({ allowedSymbols: ['EURUSD'] });
    const url = hook(source.sourceId, source.webhookSecret);
    const cases: Array<[unknown, string, string]> = [
      ['hold EURUSD', 'action', 'unknown_action'],
      ['buy EURUSD sl=1.09 tp=1.08', 'tp[0]', 'wrong_side'],
      ['buy EURUSD lev=100', 'lev', 'unknown_field'],
      ['sell stop EURUSD sl=1.1', 'entryPrice', 'required'],
      ['close ref=nothing-like-this', 'refExternalId', 'unknown_signal'],
      [{ action: 'buy', symbol: 'EURUSD', sl: 'abc' }, 'sl', 'invalid_type'],
      [{ action: 'buy', symbol: 'EURUSD', leverage: 3 }, 'leverage', 'unknown_field'],
    ];
    for (const [body, field, code] of cases) {
      const res = await h.post(url, body);
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    }
    const forbidden = await h.post(url, 'buy XAUUSD');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors).toEqual([expect.objectContaining({ field: 'symbol', code: 'symbol_not_allowed' })]);
  });

  it('given JSON sent as text/plain, when posted, then it is read as a JSON alert', async () => {
    const source = await h.createSource();
    const res = await h.post(hook(source.sourceId), JSON.stringify({ passphrase: source.webhookSecret, action: 'sell', symbol: 'EURUSD' }));
    expect(res.status).toBe(201);
  });

  it('given an unsupported content type, when posted, then 415', async () => {
    const source = await h.createSource();
    const res = await fetch(`${h.url}${hook(source.sourceId, source.webhookSecret)}`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<buy/>' });
    expect(res.status).toBe(415);
  });
});

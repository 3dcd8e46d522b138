import { Harness, openBody } from './harness';

describe('a platform instrument list (SIGNAL_KNOWN_SYMBOLS)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ env: { SIGNAL_KNOWN_SYMBOLS: 'EURUSD,XAUUSD' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('given a symbol the platform does not know, when submitted, then 422 unknown_symbol even for a source allowed everything', async () => {
    const source = await h.createSource({ allowedSymbols: ['*'] });
    const auth = { authorization: `Bearer ${source.apiKey}` };
    const res = await h.post('/v1/signals', openBody('ks-1', { symbol: 'FOOBAR' }), auth);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'symbol', code: 'unknown_symbol' })]);
    expect((await h.post('/v1/signals', openBody('ks-2'), auth)).status).toBe(201);
    expect(await h.signalCount()).toBe(1);
  });
});

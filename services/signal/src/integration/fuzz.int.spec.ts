import fc from 'fast-check';
import { Harness } from './harness';

/**
 * Throws malformed and random bodies at both endpoints over real HTTP. The source may trade only a symbol that no
 * body names and has no stored signals to refer to, so no generated body can be a valid signal: every answer must be
 * a 4xx problem, and nothing may be stored or published.
 */
describe('fuzzing both endpoints over real HTTP', () => {
  let h: Harness;
  let apiKey: string;
  let webhookUrl: string;

  beforeAll(async () => {
    h = await Harness.start();
    const source = await h.createSource({ allowedSymbols: ['ZZZNONE'], rateLimitPerMinute: 1_000_000 });
    apiKey = source.apiKey;
    webhookUrl = `/v1/webhooks/tradingview/${source.sourceId}?secret=${encodeURIComponent(source.webhookSecret)}`;
  });
  afterAll(async () => {
    await h?.close();
  });

  const fieldNames = fc.constantFrom(
    'action', 'externalId', 'symbol', 'direction', 'orderType', 'entryPrice', 'stopLimitPrice', 'referencePrice', 'stopLoss', 'takeProfits',
    'maxSlippagePoints', 'volumeHint', 'riskPercentHint', 'ttlSeconds', 'expiresAt', 'sourceTimestamp', 'comment', 'refSignalId', 'refExternalId',
    'fraction', 'breakEven', 'trailingDistance', '__proto__', 'constructor', 'sl', 'tp', 'tp1', 'ticker', 'passphrase', 'qty', 'ref', 'time',
  );
  const values = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.double(),
    fc.constantFrom('open', 'modify', 'close', 'cancel', 'buy', 'sell', 'buy limit', 'stop_limit', 'EURUSD', 'NaN', '1e999', -1, 0, 1e308, ''),
    fc.array(fc.oneof(fc.double(), fc.string()), { maxLength: 12 }),
  );
  const signalLike = fc.dictionary(fieldNames, values, { maxKeys: 14 }).map((o) => JSON.stringify(o));
  const words = fc.constantFrom('buy', 'sell', 'limit', 'stoplimit', 'close', 'modify', 'cancel', 'EURUSD', 'XAUUSD', '@1.08', '50%', 'be', 'sl=1.07', 'tp=1.1,1.2',
    'ttl=5m', 'ref=abc', 'id=x', 'time=2026-01-01T00:00:00Z', 'comment="a b"', '=', '"', 'risk=1%', 'tp9=1', 'sl=NaN', '\u0000', '{', '}');
  const sentence = fc.array(fc.oneof(words, fc.string({ maxLength: 8 })), { maxLength: 12 }).map((w) => w.join(' '));
  const body = fc.oneof(
    { weight: 3, arbitrary: signalLike },
    { weight: 2, arbitrary: sentence },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '{"action":"open"', '{"__proto__":{"a":1}}', 'x'.repeat(40_000)) },
  );
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'text/plain; charset=utf-8', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x');
  const credentials = fc.constantFrom('valid', 'valid', 'valid', 'missing', 'wrong');

  async function send(path: string, payload: string, type: string, creds: string, api: boolean): Promise<{ status: number; contentType: string }> {
    const headers: Record<string, string> = { 'content-type': type };
    let url = path;
    if (api && creds === 'valid') headers['authorization'] = `Bearer ${apiKey}`;
    if (api && creds === 'wrong') headers['authorization'] = 'Bearer tbk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    if (!api && creds !== 'valid') url = path.replace(/\?secret=.*/, creds === 'wrong' ? '?secret=wrong' : '');
    const res = await fetch(`${h.url}${url}`, { method: 'POST', headers, body: payload });
    await res.arrayBuffer();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '' };
  }

  it.each([
    ['POST /v1/signals', true],
    ['POST /v1/webhooks/tradingview/{sourceId}', false],
  ])('given random and malformed bodies, when sent to %s, then every answer is a 4xx problem', async (_name, api) => {
    await fc.assert(
      fc.asyncProperty(body, contentType, credentials, async (payload, type, creds) => {
        const answer = await send(api ? '/v1/signals' : webhookUrl, payload, type, creds, api);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.contentType).toContain('application/problem+json');
      }),
      { numRuns: 400 },
    );
  });

  it('given all of the above, then nothing was stored and nothing was published', async () => {
    expect(await h.signalCount()).toBe(0);
    expect(await h.settledTopicCount()).toBe(0);
  });
});

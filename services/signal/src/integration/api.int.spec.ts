import { waitFor } from '@tradebridge/devstack';
import { signalGeneratedEventId } from '../domain';
import { Harness, openBody } from './harness';

const ADMIN = { authorization: 'Bearer test-admin-token-0123456789abcdef' };

describe('POST /v1/signals against real PostgreSQL, Kafka and the schema registry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function newSource(input: { allowedSymbols?: string[]; rateLimitPerMinute?: number } = {}) {
    const source = await h.createSource(input);
    return { source, auth: { authorization: `Bearer ${source.apiKey}` } };
  }

  function eventFor(signalId: string) {
    return waitFor(() => h.events.find((e) => e.value.signalId === signalId), { message: `event of ${signalId}` });
  }

  describe('given a source, when each action is submitted, then each is stored and published with its fields', () => {
    it('opens at market, with every optional field mapped onto signal.generated', async () => {
      const { source, auth } = await newSource();
      const res = await h.post(
        '/v1/signals',
        openBody('open-market', { referencePrice: 1.085, takeProfits: [1.09, 1.095], maxSlippagePoints: 15, volumeHint: 0.5, riskPercentHint: 1.25, comment: 'c', ttlSeconds: 120 }),
        auth,
      );
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v1/signals/${res.body.signalId}`);
      const event = await eventFor(res.body.signalId);
      expect(event.key).toBe(source.sourceId);
      expect(event.value).toMatchObject({
        meta: { eventId: signalGeneratedEventId(res.body.signalId), correlationId: res.body.signalId, producer: 'signal' },
        sourceId: source.sourceId,
        externalId: 'open-market',
        action: 'SIGNAL_ACTION_OPEN',
        orderType: 'ORDER_TYPE_MARKET',
        side: 'SIDE_BUY',
        symbol: 'EURUSD',
        entryPrice: 1.085,
        stopLoss: 1.082,
        takeProfits: [1.09, 1.095],
        maxSlippagePoints: 15,
        volumeHint: 0.5,
        riskPercentHint: 1.25,
        comment: 'c',
        channel: 'SIGNAL_CHANNEL_API',
      });
      expect(event.value.deadlineAtUs).toBeGreaterThan(event.value.acceptedAtUs);
      expect(event.value.acceptedAtUs).toBe(event.value.receivedAtUs);
    });

    it.each([
      ['limit', 'buy', { entryPrice: 1.08, stopLoss: 1.075, takeProfits: [1.09] }, 'ORDER_TYPE_LIMIT', 'SIDE_BUY'],
      ['limit', 'sell', { entryPrice: 1.09, stopLoss: 1.095, takeProfits: [1.08] }, 'ORDER_TYPE_LIMIT', 'SIDE_SELL'],
      ['stop', 'buy', { entryPrice: 1.09, stopLoss: 1.085, takeProfits: [1.1] }, 'ORDER_TYPE_STOP', 'SIDE_BUY'],
      ['stop', 'sell', { entryPrice: 1.08, stopLoss: 1.085, takeProfits: [1.07] }, 'ORDER_TYPE_STOP', 'SIDE_SELL'],
      ['stop_limit', 'buy', { entryPrice: 1.09, stopLimitPrice: 1.0895, stopLoss: 1.085, takeProfits: [1.1] }, 'ORDER_TYPE_STOP_LIMIT', 'SIDE_BUY'],
      ['stop_limit', 'sell', { entryPrice: 1.08, stopLimitPrice: 1.0805, stopLoss: 1.085, takeProfits: [1.07] }, 'ORDER_TYPE_STOP_LIMIT', 'SIDE_SELL'],
    ])('places a %s %s', async (orderType, direction, prices, wireType, wireSide) => {
      const { auth } = await newSource();
      const res = await h.post('/v1/signals', openBody(`p-${orderType}-${direction}`, { orderType, direction, ...prices, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }), auth);
      expect(res.status).toBe(201);
      const event = await eventFor(res.body.signalId);
      expect(event.value).toMatchObject({ orderType: wireType, side: wireSide, entryPrice: prices.entryPrice });
      expect(event.value.orderExpiresAtUs).toBe(event.value.deadlineAtUs);
      if ('stopLimitPrice' in prices) expect(event.value.stopLimitPrice).toBe(prices.stopLimitPrice);
    });

    it('modifies (SL/TP, break-even, trailing), closes (fraction and full) and cancels, referring by id and by external id', async () => {
      const { auth } = await newSource();
      const open = await h.post('/v1/signals', openBody('o-1'), auth);
      const pending = await h.post('/v1/signals', openBody('o-2', { orderType: 'limit', entryPrice: 1.07, stopLoss: 1.06, takeProfits: [1.08] }), auth);
      const openId: string = open.body.signalId;

      const modify = await h.post('/v1/signals', { action: 'modify', externalId: 'm-1', refSignalId: openId, stopLoss: 1.083, takeProfits: [1.1] }, auth);
      const be = await h.post('/v1/signals', { action: 'modify', externalId: 'm-2', refExternalId: 'o-1', breakEven: true }, auth);
      const trail = await h.post('/v1/signals', { action: 'modify', externalId: 'm-3', refSignalId: openId, trailingDistance: 0.002 }, auth);
      const partial = await h.post('/v1/signals', { action: 'close', externalId: 'c-1', refSignalId: openId, fraction: 0.5, symbol: 'eurusd' }, auth);
      const full = await h.post('/v1/signals', { action: 'close', externalId: 'c-2', refExternalId: 'o-1' }, auth);
      const cancel = await h.post('/v1/signals', { action: 'cancel', externalId: 'x-1', refExternalId: 'o-2' }, auth);
      for (const r of [modify, be, trail, partial, full, cancel]) expect(r.status).toBe(201);

      expect((await eventFor(modify.body.signalId)).value).toMatchObject({ action: 'SIGNAL_ACTION_MODIFY', referencedSignalId: openId, newStopLoss: 1.083, newTakeProfits: [1.1] });
      expect((await eventFor(be.body.signalId)).value).toMatchObject({ action: 'SIGNAL_ACTION_MODIFY', referencedSignalId: openId, moveToBreakEven: true });
      expect((await eventFor(trail.body.signalId)).value).toMatchObject({ trailingDistance: 0.002 });
      expect((await eventFor(partial.body.signalId)).value).toMatchObject({ action: 'SIGNAL_ACTION_CLOSE', closeFraction: 0.5, symbol: 'EURUSD' });
      expect((await eventFor(full.body.signalId)).value).toMatchObject({ action: 'SIGNAL_ACTION_CLOSE', closeFraction: 1 });
      expect((await eventFor(cancel.body.signalId)).value).toMatchObject({ action: 'SIGNAL_ACTION_CANCEL', referencedSignalId: pending.body.signalId });
    });

    it('keeps one source\'s events in submission order on one partition', async () => {
      const { auth } = await newSource();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await h.post('/v1/signals', openBody(`ord-${i}`), auth)).body.signalId);
      await waitFor(() => ids.every((id) => h.events.some((e) => e.value.signalId === id)));
      const mine = h.events.filter((e) => ids.includes(e.value.signalId));
      expect(new Set(mine.map((e) => e.partition)).size).toBe(1);
      expect(mine.map((e) => e.value.signalId)).toEqual(ids);
    });
  });

  describe('given GET /v1/signals/{id}', () => {
    it('returns the stored signal with microsecond times, and status published once acknowledged', async () => {
      const { auth } = await newSource();
      const res = await h.post('/v1/signals', openBody('g-1'), auth);
      const published = await waitFor(async () => {
        const r = await h.get(`/v1/signals/${res.body.signalId}`, auth);
        return r.body.status === 'published' ? r : null;
      });
      expect(published.status).toBe(200);
      expect(published.body).toMatchObject({ signalId: res.body.signalId, externalId: 'g-1', channel: 'api', signal: { action: 'open', symbol: 'EURUSD' } });
      expect(published.body.acceptedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(published.body.acceptedAt).toBe(res.body.acceptedAt);
      expect(Date.parse(published.body.publishedAt)).toBeGreaterThanOrEqual(Date.parse(published.body.acceptedAt));
    });

    it('hides other sources\' signals and unknown ids behind 404', async () => {
      const a = await newSource();
      const b = await newSource();
      const res = await h.post('/v1/signals', openBody('g-2'), a.auth);
      const other = await h.get(`/v1/signals/${res.body.signalId}`, b.auth);
      expect(other.status).toBe(404);
      expect(other.contentType).toContain('application/problem+json');
      expect((await h.get('/v1/signals/not-a-uuid', a.auth)).status).toBe(404);
      expect((await h.get(`/v1/signals/${res.body.signalId}`)).status).toBe(401);
    });
  });

  describe('given authentication', () => {
    it('refuses a missing key and a wrong key with 401, accepts X-Api-Key, and stores nothing for refusals', async () => {
      const { source } = await newSource();
      const before = await h.signalCount();
      const missing = await h.post('/v1/signals', openBody('a-1'));
      const wrong = await h.post('/v1/signals', openBody('a-1'), { authorization: `Bearer ${source.apiKey.slice(0, -2)}xx` });
      const garbage = await h.post('/v1/signals', openBody('a-1'), { 'x-api-key': 'hello' });
      for (const r of [missing, wrong, garbage]) {
        expect(r.status).toBe(401);
        expect(r.contentType).toContain('application/problem+json');
        expect(r.body).toMatchObject({ type: 'urn:tradebridge:problem:unauthorized', status: 401 });
      }
      expect(await h.signalCount()).toBe(before);
      expect((await h.post('/v1/signals', openBody('a-1'), { 'x-api-key': source.apiKey })).status).toBe(201);
    });

    it('refuses a disabled source with 403, and accepts it again once enabled (admin API)', async () => {
      const { source, auth } = await newSource();
      expect((await patch(`/v1/admin/sources/${source.sourceId}`, { enabled: false })).status).toBe(200);
      const refused = await h.post('/v1/signals', openBody('d-1'), auth);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toContain('disabled');
      expect((await patch(`/v1/admin/sources/${source.sourceId}`, { enabled: true })).status).toBe(200);
      expect((await h.post('/v1/signals', openBody('d-1'), auth)).status).toBe(201);
    });

    it('refuses a symbol outside the allow-list with 403 naming the field', async () => {
      const { auth } = await newSource({ allowedSymbols: ['XAUUSD'] });
      const res = await h.post('/v1/signals', openBody('sym-1'), auth);
      expect(res.status).toBe(403);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'symbol', code: 'symbol_not_allowed' })]);
      expect((await h.post('/v1/signals', openBody('sym-2', { symbol: 'XAUUSD', stopLoss: 2300, takeProfits: [2400] }), auth)).status).toBe(201);
    });
  });

  describe('given the admin API', () => {
    it('creates a source whose key works at once, and refuses a wrong admin token', async () => {
      expect((await h.post('/v1/admin/sources', { name: 'x' }, { authorization: 'Bearer nope' })).status).toBe(401);
      const created = await h.post('/v1/admin/sources', { name: `admin-made-${Date.now()}`, allowedSymbols: ['eurusd'], rateLimitPerMinute: 60 }, ADMIN);
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.body).toMatchObject({ allowedSymbols: ['EURUSD'], rateLimitPerMinute: 60 });
      expect((await h.post('/v1/signals', openBody('adm-1'), { authorization: `Bearer ${created.body.apiKey}` })).status).toBe(201);
      const invalid = await h.post('/v1/admin/sources', { name: '', rateLimitPerMinute: 0, extra: 1 }, ADMIN);
      expect(invalid.status).toBe(422);
      expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'name', 'rateLimitPerMinute']);
    });
  });

  describe('given every validation rule, when broken, then 422 names the field and nothing is stored or published', () => {
    const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ['unknown action', { action: 'hedge', externalId: 'v' }, 'action', 'unknown_action'],
      ['unknown field', openBody('v', { leverage: 100 }), 'leverage', 'unknown_field'],
      ['field of another action', openBody('v', { fraction: 0.5 }), 'fraction', 'not_applicable'],
      ['malformed symbol', openBody('v', { symbol: 'EUR/USD' }), 'symbol', 'invalid_format'],
      ['SL on the wrong side of a market buy', openBody('v', { referencePrice: 1.085, stopLoss: 1.09 }), 'stopLoss', 'wrong_side'],
      ['TP on the wrong side of a sell limit', openBody('v', { direction: 'sell', orderType: 'limit', entryPrice: 1.09, stopLoss: 1.1, takeProfits: [1.095] }), 'takeProfits[0]', 'wrong_side'],
      ['pending without entry price', openBody('v', { orderType: 'stop', stopLoss: undefined, takeProfits: undefined }), 'entryPrice', 'required'],
      ['stop-limit without limit price', openBody('v', { orderType: 'stop_limit', entryPrice: 1.09, stopLoss: undefined, takeProfits: undefined }), 'stopLimitPrice', 'required'],
      ['buy limit above the market', openBody('v', { orderType: 'limit', entryPrice: 1.09, referencePrice: 1.085, stopLoss: 1.08, takeProfits: [1.1] }), 'entryPrice', 'entry_inconsistent'],
      ['expiry in the past', openBody('v', { expiresAt: '2020-01-01T00:00:00Z' }), 'expiresAt', 'in_past'],
      ['stale signal', openBody('v', { sourceTimestamp: new Date(Date.now() - 120_000).toISOString() }), 'sourceTimestamp', 'stale'],
      ['NaN-like text', openBody('v', { stopLoss: 'NaN' }), 'stopLoss', 'invalid_type'],
      ['negative price', openBody('v', { stopLoss: -1 }), 'stopLoss', 'must_be_positive'],
      ['zero volume hint', openBody('v', { volumeHint: 0 }), 'volumeHint', 'must_be_positive'],
      ['too many decimals', openBody('v', { stopLoss: 1.0820000001 }), 'stopLoss', 'too_many_decimals'],
      ['too many take profits', openBody('v', { takeProfits: [1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9] }), 'takeProfits', 'too_many_items'],
      ['fraction above 1', { action: 'close', externalId: 'v', refExternalId: 'x', fraction: 2 }, 'fraction', 'out_of_range'],
      ['modify without change', { action: 'modify', externalId: 'v', refExternalId: 'x' }, 'body', 'empty_modification'],
      ['missing external id', { action: 'open', symbol: 'EURUSD', direction: 'buy' }, 'externalId', 'required'],
      ['ttl and expiry together', openBody('v', { ttlSeconds: 5, expiresAt: inAnHour() }), 'expiresAt', 'conflicting_fields'],
      ['close of an unknown signal', { action: 'close', externalId: 'v', refSignalId: '7d0c3f2e-2b6e-4c1a-9a0b-3c5e7f9a1b2c' }, 'refSignalId', 'unknown_signal'],
      ['cancel of a market signal', { action: 'cancel', externalId: 'v', refExternalId: 'market-open' }, 'refExternalId', 'not_pending'],
      ['close naming another symbol than its signal', { action: 'close', externalId: 'v', refExternalId: 'market-open', symbol: 'GBPUSD' }, 'symbol', 'reference_mismatch'],
      ['source clock in the future', openBody('v', { sourceTimestamp: new Date(Date.now() + 120_000).toISOString() }), 'sourceTimestamp', 'in_future'],
      ['comment too long', openBody('v', { comment: 'c'.repeat(300) }), 'comment', 'too_long'],
      ['stop loss and break-even together', { action: 'modify', externalId: 'v', refExternalId: 'market-open', stopLoss: 1.07, breakEven: true }, 'breakEven', 'conflicting_fields'],
      ['stop-limit price above a buy stop price', openBody('v', { orderType: 'stop_limit', entryPrice: 1.09, stopLimitPrice: 1.095, stopLoss: undefined, takeProfits: undefined }), 'stopLimitPrice', 'entry_inconsistent'],
      ['modify with TP below the new SL of a buy', { action: 'modify', externalId: 'v', refExternalId: 'market-open', stopLoss: 1.09, takeProfits: [1.085] }, 'takeProfits[0]', 'wrong_side'],
      ['not an object', [openBody('v')] as unknown as Record<string, unknown>, 'body', 'invalid_type'],
    ];

    it.each(cases)('%s', async (_name, body, field, code) => {
      const { auth } = await newSource();
      await h.post('/v1/signals', openBody('market-open'), auth);
      const countBefore = await h.signalCount();
      const res = await h.post('/v1/signals', body, auth);
      expect(res.status).toBe(422);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body).toMatchObject({ type: 'urn:tradebridge:problem:validation-failed', status: 422 });
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field, code }));
      expect(await h.signalCount()).toBe(countBefore);
    });

    it('publishes nothing for any of them (the topic holds only accepted signals)', async () => {
      expect(await h.settledTopicCount()).toBe(await h.signalCount());
    });

    it('answers a number that overflows to Infinity as not finite', async () => {
      const { auth } = await newSource();
      const res = await fetch(`${h.url}/v1/signals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: '{"action":"open","externalId":"inf","symbol":"EURUSD","direction":"buy","stopLoss":1e999}',
      });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ field: 'stopLoss', code: 'not_finite' })]);
    });
  });

  describe('given malformed requests', () => {
    it('answers 413 for an oversized body, 415 for other content types, 400 for broken JSON, all as problems', async () => {
      const { auth } = await newSource();
      const huge = await h.post('/v1/signals', openBody('big', { comment: 'x'.repeat(20_000) }), auth);
      expect(huge.status).toBe(413);
      expect(huge.contentType).toContain('application/problem+json');
      const form = await fetch(`${h.url}/v1/signals`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth }, body: 'a=1' });
      expect(form.status).toBe(415);
      expect(form.headers.get('content-type')).toContain('application/problem+json');
      const text = await h.post('/v1/signals', 'buy EURUSD', auth);
      expect(text.status).toBe(415);
      const broken = await fetch(`${h.url}/v1/signals`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"action":' });
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ field: 'body', code: 'unparsable' })]);
      const unknownRoute = await h.get('/v1/nothing-here');
      expect(unknownRoute.status).toBe(404);
      expect(unknownRoute.contentType).toContain('application/problem+json');
    });
  });

  describe('given a rate limit', () => {
    it('answers 429 with Retry-After once the bucket is empty, for that source only', async () => {
      const limited = await newSource({ rateLimitPerMinute: 3 });
      const other = await newSource({ rateLimitPerMinute: 3 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await h.post('/v1/signals', openBody(`rl-${i}`), limited.auth)).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      const refused = await h.post('/v1/signals', openBody('rl-9'), limited.auth);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.body.type).toBe('urn:tradebridge:problem:rate-limited');
      expect((await h.post('/v1/signals', openBody('rl-0'), other.auth)).status).toBe(201);
    });
  });

  describe('given duplicate submissions', () => {
    it('sequential: the second gets 200 and the original id, and one event exists', async () => {
      const { auth } = await newSource();
      const first = await h.post('/v1/signals', openBody('dup-1'), auth);
      const second = await h.post('/v1/signals', openBody('dup-1', { comment: 'a retry' }), auth);
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ signalId: first.body.signalId, duplicate: true });
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      await h.settledTopicCount();
      await waitFor(() => h.events.some((e) => e.value.signalId === first.body.signalId));
      expect(h.events.filter((e) => e.value.externalId === 'dup-1' && e.value.signalId === first.body.signalId)).toHaveLength(1);
    });

    it('sequential, after the signal became stale: the retry still gets the original id', async () => {
      const { auth } = await newSource();
      const first = await h.post('/v1/signals', openBody('dup-stale'), auth);
      const retry = await h.post('/v1/signals', openBody('dup-stale', { sourceTimestamp: '2020-01-01T00:00:00Z' }), auth);
      expect(retry.status).toBe(200);
      expect(retry.body.signalId).toBe(first.body.signalId);
    });

    it('concurrent: 20 parallel identical requests make one row and one event', async () => {
      const { source, auth } = await newSource();
      const answers = await Promise.all(Array.from({ length: 20 }, () => h.post('/v1/signals', openBody('dup-par'), auth)));
      const ids = new Set(answers.map((a) => a.body.signalId));
      expect(ids.size).toBe(1);
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(19);
      const topicTotal = await h.settledTopicCount();
      expect(topicTotal).toBe(await h.signalCount());
      await waitFor(() => h.events.some((e) => e.value.sourceId === source.sourceId));
      expect(h.events.filter((e) => e.value.sourceId === source.sourceId)).toHaveLength(1);
    });
  });

  describe('given the operational endpoints', () => {
    it('serves the OpenAPI document, health, readiness and metrics', async () => {
      const doc = await h.get('/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe('3.1.0');
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/signals', '/v1/signals/{id}', '/v1/webhooks/tradingview/{sourceId}', '/v1/admin/sources']));
      expect((await h.get('/healthz')).status).toBe(200);
      const ready = await h.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ready', checks: { database: { status: 'up' }, 'outbox-relay': { status: 'up' } } });
      const metrics = await h.get('/metrics');
      expect(metrics.body).toContain('signal_requests_total');
      expect(metrics.body).toContain('signal_accepted_to_ack_ms_bucket');
    });
  });

  function patch(pathName: string, body: unknown) {
    return fetch(`${h.url}${pathName}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...ADMIN }, body: JSON.stringify(body) });
  }
});

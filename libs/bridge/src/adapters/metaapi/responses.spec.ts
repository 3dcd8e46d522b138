import { TransportFailure, classifyTransportError } from './http-transport';
import { retryAfterMs, toMetaApiError, tradeResultFromAnswer, tradeResultFromFailure } from './responses';
import { MetaApiNotFoundError, MetaApiTooManyRequestsError, MetaApiUnauthorizedError, MetaApiValidationError } from '../../errors';

const mt5 = { platform: 'mt5' as const, clientId: 'TBAAAAAAAAAAAAAA', now: Date.parse('2026-01-05T10:00:00Z') };
const mt4 = { ...mt5, platform: 'mt4' as const };
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers, rttMs: 12 });

describe('tradeResultFromAnswer', () => {
  it('given HTTP 200 DONE with ids, then success with the ids as strings', () => {
    const r = tradeResultFromAnswer(mt5, answer(200, { numericCode: 10009, stringCode: 'TRADE_RETCODE_DONE', message: 'Request completed', orderId: 47138322, positionId: '46648037' }));
    expect(r).toEqual({
      status: 'success', handling: 'success', platform: 'mt5', code: 10009, codeId: 'TRADE_RETCODE_DONE', message: 'Request completed',
      orderId: '47138322', positionId: '46648037', brokerRoundTripMs: 12, clientId: mt5.clientId,
    });
  });

  it('given HTTP 200 with an error numericCode, then a rejection classified by the table', () => {
    const r = tradeResultFromAnswer(mt5, answer(200, { numericCode: 10019, stringCode: 'TRADE_RETCODE_NO_MONEY', message: 'no money' }));
    expect(r).toMatchObject({ status: 'rejected', handling: 'modify_and_retry', hint: 'reduce_volume', code: 10019 });
  });

  it('given an MT4 account, then MT4 codes are read from the MT4 table', () => {
    expect(tradeResultFromAnswer(mt4, answer(200, { numericCode: 128, stringCode: 'ERR_TRADE_TIMEOUT' }))).toMatchObject({
      status: 'outcome_unknown', platform: 'mt4', codeId: 'ERR_TRADE_TIMEOUT', message: 'Trade timeout',
    });
  });

  it('given an MT4 modification answered ERR_NO_RESULT, then success (nothing to change); after an order send, unknown', () => {
    expect(tradeResultFromAnswer({ ...mt4, actionType: 'POSITION_MODIFY' }, answer(200, { numericCode: 1, stringCode: 'ERR_NO_RESULT' }))).toMatchObject({ status: 'success', code: 1 });
    expect(tradeResultFromAnswer({ ...mt4, actionType: 'ORDER_TYPE_BUY' }, answer(200, { numericCode: 1, stringCode: 'ERR_NO_RESULT' }))).toMatchObject({ status: 'outcome_unknown' });
  });

  it('given invalid price on a pending order, then final (its own price is wrong); on a market order, a fresh price', () => {
    expect(tradeResultFromAnswer({ ...mt5, actionType: 'ORDER_TYPE_BUY_LIMIT' }, answer(200, { numericCode: 10015 }))).toMatchObject({ status: 'rejected', handling: 'rejected_final' });
    expect(tradeResultFromAnswer({ ...mt4, actionType: 'ORDER_MODIFY' }, answer(200, { numericCode: 129 }))).toMatchObject({ handling: 'rejected_final' });
    expect(tradeResultFromAnswer({ ...mt5, actionType: 'ORDER_TYPE_BUY' }, answer(200, { numericCode: 10015 }))).toMatchObject({ handling: 'retry_fresh_price' });
    expect(tradeResultFromAnswer({ ...mt4, actionType: 'ORDER_TYPE_SELL' }, answer(200, { numericCode: 129 }))).toMatchObject({ handling: 'retry_fresh_price' });
  });

  it('given the older field names error/description, then they are read like numericCode/stringCode', () => {
    expect(tradeResultFromAnswer(mt5, answer(200, { error: 10004, description: 'TRADE_RETCODE_REQUOTE' }))).toMatchObject({ handling: 'retry_fresh_price', code: 10004 });
  });

  it('given an HTTP error carrying a TradeError body, then it is read as a trade code', () => {
    expect(tradeResultFromAnswer(mt5, answer(400, { id: 1, error: 'TradeError', message: 'Invalid stops', numericCode: 10016, stringCode: 'TRADE_RETCODE_INVALID_STOPS' }))).toMatchObject({
      status: 'rejected', handling: 'modify_and_retry', hint: 'adjust_stops',
    });
  });

  it('given HTTP 200 without a code, then the outcome is unknown', () => {
    expect(tradeResultFromAnswer(mt5, answer(200, '<html>'))).toMatchObject({ status: 'outcome_unknown', codeId: 'BRIDGE_BAD_RESPONSE' });
  });

  it('given an unknown code, then the outcome is unknown and the string code is kept', () => {
    expect(tradeResultFromAnswer(mt5, answer(200, { numericCode: 10077, stringCode: 'TRADE_RETCODE_NEW' }))).toMatchObject({ status: 'outcome_unknown', codeId: 'TRADE_RETCODE_NEW' });
  });

  it.each([
    [400, 'BRIDGE_REQUEST_INVALID', 'rejected', 'rejected_final'],
    [401, 'BRIDGE_UNAUTHORIZED', 'rejected', 'fatal'],
    [403, 'BRIDGE_FORBIDDEN', 'rejected', 'fatal'],
    [404, 'BRIDGE_ACCOUNT_NOT_FOUND', 'rejected', 'fatal'],
    [500, 'BRIDGE_SERVER_ERROR', 'outcome_unknown', 'outcome_unknown'],
    [502, 'BRIDGE_SERVER_ERROR', 'outcome_unknown', 'outcome_unknown'],
    [409, 'BRIDGE_SERVER_ERROR', 'outcome_unknown', 'outcome_unknown'],
  ])('given HTTP %i, then %s (%s, %s)', (status, codeId, st, handling) => {
    expect(tradeResultFromAnswer(mt5, answer(status, { id: 1, error: 'X', message: 'm', details: { code: 'E' } }))).toMatchObject({ codeId, status: st, handling, message: 'm ({"code":"E"})' });
  });

  it('given HTTP 429 with recommendedRetryTime, then retry_backoff with the advised wait', () => {
    const r = tradeResultFromAnswer(mt5, answer(429, { error: 'TooManyRequestsError', message: 'slow down', metadata: { recommendedRetryTime: '2026-01-05T10:00:02.500Z' } }, { 'retry-after': '1' }));
    expect(r).toMatchObject({ status: 'rejected', handling: 'retry_backoff', codeId: 'BRIDGE_RATE_LIMITED', retryAfterMs: 2500 });
  });
});

describe('tradeResultFromFailure', () => {
  it.each([
    ['not_sent', 'BRIDGE_NOT_SENT', 'rejected', 'retry_backoff'],
    ['timeout', 'BRIDGE_TRADE_TIMEOUT', 'outcome_unknown', 'outcome_unknown'],
    ['lost', 'BRIDGE_CONNECTION_LOST', 'outcome_unknown', 'outcome_unknown'],
  ] as const)('given a %s failure, then %s', (kind, codeId, status, handling) => {
    expect(tradeResultFromFailure(mt5, new TransportFailure(kind, 'X', 30, 1000))).toMatchObject({ codeId, status, handling, brokerRoundTripMs: 30, platform: 'metaapi' });
  });
});

describe('classifyTransportError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'not_sent'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'not_sent'],
    [{ errors: [{ code: 'ECONNREFUSED' }] }, 'not_sent'],
    [{ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'timeout'],
    [{ name: 'TimeoutError' }, 'timeout'],
    [{ code: 'UND_ERR_SOCKET' }, 'lost'],
    [{ code: 'ECONNRESET' }, 'lost'],
    [new Error('anything else'), 'lost'],
  ])('given %j, then %s', (error, kind) => {
    expect(classifyTransportError(error).kind).toBe(kind);
  });
});

describe('retryAfterMs and toMetaApiError', () => {
  const now = Date.parse('2026-01-05T10:00:00Z');
  it('takes the longer of recommendedRetryTime and Retry-After (seconds or an HTTP date)', () => {
    expect(retryAfterMs({ headers: { 'retry-after': '9' }, body: { metadata: { recommendedRetryTime: '2026-01-05T10:00:02Z' } } }, now)).toBe(9000);
    expect(retryAfterMs({ headers: { 'retry-after': '3' }, body: {} }, now)).toBe(3000);
    expect(retryAfterMs({ headers: { 'retry-after': 'Mon, 05 Jan 2026 10:00:04 GMT' }, body: {} }, now)).toBe(4000);
    expect(retryAfterMs({ headers: {}, body: { metadata: { recommendedRetryTime: '2026-01-05T09:59:00Z' } } }, now)).toBe(0);
    expect(retryAfterMs({ headers: {}, body: {} }, now)).toBeUndefined();
  });

  it('maps statuses to typed errors carrying the body fields', () => {
    const e = toMetaApiError({ status: 400, headers: {}, body: { id: 1, error: 'ValidationError', message: 'bad', details: [{ parameter: 'volume' }] } }, now);
    expect(e).toBeInstanceOf(MetaApiValidationError);
    expect(e).toMatchObject({ status: 400, errorName: 'ValidationError', details: [{ parameter: 'volume' }], errorId: 1 });
    expect(toMetaApiError({ status: 401, headers: {}, body: undefined }, now)).toBeInstanceOf(MetaApiUnauthorizedError);
    expect(toMetaApiError({ status: 404, headers: {}, body: { error: 'NotFoundError', message: 'no' } }, now)).toBeInstanceOf(MetaApiNotFoundError);
    const limited = toMetaApiError({ status: 429, headers: { 'retry-after': '2' }, body: { error: 'TooManyRequestsError', message: 'x' } }, now);
    expect(limited).toBeInstanceOf(MetaApiTooManyRequestsError);
    expect((limited as MetaApiTooManyRequestsError).retryAfterMs).toBe(2000);
  });
});

import { DLQ_HEADERS } from '@tradebridge/contracts';
import { DeadLetterHeaders, headersToStrings } from './headers';

describe('DeadLetterHeaders', () => {
  it('uses exactly the dead-letter header names of the message contract', () => {
    expect(new Set(Object.values(DeadLetterHeaders))).toEqual(new Set(Object.values(DLQ_HEADERS)));
  });
});

describe('headersToStrings', () => {
  it('decodes Buffers as UTF-8, keeps the last of repeated values and skips missing ones', () => {
    expect(headersToStrings({ a: Buffer.from('é'), b: ['1', Buffer.from('2')], c: undefined, d: 'x' })).toEqual({ a: 'é', b: '2', d: 'x' });
  });
});

import {
  DLQ_HEADERS,
  EVENT_HEADERS,
  deadLetterHeaders,
  eventHeaders,
  formatTraceparent,
  headerString,
  parseTraceparent,
  readDeadLetterHeaders,
  readTraceContext,
} from './headers';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C trace context headers', () => {
  it('parses and formats a traceparent', () => {
    const tp = parseTraceparent(TP)!;
    expect(tp).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: 1 });
    expect(formatTraceparent(tp)).toBe(TP);
  });

  it.each([
    ['garbage', 'not-a-traceparent'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['upper case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['extra fields on version 00', `${TP}-extra`],
  ])('rejects %s', (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('builds event headers with type, id, content type and the trace context', () => {
    const h = eventHeaders({ typeName: 'x.v1.T', eventId: 'e1', trace: { traceparent: TP, tracestate: 'vendor=1' } });
    expect(h).toEqual({
      'tb-event-type': 'x.v1.T',
      'tb-event-id': 'e1',
      'content-type': 'application/x-protobuf; framing=confluent',
      traceparent: TP,
      tracestate: 'vendor=1',
    });
  });

  it('drops an invalid traceparent and its tracestate rather than propagating garbage', () => {
    const h = eventHeaders({ typeName: 'T', eventId: 'e', trace: { traceparent: 'bad', tracestate: 'v=1' } });
    expect(h).not.toHaveProperty('traceparent');
    expect(h).not.toHaveProperty('tracestate');
  });

  it('reads the trace context from kafkajs headers (Buffers, any case)', () => {
    const headers = { TraceParent: Buffer.from(TP), tracestate: [Buffer.from('a=1'), Buffer.from('b=2')] };
    expect(readTraceContext(headers)).toEqual({ traceparent: TP, tracestate: 'a=1' });
    expect(readTraceContext({ traceparent: 'nope', tracestate: 'a=1' })).toEqual({});
    expect(readTraceContext(undefined)).toEqual({});
    expect(headerString({ [EVENT_HEADERS.eventId]: undefined }, EVENT_HEADERS.eventId)).toBeUndefined();
  });
});

describe('dead-letter headers', () => {
  it('adds the original coordinates and the error to the original headers, and reads them back', () => {
    const error = new TypeError('x'.repeat(1200));
    const h = deadLetterHeaders(
      { traceparent: TP },
      {
        topic: 'risk.approved',
        partition: 7,
        offset: '12345',
        timestamp: '1795420800123',
        consumerGroup: 'execution',
        error,
        attempts: 5,
        failedAt: new Date('2026-11-23T08:00:00.000Z'),
      },
    );
    expect(h['traceparent']).toBe(TP);
    expect(h[DLQ_HEADERS.originalTopic]).toBe('risk.approved');
    expect((h[DLQ_HEADERS.error] as string).length).toBe(1000);
    expect(readDeadLetterHeaders(h)).toEqual({
      originalTopic: 'risk.approved',
      originalPartition: 7,
      originalOffset: '12345',
      consumerGroup: 'execution',
      error: expect.stringMatching(/^x+\.\.\.$/),
      errorType: 'TypeError',
      attempts: 5,
      failedAt: '2026-11-23T08:00:00.000Z',
    });
  });

  it('is undefined for a message without the original coordinates', () => {
    expect(readDeadLetterHeaders({ [DLQ_HEADERS.originalTopic]: 't' })).toBeUndefined();
  });
});

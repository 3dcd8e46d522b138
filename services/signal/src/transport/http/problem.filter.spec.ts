import { NotFoundException } from '@nestjs/common';
import { errorToAnswer } from './problem.filter';

describe('errorToAnswer', () => {
  const reported: unknown[] = [];
  const report = (e: unknown) => void reported.push(e);

  it('given an unexpected error, when answered, then it is a 500 problem that reveals nothing and is reported', () => {
    const answer = errorToAnswer(new Error('connection to 10.0.0.5 refused, password=hunter2'), report);
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).not.toContain('hunter2');
    expect(answer.body).toMatchObject({ type: 'urn:tradebridge:problem:internal-error', status: 500 });
    expect(reported).toHaveLength(1);
  });

  it('given Fastify body errors, when answered, then 413 and 415 problems with a helpful detail', () => {
    expect(errorToAnswer(Object.assign(new Error('x'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), report)).toMatchObject({
      status: 413,
      body: { type: 'urn:tradebridge:problem:payload-too-large', detail: 'the body is larger than the limit' },
      headers: { 'content-type': 'application/problem+json' },
    });
    expect(errorToAnswer(Object.assign(new Error('x'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), report)).toMatchObject({
      status: 415,
      body: { type: 'urn:tradebridge:problem:unsupported-media-type' },
    });
  });

  it('given a Nest HTTP exception, when answered, then its status is kept', () => {
    expect(errorToAnswer(new NotFoundException('Cannot GET /nope'), report)).toMatchObject({ status: 404, body: { type: 'urn:tradebridge:problem:not-found' } });
  });
});

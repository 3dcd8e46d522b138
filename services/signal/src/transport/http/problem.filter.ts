import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { problem, type HttpAnswer, type ProblemType } from './answer';
import { send } from './fastify-request';

/** Where unexpected errors are reported; never with request bodies or secrets. */
export type ErrorSink = (error: unknown, context: string) => void;

const BY_STATUS: Record<number, ProblemType> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'service-unavailable',
};

/**
 * Maps any error to a problem+json answer: errors that carry an HTTP status (Nest's HttpException, Fastify's body
 * errors) keep it; anything else is a 500 that says nothing about internals.
 */
export function errorToAnswer(error: unknown, report: ErrorSink): HttpAnswer {
  let status = 500;
  if (error instanceof HttpException) status = error.getStatus();
  else if (typeof (error as { statusCode?: unknown })?.statusCode === 'number') status = (error as { statusCode: number }).statusCode;
  const type = BY_STATUS[status] ?? (status >= 400 && status < 500 ? 'bad-request' : 'internal-error');
  if (status >= 500) {
    report(error, 'unhandled error');
    return problem(type === 'service-unavailable' ? type : 'internal-error', 'the request could not be completed; retry with the same externalId', { status });
  }
  const detail = fastifyDetail(error) ?? (error instanceof Error ? error.message : 'the request was refused');
  return problem(type, detail.slice(0, 300), { status });
}

function fastifyDetail(error: unknown): string | null {
  switch ((error as { code?: string })?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the body is larger than the limit';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type: send application/json (or text/plain to the TradingView webhook)';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'the content length does not match the body';
    default:
      return null;
  }
}

/** Nest filter for errors thrown inside controllers (including unknown routes). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly report: ErrorSink) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    send(reply, errorToAnswer(exception, this.report));
  }
}

/**
 * Every error becomes an RFC 7807 problem+json answer: validation problems list each bad field, unknown ids are
 * 404, conflicts 409, and anything unexpected is a 500 that reveals nothing (it is logged, without request bodies).
 */
import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { isUniqueViolation } from '@tradebridge/persistence';
import { ConflictError, NotFoundError } from '../../application/accounts/manage-accounts';
import { ValidationProblem, type FieldProblem } from './schemas';

interface Reply {
  sent: boolean;
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: string): unknown;
}

/** A problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: readonly FieldProblem[];
}

export type ErrorSink = (error: unknown) => void;

export function toProblem(error: unknown, report: ErrorSink): Problem {
  if (error instanceof ValidationProblem) {
    return { type: 'urn:tradebridge:problem:validation', title: 'Invalid request', status: 400, detail: 'one or more fields are invalid', errors: error.errors };
  }
  if (error instanceof NotFoundError) return { type: 'urn:tradebridge:problem:not-found', title: 'Not found', status: 404, detail: error.message };
  if (error instanceof ConflictError) return { type: 'urn:tradebridge:problem:conflict', title: 'Conflict', status: 409, detail: error.message };
  if (isUniqueViolation(error)) return { type: 'urn:tradebridge:problem:conflict', title: 'Conflict', status: 409, detail: 'the resource exists already' };
  const status = error instanceof HttpException ? error.getStatus() : typeof (error as { statusCode?: unknown })?.statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
  if (status >= 500) {
    report(error);
    return { type: 'urn:tradebridge:problem:internal', title: 'Internal error', status: 500, detail: 'the request could not be completed' };
  }
  const detail = status === 404 ? 'no such resource' : error instanceof Error ? error.message.slice(0, 300) : 'the request was refused';
  return { type: `urn:tradebridge:problem:http-${status}`, title: 'Request refused', status, detail };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly report: ErrorSink) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<Reply>();
    if (reply.sent) return;
    const problem = toProblem(exception, this.report);
    reply.status(problem.status).header('content-type', 'application/problem+json').send(JSON.stringify(problem));
  }
}

import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FieldError } from './params';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 7807 answer the controllers throw; the filter writes it. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(detail);
  }

  /** 400 naming every bad parameter. */
  static invalidParameters(errors: readonly FieldError[]): ProblemError {
    const names = [...new Set(errors.map((e) => e.field))].join(', ');
    return new ProblemError(400, 'invalid-parameters', 'Invalid request parameters', `invalid parameter(s): ${names}`, errors);
  }

  static notFound(detail: string): ProblemError {
    return new ProblemError(404, 'not-found', 'Not found', detail);
  }

  body(): Record<string, unknown> {
    return {
      type: `urn:tradebridge:problem:${this.type}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

interface Reply {
  sent: boolean;
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: string): unknown;
}

/** Every error as problem+json: ours as thrown, Nest's with their status, anything else a 500 that says nothing. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly report: (error: unknown) => void) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<Reply>();
    if (reply.sent) return;
    let problem: ProblemError;
    if (exception instanceof ProblemError) problem = exception;
    else if (exception instanceof HttpException) {
      const status = exception.getStatus();
      problem = new ProblemError(status, status === 404 ? 'not-found' : 'bad-request', status === 404 ? 'Not found' : 'Bad request', exception.message);
    } else {
      this.report(exception);
      problem = new ProblemError(500, 'internal-error', 'Internal error', 'the request could not be completed');
    }
    reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.body()));
  }
}

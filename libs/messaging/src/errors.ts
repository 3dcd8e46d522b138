import { RpcException } from '@nestjs/microservices';

// The error classes extend RpcException only so that they survive NestJS's default RPC exception filter unchanged
// (it passes an RpcException's getError() through); outside Nest they behave like ordinary errors.

/** A handler failure worth retrying (a timeout, a lock, a dependency briefly down): retried with backoff, then dead-lettered. */
export class RetryableError extends RpcException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'RetryableError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  override getError(): object {
    return this;
  }
}

/** A handler failure that no retry can fix (the message itself is wrong): dead-lettered at once. */
export class PermanentError extends RpcException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'PermanentError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  override getError(): object {
    return this;
  }
}

/** The bytes of a message could not be decoded (poison message): dead-lettered at once. */
export class UndecodableMessageError extends PermanentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UndecodableMessageError';
  }
}

/** How the consumer treats a handler failure: unknown errors are retried like RetryableError. */
export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentError;
}

/** The class name recorded in metrics and dead-letter headers. */
export function errorClassOf(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name;
  return typeof error;
}

/** A message that is safe to put in a header or a log line: single line, bounded length. */
export function errorMessageOf(error: unknown, maxLength = 500): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : safeJson(error);
  const oneLine = raw.replace(/\s+/g, ' ').trim();
  return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1)}…` : oneLine;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

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

// Errors of other libraries may declare themselves: @tradebridge/contracts' ContractError carries `retryable`
// (true only when the schema registry was unreachable). The consumer honours that flag.
function declaredRetryable(error: unknown): boolean | undefined {
  if (error === null || typeof error !== 'object' || !('retryable' in error)) return undefined;
  const flag = (error as { retryable: unknown }).retryable;
  return typeof flag === 'boolean' ? flag : undefined;
}

/** A failure no retry can fix: a PermanentError, or an error declaring `retryable: false`. Dead-lettered at once. */
export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentError || (!(error instanceof RetryableError) && declaredRetryable(error) === false);
}

/** A failure that says trying later may succeed: a RetryableError, or an error declaring `retryable: true`. */
export function isTransient(error: unknown): boolean {
  return error instanceof RetryableError || (!(error instanceof PermanentError) && declaredRetryable(error) === true);
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

/** Base class of every error the bridge throws, so callers can tell bridge failures from their own bugs. */
export class BridgeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request was refused before anything was sent because a field is invalid; names the field. */
export class BridgeValidationError extends BridgeError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

/** A read call got no answer within its timeout. */
export class BridgeTimeoutError extends BridgeError {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`${operation} timed out after ${timeoutMs} ms`, options);
  }
}

/**
 * A read call failed at the connection level. `sent` says whether the request may have reached the server
 * (false: the connection could not be opened).
 */
export class BridgeConnectionError extends BridgeError {
  constructor(
    readonly operation: string,
    readonly sent: boolean,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${operation} failed: ${code ?? 'connection error'}${sent ? '' : ' (request not sent)'}`, options);
  }
}

/** The account's circuit is open after repeated failures; the call failed fast without being sent. */
export class CircuitOpenError extends BridgeError {
  constructor(
    readonly accountId: string,
    readonly retryAtMs: number | undefined,
  ) {
    super(`circuit open for account ${accountId}; request not sent`);
  }
}

/**
 * MetaApi's HTTP error body `{id, error, message, details, metadata}`, carried with the HTTP status. Subclasses
 * mirror MetaApi's error names (and the SDK's classes) so callers can branch with `instanceof`.
 */
export class MetaApiError extends BridgeError {
  constructor(
    readonly status: number,
    readonly errorName: string,
    message: string,
    readonly details?: unknown,
    readonly metadata?: Readonly<Record<string, unknown>>,
    readonly errorId?: number,
  ) {
    super(`${errorName} (HTTP ${status}): ${message}`);
  }
}

/** HTTP 400: MetaApi refused the request as invalid; `details` says which part. */
export class MetaApiValidationError extends MetaApiError {}
/** HTTP 401: the auth token was refused. */
export class MetaApiUnauthorizedError extends MetaApiError {}
/** HTTP 403: the token may not use this account or resource. */
export class MetaApiForbiddenError extends MetaApiError {}
/** HTTP 404: the account (or position, order, symbol) does not exist or the account is not deployed. */
export class MetaApiNotFoundError extends MetaApiError {}
/** HTTP 409. */
export class MetaApiConflictError extends MetaApiError {}
/** HTTP 5xx. */
export class MetaApiInternalError extends MetaApiError {}

/** HTTP 429 after the bounded retries of a read were used up; `retryAfterMs` is the server's advice. */
export class MetaApiTooManyRequestsError extends MetaApiError {
  constructor(
    status: number,
    errorName: string,
    message: string,
    readonly retryAfterMs: number | undefined,
    details?: unknown,
    metadata?: Readonly<Record<string, unknown>>,
    errorId?: number,
  ) {
    super(status, errorName, message, details, metadata, errorId);
  }
}

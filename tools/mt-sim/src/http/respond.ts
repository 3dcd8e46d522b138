import type { ServerResponse } from 'node:http';
import type { FieldError } from '../domain/validate';

/** MetaApi error names with the HTTP status each one travels with (notes §4). */
export const API_ERRORS = {
  ValidationError: { status: 400, id: 1 },
  UnauthorizedError: { status: 401, id: 2 },
  ForbiddenError: { status: 403, id: 3 },
  NotFoundError: { status: 404, id: 4 },
  InternalError: { status: 500, id: 5 },
  ConflictError: { status: 409, id: 6 },
  TooManyRequestsError: { status: 429, id: 7 },
  TradeError: { status: 400, id: 8 },
} as const;
export type ApiErrorName = keyof typeof API_ERRORS;

/** Writes a JSON body with an explicit length so keep-alive connections stay reusable. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes a MetaApi error body `{id, error, message, details?, metadata?}`. */
export function sendError(
  res: ServerResponse,
  error: ApiErrorName,
  message: string,
  extra: { details?: unknown; metadata?: unknown; headers?: Record<string, string>; numericCode?: number; stringCode?: string } = {},
): void {
  const { status, id } = API_ERRORS[error];
  const body: Record<string, unknown> = { id, error, message };
  if (extra.numericCode !== undefined) body.numericCode = extra.numericCode;
  if (extra.stringCode !== undefined) body.stringCode = extra.stringCode;
  if (extra.details !== undefined) body.details = extra.details;
  if (extra.metadata !== undefined) body.metadata = extra.metadata;
  sendJson(res, status, body, extra.headers);
}

/** Answers 400 ValidationError naming every bad field. */
export function sendValidation(res: ServerResponse, errors: FieldError[]): void {
  sendError(res, 'ValidationError', 'Validation failed', { details: errors });
}

/** Thrown by handlers to answer with a MetaApi error. */
export class HttpError extends Error {
  constructor(
    readonly error: ApiErrorName,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

import type { FieldError } from '../../domain';

/** What an HTTP handler answers, independent of the web framework. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An RFC 7807 problem document; `errors` lists field-level problems. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The closed set of problem types the service answers with; each has a stable URI. */
export const PROBLEM_TYPES = {
  'validation-failed': { status: 422, title: 'The signal is not valid' },
  'malformed-body': { status: 400, title: 'The body cannot be read' },
  unauthorized: { status: 401, title: 'Missing or invalid credentials' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'payload-too-large': { status: 413, title: 'The body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'bad-request': { status: 400, title: 'Bad request' },
  'internal-error': { status: 500, title: 'Internal error' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
} as const;
export type ProblemType = keyof typeof PROBLEM_TYPES;

export function problemTypeUri(type: ProblemType): string {
  return `urn:tradebridge:problem:${type}`;
}

/** Builds a problem answer; its status is fixed by its type unless overridden (validation 403 for symbols). */
export function problem(
  type: ProblemType,
  detail: string,
  options: { errors?: readonly FieldError[]; status?: number; headers?: Record<string, string> } = {},
): HttpAnswer {
  const spec = PROBLEM_TYPES[type];
  const status = options.status ?? spec.status;
  const body: ProblemDocument = {
    type: problemTypeUri(type),
    title: spec.title,
    status,
    detail,
    ...(options.errors && options.errors.length > 0 ? { errors: options.errors } : {}),
  };
  return { status, body, headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...options.headers } };
}

/**
 * Answers a list of field errors: 403 when the only problem is a symbol the source may not trade, 422 otherwise.
 */
export function validationProblem(errors: readonly FieldError[]): HttpAnswer {
  if (errors.length > 0 && errors.every((e) => e.code === 'symbol_not_allowed')) {
    return problem('forbidden', 'this source may not send signals for that symbol', { errors });
  }
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  return problem('validation-failed', `the signal has ${count}; see errors`, { errors });
}

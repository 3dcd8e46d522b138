import { decodeCursor } from '../../application/trace/trace-queries';
import type { PageCursor } from '../../adapters/postgres/trace.repository';

/** A problem with one request parameter, named for the caller. */
export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCOUNT_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_RANGE_MS = 24 * 3600 * 1000;
export const MAX_RANGE_MS = 31 * 24 * 3600 * 1000;

type Query = Record<string, unknown>;

function single(query: Query, field: string, errors: FieldError[]): string | undefined {
  const v = query[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    errors.push({ field, code: 'repeated', message: `${field} must be given once` });
    return undefined;
  }
  return v;
}

function pageParams(query: Query, errors: FieldError[]): { limit: number; cursor: PageCursor | null } {
  let limit = DEFAULT_PAGE_SIZE;
  const l = single(query, 'limit', errors);
  if (l !== undefined) {
    if (!/^\d{1,4}$/.test(l) || Number(l) < 1 || Number(l) > MAX_PAGE_SIZE) {
      errors.push({ field: 'limit', code: 'out_of_range', message: `limit must be an integer from 1 to ${MAX_PAGE_SIZE}` });
    } else limit = Number(l);
  }
  let cursor: PageCursor | null = null;
  const c = single(query, 'cursor', errors);
  if (c !== undefined) {
    const decoded = decodeCursor(c);
    if (!decoded) errors.push({ field: 'cursor', code: 'invalid', message: 'cursor must be a nextCursor value this API returned' });
    else cursor = decoded;
  }
  return { limit, cursor };
}

function dateParam(query: Query, field: string, errors: FieldError[]): Date | undefined {
  const v = single(query, field, errors);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (!ISO_DATE_TIME.test(v) || Number.isNaN(d.getTime())) {
    errors.push({ field, code: 'invalid_date_time', message: `${field} must be an ISO 8601 date-time with a time zone, e.g. 2026-11-23T14:03:00Z` });
    return undefined;
  }
  return d;
}

/** Parameters of GET /v1/trace/{signalId}. */
export function traceParams(signalId: string, query: Query): { errors: FieldError[]; signalId: string; limit: number; cursor: PageCursor | null } {
  const errors: FieldError[] = [];
  if (!UUID.test(signalId)) errors.push({ field: 'signalId', code: 'invalid_uuid', message: 'signalId must be a UUID (the id the signal service returned)' });
  const { limit, cursor } = pageParams(query, errors);
  return { errors, signalId: signalId.toLowerCase(), limit, cursor };
}

/** Parameters of GET /v1/accounts/{id}/timeline: to defaults to now, from to 24 h before to; at most 31 days. */
export function accountTimelineParams(
  accountId: string,
  query: Query,
  now: Date,
): { errors: FieldError[]; accountId: string; from: Date; to: Date; limit: number; cursor: PageCursor | null } {
  const errors: FieldError[] = [];
  if (!ACCOUNT_ID.test(accountId)) errors.push({ field: 'id', code: 'invalid_account_id', message: 'id must be 1 to 128 letters, digits or . _ : @ -' });
  const toGiven = dateParam(query, 'to', errors);
  const fromGiven = dateParam(query, 'from', errors);
  const to = toGiven ?? now;
  const from = fromGiven ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (errors.every((e) => e.field !== 'from' && e.field !== 'to')) {
    if (from.getTime() >= to.getTime()) errors.push({ field: 'from', code: 'not_before_to', message: 'from must be earlier than to' });
    else if (to.getTime() - from.getTime() > MAX_RANGE_MS) errors.push({ field: 'from', code: 'range_too_long', message: 'the range from..to must be at most 31 days' });
  }
  const { limit, cursor } = pageParams(query, errors);
  return { errors, accountId, from, to, limit, cursor };
}

import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { listSources, setSourceEnabled } from '../../adapters/postgres/sources.repository';
import type { SignalDb } from '../../adapters/postgres/signal.table';
import { createSource, type SourceDirectory } from '../../application/sources/source-directory';
import type { FieldError } from '../../domain';
import { problem, validationProblem, type HttpAnswer } from './answer';
import type { IngestRequest } from './ingest';

const SYMBOL = /^(\*|[A-Z0-9][A-Z0-9._#+-]{0,31})$/;

/** The admin API: create, list, enable and disable signal sources. Off (404) unless an admin token is configured. */
export class AdminApi {
  constructor(
    private readonly db: Kysely<SignalDb>,
    private readonly sources: SourceDirectory,
    private readonly adminToken: string | null,
  ) {}

  async createSource(req: IngestRequest): Promise<HttpAnswer> {
    const denied = this.authorize(req);
    if (denied) return denied;
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody ?? '');
    } catch {
      return problem('malformed-body', 'the body is not valid JSON');
    }
    const parsed = parseSourceInput(body);
    if (!parsed.ok) return validationProblem(parsed.errors);
    try {
      const created = await createSource(this.db, parsed.value);
      return { status: 201, body: created, headers: { location: `/v1/admin/sources/${created.sourceId}`, 'cache-control': 'no-store' } };
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        return validationProblem([{ field: 'name', code: 'invalid_value', message: 'a source with this name exists' }]);
      }
      throw error;
    }
  }

  async list(req: IngestRequest): Promise<HttpAnswer> {
    const denied = this.authorize(req);
    if (denied) return denied;
    const rows = await listSources(this.db);
    return {
      status: 200,
      body: rows.map((r) => ({ sourceId: r.source_id, name: r.name, allowedSymbols: r.allowed_symbols, rateLimitPerMinute: r.rate_limit_per_minute, enabled: r.enabled })),
    };
  }

  async setEnabled(sourceId: string, req: IngestRequest): Promise<HttpAnswer> {
    const denied = this.authorize(req);
    if (denied) return denied;
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody ?? '');
    } catch {
      return problem('malformed-body', 'the body is not valid JSON');
    }
    const enabled = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['enabled'] : undefined;
    if (typeof enabled !== 'boolean' || Object.keys(body as object).length !== 1) {
      return validationProblem([{ field: 'enabled', code: 'invalid_type', message: 'send {"enabled": true|false}' }]);
    }
    if (!/^[0-9a-f-]{36}$/i.test(sourceId) || !(await setSourceEnabled(this.db, sourceId, enabled))) return problem('not-found', 'no such source');
    this.sources.invalidate();
    return { status: 200, body: { sourceId, enabled } };
  }

  private authorize(req: IngestRequest): HttpAnswer | null {
    if (this.adminToken === null) return problem('not-found', 'the admin API is not enabled');
    const authorization = req.headers['authorization'];
    const m = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    const presented = Buffer.from(m?.[1] ?? '');
    const expected = Buffer.from(this.adminToken);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      return problem('unauthorized', 'the admin token is missing or wrong', { headers: { 'www-authenticate': 'Bearer' } });
    }
    return null;
  }
}

/** Input of a new source, validated. */
export interface SourceInput {
  name: string;
  allowedSymbols: string[];
  rateLimitPerMinute: number;
}

export function parseSourceInput(body: unknown): { ok: true; value: SourceInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ field: 'body', code: 'invalid_type', message: 'send a JSON object' }] };
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!['name', 'allowedSymbols', 'rateLimitPerMinute'].includes(key)) errors.push({ field: key, code: 'unknown_field', message: `${key} is not a field of a source` });
  }
  const name = b['name'];
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 100) {
    errors.push({ field: 'name', code: 'invalid_value', message: 'name must be 1-100 characters' });
  }
  const symbols = b['allowedSymbols'] ?? ['*'];
  const symbolList = Array.isArray(symbols) ? symbols.map((s) => (typeof s === 'string' ? s.trim().toUpperCase() : '')) : [];
  if (!Array.isArray(symbols) || symbolList.length === 0 || symbolList.length > 1000 || symbolList.some((s) => !SYMBOL.test(s))) {
    errors.push({ field: 'allowedSymbols', code: 'invalid_value', message: 'allowedSymbols must be a non-empty list of symbols, or ["*"]' });
  }
  const rate = b['rateLimitPerMinute'] ?? 600;
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > 1_000_000) {
    errors.push({ field: 'rateLimitPerMinute', code: 'out_of_range', message: 'rateLimitPerMinute must be a whole number from 1 to 1000000' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { name: (name as string).trim(), allowedSymbols: symbolList, rateLimitPerMinute: rate as number } };
}

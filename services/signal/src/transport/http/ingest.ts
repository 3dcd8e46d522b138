import type { Kysely } from 'kysely';
import type { Counter, Histogram } from 'prom-client';
import { findByExternalId } from '../../adapters/postgres/signals.repository';
import type { SignalDb } from '../../adapters/postgres/signal.table';
import { findSignal } from '../../application/get-signal/get-signal';
import type { TokenBucketRateLimiter } from '../../application/sources/rate-limiter';
import type { AuthOutcome, AuthenticatedSource, SourceDirectory } from '../../application/sources/source-directory';
import { submitSignal, type OutboxWaker } from '../../application/submit-signal/submit-signal';
import {
  isoFromEpochMicros,
  parseTradingViewText,
  renameFields,
  translateTradingViewJson,
  validateSignal,
  type FieldError,
  type ValidatedSignal,
  type ValidationPolicy,
} from '../../domain';
import { problem, validationProblem, type HttpAnswer } from './answer';

/** A request as the handlers need it, already read by the web framework (body as text, untouched). */
export interface IngestRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly contentType: string | null;
  readonly rawBody: string | null;
  readonly query: Readonly<Record<string, unknown>>;
  /** Arrival time, epoch microseconds, taken once in the earliest request hook. */
  readonly receivedAtUs: number;
}

export interface IngestMetrics {
  readonly outcomes: Counter<'channel' | 'outcome'>;
  readonly ingestDuration: Histogram<'channel'>;
}

export interface IngestDeps {
  readonly db: Kysely<SignalDb>;
  readonly sources: SourceDirectory;
  readonly limiter: TokenBucketRateLimiter;
  readonly waker: OutboxWaker;
  readonly validation: { readonly maxSignalAgeMs: number; readonly maxClockSkewMs: number; readonly knownSymbols: ReadonlySet<string> | null };
  readonly newId: () => string;
  readonly metrics?: IngestMetrics;
}

type Channel = 'api' | 'tradingview';

function header(req: IngestRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Turns HTTP requests into SubmitSignal commands and their outcomes into answers. */
export class SignalIngest {
  constructor(private readonly deps: IngestDeps) {}

  /** POST /v1/signals */
  async submitApi(req: IngestRequest): Promise<HttpAnswer> {
    if (mediaType(req.contentType) !== 'application/json') {
      return this.count('api', 'unsupported_media_type', problem('unsupported-media-type', 'send the signal as application/json'));
    }
    const auth = await this.deps.sources.authenticateApiKey(apiKeyOf(req));
    if (!auth.ok) return this.count('api', 'unauthorized', authProblem(auth));
    const limited = this.rateLimit(auth.source);
    if (limited) return this.count('api', 'rate_limited', limited);
    const parsed = parseJson(req.rawBody);
    if (!parsed.ok) return this.count('api', 'malformed', parsed.answer);
    const outcome = validateSignal(parsed.value, this.policy(auth.source, req, true));
    if (!outcome.ok) return this.count('api', 'invalid', await this.refuse(auth.source, parsed.value, outcome.errors));
    return this.submit(auth.source, 'api', outcome.signal, req);
  }

  /** POST /v1/webhooks/tradingview/{sourceId} */
  async submitTradingView(sourceId: string, req: IngestRequest): Promise<HttpAnswer> {
    const type = mediaType(req.contentType);
    if (type !== 'application/json' && type !== 'text/plain') {
      return this.count('tradingview', 'unsupported_media_type', problem('unsupported-media-type', 'send the alert as application/json or text/plain'));
    }
    const text = req.rawBody ?? '';
    const looksJson = type === 'application/json' || text.trimStart().startsWith('{');
    const parsed = looksJson ? parseJson(text) : null;
    const passphrase =
      parsed?.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)
        ? (Object.entries(parsed.value).find(([k]) => k.toLowerCase() === 'passphrase')?.[1] ?? null)
        : null;
    const presented = stringOrNull(req.query['secret']) ?? header(req, 'x-webhook-secret') ?? stringOrNull(passphrase);

    const auth = await this.deps.sources.authenticateWebhook(sourceId, presented);
    if (!auth.ok) return this.count('tradingview', 'unauthorized', authProblem(auth));
    const limited = this.rateLimit(auth.source);
    if (limited) return this.count('tradingview', 'rate_limited', limited);
    if (parsed !== null && !parsed.ok) return this.count('tradingview', 'malformed', parsed.answer);

    const translated = parsed !== null && parsed.ok ? translateTradingViewJson(parsed.value) : parseTradingViewText(text);
    if (!translated.ok) return this.count('tradingview', 'invalid', validationProblem(translated.errors));
    const outcome = validateSignal(translated.alert.body, this.policy(auth.source, req, false));
    if (!outcome.ok) {
      const errors = renameFields(outcome.errors, translated.alert.aliases);
      return this.count('tradingview', 'invalid', await this.refuse(auth.source, translated.alert.body, errors));
    }
    return this.submit(auth.source, 'tradingview', outcome.signal, req);
  }

  /** GET /v1/signals/{id}: a source reads its own signals. */
  async get(signalId: string, req: IngestRequest): Promise<HttpAnswer> {
    const auth = await this.deps.sources.authenticateApiKey(apiKeyOf(req));
    if (!auth.ok) return authProblem(auth);
    const found = await findSignal(this.deps.db, signalId, auth.source.sourceId);
    if (found === undefined) return problem('not-found', `no signal ${signalId.slice(0, 64)} of this source`);
    return {
      status: 200,
      body: {
        signalId: found.signalId,
        sourceId: found.sourceId,
        externalId: found.externalId,
        channel: found.channel,
        status: found.status,
        refSignalId: found.refSignalId,
        acceptedAt: isoFromEpochMicros(found.acceptedAtUs),
        storedAt: isoFromEpochMicros(found.storedAtUs),
        publishedAt: found.publishedAtUs === null ? null : isoFromEpochMicros(found.publishedAtUs),
        signal: found.payload,
      },
    };
  }

  private async submit(source: AuthenticatedSource, channel: Channel, signal: ValidatedSignal, req: IngestRequest): Promise<HttpAnswer> {
    const outcome = await submitSignal(this.deps.db, this.deps.waker, {
      newSignalId: this.deps.newId(),
      sourceId: source.sourceId,
      channel,
      signal,
      receivedAtUs: req.receivedAtUs,
    });
    this.deps.metrics?.ingestDuration.observe({ channel }, (Date.now() * 1000 - req.receivedAtUs) / 1000);
    switch (outcome.kind) {
      case 'created':
        return this.count(channel, 'created', {
          status: 201,
          body: { signalId: outcome.signalId, status: 'accepted', duplicate: false, acceptedAt: isoFromEpochMicros(req.receivedAtUs) },
          headers: { location: `/v1/signals/${outcome.signalId}` },
        });
      case 'duplicate':
        return this.count(channel, 'duplicate', duplicateAnswer(outcome.signalId, outcome.status));
      case 'rejected':
        return this.count(channel, 'invalid', validationProblem(outcome.errors));
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  }

  /**
   * A retry of an already accepted signal may fail validation now (it became stale); the sender still gets the
   * original id, as idempotency promises.
   */
  private async refuse(source: AuthenticatedSource, body: unknown, errors: readonly FieldError[]): Promise<HttpAnswer> {
    const externalId = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['externalId'] : undefined;
    if (typeof externalId === 'string' && externalId.length > 0 && externalId.length <= 128) {
      const existing = await findByExternalId(this.deps.db, source.sourceId, externalId);
      if (existing !== undefined) return duplicateAnswer(existing.signal_id, existing.status);
    }
    return validationProblem(errors);
  }

  private rateLimit(source: AuthenticatedSource): HttpAnswer | null {
    const decision = this.deps.limiter.take(source.sourceId, source.rateLimitPerMinute);
    if (decision.allowed) return null;
    return problem('rate-limited', `this source may send ${source.rateLimitPerMinute} requests per minute; retry in ${decision.retryAfterSeconds} s`, {
      headers: { 'retry-after': String(decision.retryAfterSeconds) },
    });
  }

  private policy(source: AuthenticatedSource, req: IngestRequest, requireExternalId: boolean): ValidationPolicy {
    const v = this.deps.validation;
    return {
      nowMs: Math.floor(req.receivedAtUs / 1000),
      maxSignalAgeMs: v.maxSignalAgeMs,
      maxClockSkewMs: v.maxClockSkewMs,
      allowedSymbols: source.allowedSymbols,
      knownSymbols: v.knownSymbols,
      requireExternalId,
    };
  }

  private count(channel: Channel, outcome: string, answer: HttpAnswer): HttpAnswer {
    this.deps.metrics?.outcomes.inc({ channel, outcome });
    return answer;
  }
}

function duplicateAnswer(signalId: string, status: string): HttpAnswer {
  return {
    status: 200,
    body: { signalId, status, duplicate: true },
    headers: { location: `/v1/signals/${signalId}`, 'idempotent-replayed': 'true' },
  };
}

function apiKeyOf(req: IngestRequest): string | undefined {
  const authorization = header(req, 'authorization');
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return m?.[1] ?? '';
  }
  return header(req, 'x-api-key');
}

function authProblem(auth: Extract<AuthOutcome, { ok: false }>): HttpAnswer {
  if (auth.status === 401) return problem('unauthorized', auth.detail, { headers: { 'www-authenticate': 'Bearer' } });
  if (auth.status === 403) return problem('forbidden', auth.detail);
  return problem('not-found', auth.detail);
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly answer: HttpAnswer };

function parseJson(text: string | null): Parsed {
  if (text === null || text.trim().length === 0) {
    return { ok: false, answer: problem('malformed-body', 'the body is empty', { errors: [{ field: 'body', code: 'required', message: 'send a JSON object' }] }) };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 200) : 'invalid JSON';
    return { ok: false, answer: problem('malformed-body', 'the body is not valid JSON', { errors: [{ field: 'body', code: 'unparsable', message }] }) };
  }
}

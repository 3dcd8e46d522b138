import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findSourceById, findSourceByKeyId, insertSource } from '../../adapters/postgres/sources.repository';
import type { SignalDb, SignalSourceRow } from '../../adapters/postgres/signal.table';
import { generateApiKey, generateWebhookSecret, parseApiKey, secretMatches } from './credentials';

/** A source as the request path needs it; no secret material. */
export interface AuthenticatedSource {
  readonly sourceId: string;
  readonly name: string;
  readonly allowedSymbols: readonly string[];
  readonly rateLimitPerMinute: number;
}

/** The outcome of checking a request's credentials. */
export type AuthOutcome =
  | { readonly ok: true; readonly source: AuthenticatedSource }
  | { readonly ok: false; readonly status: 401 | 403 | 404; readonly detail: string };

interface CacheEntry {
  readonly row: SignalSourceRow | undefined;
  readonly loadedAt: number;
}

/**
 * Finds and authenticates signal sources. Rows are cached for `cacheTtlMs` so the hot path costs no database round
 * trip; disabling a source or rotating its key takes effect within that time.
 */
export class SourceDirectory {
  private readonly byKeyId = new Map<string, CacheEntry>();
  private readonly byId = new Map<string, CacheEntry>();

  constructor(
    private readonly db: Kysely<SignalDb>,
    private readonly cacheTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Authenticates `Authorization: Bearer <key>` / `X-Api-Key` credentials. */
  async authenticateApiKey(presented: string | undefined): Promise<AuthOutcome> {
    if (presented === undefined || presented.length === 0) return { ok: false, status: 401, detail: 'an API key is required (Authorization: Bearer <key> or X-Api-Key)' };
    const parsed = parseApiKey(presented);
    if (parsed === null) return { ok: false, status: 401, detail: 'the API key is not valid' };
    const row = await this.cached(this.byKeyId, parsed.keyId, () => findSourceByKeyId(this.db, parsed.keyId));
    if (row === undefined || !secretMatches(row.api_key_salt, row.api_key_hash, parsed.secret)) {
      return { ok: false, status: 401, detail: 'the API key is not valid' };
    }
    return this.enabled(row);
  }

  /** Authenticates a TradingView webhook by its source id and the source's webhook secret. */
  async authenticateWebhook(sourceId: string, presented: string | null): Promise<AuthOutcome> {
    if (presented === null || presented.length === 0) {
      return { ok: false, status: 401, detail: 'the webhook secret is required (?secret=, X-Webhook-Secret header, or passphrase in the JSON body)' };
    }
    const row = /^[0-9a-f-]{36}$/i.test(sourceId) ? await this.cached(this.byId, sourceId, () => findSourceById(this.db, sourceId)) : undefined;
    // Same answer for an unknown source and a wrong secret: the URL does not reveal which sources exist.
    if (row === undefined || !secretMatches(row.webhook_secret_salt, row.webhook_secret_hash, presented)) {
      return { ok: false, status: 401, detail: 'the webhook secret is not valid for this source' };
    }
    return this.enabled(row);
  }

  /** Forgets cached rows (tests and admin changes). */
  invalidate(): void {
    this.byKeyId.clear();
    this.byId.clear();
  }

  private enabled(row: SignalSourceRow): AuthOutcome {
    if (!row.enabled) return { ok: false, status: 403, detail: 'this signal source is disabled' };
    return {
      ok: true,
      source: { sourceId: row.source_id, name: row.name, allowedSymbols: row.allowed_symbols, rateLimitPerMinute: row.rate_limit_per_minute },
    };
  }

  private async cached(cache: Map<string, CacheEntry>, key: string, load: () => Promise<SignalSourceRow | undefined>): Promise<SignalSourceRow | undefined> {
    const hit = cache.get(key);
    const now = this.now();
    if (hit !== undefined && now - hit.loadedAt < this.cacheTtlMs) return hit.row;
    const row = await load();
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { row, loadedAt: now });
    return row;
  }
}

/** What creating a source returns: the only time its API key and webhook secret exist in clear. */
export interface CreatedSource {
  readonly sourceId: string;
  readonly name: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly allowedSymbols: readonly string[];
  readonly rateLimitPerMinute: number;
}

/** Creates a signal source with a new API key and webhook secret. */
export async function createSource(
  db: Kysely<SignalDb>,
  input: { name: string; allowedSymbols: readonly string[]; rateLimitPerMinute: number; sourceId?: string },
): Promise<CreatedSource> {
  const sourceId = input.sourceId ?? randomUUID();
  const apiKey = generateApiKey();
  const webhook = generateWebhookSecret();
  const allowedSymbols = input.allowedSymbols.length === 0 ? ['*'] : input.allowedSymbols.map((s) => s.trim().toUpperCase());
  await insertSource(db, {
    source_id: sourceId,
    name: input.name,
    api_key_id: apiKey.keyId,
    api_key_salt: apiKey.salt,
    api_key_hash: apiKey.hash,
    webhook_secret_salt: webhook.salt,
    webhook_secret_hash: webhook.hash,
    allowed_symbols: allowedSymbols,
    rate_limit_per_minute: input.rateLimitPerMinute,
  });
  return { sourceId, name: input.name, apiKey: apiKey.clearText, webhookSecret: webhook.clearText, allowedSymbols, rateLimitPerMinute: input.rateLimitPerMinute };
}

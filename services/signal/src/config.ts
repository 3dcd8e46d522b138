import { bool, checkHostPort, defineConfig, int, list, oneOf, port, secret, str, url } from '@tradebridge/observability';
import { z } from 'zod';

export { ConfigError } from '@tradebridge/observability';

const schema = z.object({
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'], default: 'postgres://postgres@127.0.0.1:5432/tradebridge' }),
  KAFKA_BROKERS: list({ item: checkHostPort, default: ['127.0.0.1:9092'] }),
  SCHEMA_REGISTRY_URL: url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:8081/apis/ccompat/v7' }),
  KAFKA_TOPIC_PREFIX: str({ default: '' }).refine((v) => /^[A-Za-z0-9._-]*$/.test(v), 'letters, digits, . _ - only'),
  SIGNAL_ENSURE_TOPICS: bool({ default: true }),
  SIGNAL_HTTP_HOST: str({ default: '0.0.0.0' }),
  SIGNAL_HTTP_PORT: port({ default: 3001, allowEphemeral: true }),
  SIGNAL_BODY_LIMIT_BYTES: int({ min: 256, max: 1_048_576, default: 16_384 }),
  SIGNAL_MAX_AGE_MS: int({ min: 1_000, max: 86_400_000, default: 30_000 }),
  SIGNAL_MAX_CLOCK_SKEW_MS: int({ min: 0, max: 600_000, default: 5_000 }),
  SIGNAL_KNOWN_SYMBOLS: list({ optional: true }),
  SIGNAL_SOURCE_CACHE_TTL_MS: int({ min: 0, max: 600_000, default: 2_000 }),
  SIGNAL_OUTBOX_BATCH_SIZE: int({ min: 1, max: 10_000, default: 500 }),
  SIGNAL_OUTBOX_POLL_INTERVAL_MS: int({ min: 10, max: 60_000, default: 100 }),
  SIGNAL_OUTBOX_RETRY_DELAY_MS: int({ min: 10, max: 60_000, default: 200 }),
  SIGNAL_ADMIN_TOKEN: secret({ minLength: 24, optional: true }),
  SIGNAL_RUN_MIGRATIONS: bool({ default: true }),
  SIGNAL_DB_POOL_SIZE: int({ min: 1, max: 200, default: 10 }),
  LOG_LEVEL: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, { default: 'info' }),
});

/** The signal service's configuration, validated once at boot and frozen. */
export interface SignalConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  /** Prefix of physical topic names (tests isolate themselves with it); empty in production. */
  readonly topicPrefix: string;
  /** Create signal.generated (and its DLQ) at boot when missing; production creates topics through operations. */
  readonly ensureTopics: boolean;
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly validation: { readonly maxSignalAgeMs: number; readonly maxClockSkewMs: number; readonly knownSymbols: ReadonlySet<string> | null };
  readonly sourceCacheTtlMs: number;
  readonly outbox: { readonly batchSize: number; readonly pollIntervalMs: number; readonly retryDelayMs: number };
  /** Bearer token of the admin API (source management); the admin API is off when unset. */
  readonly adminToken: string | null;
  readonly runMigrations: boolean;
  readonly dbPoolSize: number;
  readonly logLevel: string;
}

/**
 * Reads and validates the configuration from `env`, reporting every violation together (a ConfigError naming each
 * variable; secrets are never echoed).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SignalConfig {
  const c = defineConfig(schema, env);
  return Object.freeze({
    databaseUrl: c.DATABASE_URL,
    kafkaBrokers: c.KAFKA_BROKERS,
    schemaRegistryUrl: c.SCHEMA_REGISTRY_URL,
    topicPrefix: c.KAFKA_TOPIC_PREFIX,
    ensureTopics: c.SIGNAL_ENSURE_TOPICS,
    http: Object.freeze({ host: c.SIGNAL_HTTP_HOST, port: c.SIGNAL_HTTP_PORT, bodyLimitBytes: c.SIGNAL_BODY_LIMIT_BYTES }),
    validation: Object.freeze({
      maxSignalAgeMs: c.SIGNAL_MAX_AGE_MS,
      maxClockSkewMs: c.SIGNAL_MAX_CLOCK_SKEW_MS,
      knownSymbols: c.SIGNAL_KNOWN_SYMBOLS ? new Set(c.SIGNAL_KNOWN_SYMBOLS.map((s) => s.toUpperCase())) : null,
    }),
    sourceCacheTtlMs: c.SIGNAL_SOURCE_CACHE_TTL_MS,
    outbox: Object.freeze({ batchSize: c.SIGNAL_OUTBOX_BATCH_SIZE, pollIntervalMs: c.SIGNAL_OUTBOX_POLL_INTERVAL_MS, retryDelayMs: c.SIGNAL_OUTBOX_RETRY_DELAY_MS }),
    adminToken: c.SIGNAL_ADMIN_TOKEN ?? null,
    runMigrations: c.SIGNAL_RUN_MIGRATIONS,
    dbPoolSize: c.SIGNAL_DB_POOL_SIZE,
    logLevel: c.LOG_LEVEL,
  });
}

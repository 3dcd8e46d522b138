import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));

const schema = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/tradebridge'),
  KAFKA_BROKERS: list.pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1)).default('127.0.0.1:9092'),
  SCHEMA_REGISTRY_URL: z.string().url().default('http://127.0.0.1:8081/apis/ccompat/v7'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ - only').default(''),
  SIGNAL_ENSURE_TOPICS: bool.default('true'),
  SIGNAL_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  SIGNAL_HTTP_PORT: int(0, 65535).default(3001),
  SIGNAL_BODY_LIMIT_BYTES: int(256, 1_048_576).default(16_384),
  SIGNAL_MAX_AGE_MS: int(1_000, 86_400_000).default(30_000),
  SIGNAL_MAX_CLOCK_SKEW_MS: int(0, 600_000).default(5_000),
  SIGNAL_KNOWN_SYMBOLS: list.optional(),
  SIGNAL_SOURCE_CACHE_TTL_MS: int(0, 600_000).default(2_000),
  SIGNAL_OUTBOX_BATCH_SIZE: int(1, 10_000).default(500),
  SIGNAL_OUTBOX_POLL_INTERVAL_MS: int(10, 60_000).default(500),
  SIGNAL_OUTBOX_RETRY_DELAY_MS: int(10, 60_000).default(200),
  SIGNAL_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  SIGNAL_RUN_MIGRATIONS: bool.default('true'),
  SIGNAL_DB_POOL_SIZE: int(1, 200).default(10),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
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

/** Raised with every configuration problem at once, each naming its environment variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid signal service configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration from `env`, reporting all violations together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SignalConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const c = parsed.data;
  return Object.freeze({
    databaseUrl: c.DATABASE_URL,
    kafkaBrokers: Object.freeze([...c.KAFKA_BROKERS]),
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

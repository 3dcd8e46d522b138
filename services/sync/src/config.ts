import { bool, checkHostPort, defineConfig, duration, int, list, oneOf, port, str, url, type DeepReadonly } from '@tradebridge/observability';
import { z } from 'zod';

const schema = z
  .object({
    DATABASE_URL: url({ protocols: ['postgres', 'postgresql'], default: 'postgres://postgres@127.0.0.1:5432/tradebridge' }),
    KAFKA_BROKERS: list({ item: checkHostPort, default: ['127.0.0.1:9092'] }),
    SCHEMA_REGISTRY_URL: url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:8081/apis/ccompat/v7' }),
    KAFKA_TOPIC_PREFIX: str({ optional: true }),
    SYNC_GROUP_ID: str({ default: 'sync' }),
    SYNC_ENSURE_TOPICS: bool({ default: true }),
    SYNC_RUN_MIGRATIONS: bool({ default: true }),
    SYNC_DB_POOL_SIZE: int({ min: 1, max: 100, default: 10 }),
    SYNC_HTTP_HOST: str({ default: '0.0.0.0' }),
    SYNC_HTTP_PORT: port({ allowEphemeral: true, default: 3004 }),
    SYNC_INTERVAL: duration({ min: '50ms', max: '60s', default: 1_000 }),
    SYNC_DEADLINE: duration({ min: '20ms', max: '60s', default: 800 }),
    SYNC_HEARTBEAT_INTERVAL: duration({ min: '100ms', max: '10m', default: 5_000 }),
    SYNC_MAX_CONCURRENCY: int({ min: 1, max: 10_000, default: 256 }),
    SYNC_HISTORY_EVERY_CYCLES: int({ min: 1, max: 3_600, default: 10 }),
    SYNC_HISTORY_LOOKBACK: duration({ max: '9000h', default: 60_000 }),
    SYNC_HISTORY_OVERLAP: duration({ max: '1h', default: 5_000 }),
    SYNC_SUSPECT_CYCLES: int({ min: 0, max: 100, default: 3 }),
    SYNC_STATE_PERSIST_INTERVAL: duration({ min: '100ms', max: '10m', default: 2_000 }),
    SYNC_READ_TIMEOUT: duration({ min: '50ms', max: '60s', default: 2_000 }),
    SYNC_BRIDGE_HEARTBEAT_INTERVAL: duration({ max: '10m', default: 15_000 }),
    SYNC_RECONNECT_MIN: duration({ min: '10ms', max: '60s', default: 250 }),
    SYNC_RECONNECT_MAX: duration({ min: '10ms', max: '10m', default: 30_000 }),
    SYNC_RECONCILE_INTERVAL: duration({ min: '100ms', max: '10m', default: 2_000 }),
    SYNC_RECONCILE_GRACE: duration({ max: '10m', default: 5_000 }),
    SYNC_HEALTH_INTERVAL: duration({ min: '100ms', max: '1h', default: 10_000 }),
    SYNC_EXECUTION_WINDOW: duration({ min: '1s', max: '24h', default: 15 * 60_000 }),
    SYNC_ALERT_MARGIN_LEVEL: int({ min: 1, max: 10_000, default: 150 }),
    SYNC_ALERT_DISCONNECTED_AFTER: duration({ min: '1s', max: '24h', default: 30_000 }),
    SYNC_ALERT_SYNC_DELAY: duration({ min: '10ms', max: '10m', default: 2_000 }),
    SYNC_ALERT_SYNC_DELAY_FOR: duration({ max: '10m', default: 3_000 }),
    SYNC_ALERT_REJECTION_RATE_PERCENT: int({ min: 1, max: 100, default: 20 }),
    SYNC_ALERT_REJECTION_MIN_RESULTS: int({ min: 1, max: 100_000, default: 5 }),
    SYNC_KAFKA_SESSION_TIMEOUT: duration({ min: '6s', max: '5m', default: 10_000 }),
    SYNC_SECRETS_DIR: str({ optional: true }),
    SYNC_SHUTDOWN_TIMEOUT: duration({ min: '1s', max: '10m', default: 15_000 }),
    LOG_LEVEL: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, { default: 'info' }),
  })
  .transform((c, ctx) => {
    if (c.SYNC_DEADLINE > c.SYNC_INTERVAL * 5) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['SYNC_DEADLINE'], message: `must be at most 5 x SYNC_INTERVAL (${c.SYNC_INTERVAL * 5} ms)` });
    if (c.SYNC_RECONNECT_MAX < c.SYNC_RECONNECT_MIN) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['SYNC_RECONNECT_MAX'], message: 'must be at least SYNC_RECONNECT_MIN' });
    return {
    databaseUrl: c.DATABASE_URL,
    kafkaBrokers: c.KAFKA_BROKERS,
    schemaRegistryUrl: c.SCHEMA_REGISTRY_URL,
    /** Prefix of physical topic names (tests isolate themselves with it); empty in production. */
    topicPrefix: c.KAFKA_TOPIC_PREFIX ?? '',
    groupId: c.SYNC_GROUP_ID,
    ensureTopics: c.SYNC_ENSURE_TOPICS,
    runMigrations: c.SYNC_RUN_MIGRATIONS,
    dbPoolSize: c.SYNC_DB_POOL_SIZE,
    http: { host: c.SYNC_HTTP_HOST, port: c.SYNC_HTTP_PORT },
    timing: {
      intervalMs: c.SYNC_INTERVAL,
      deadlineMs: c.SYNC_DEADLINE,
      heartbeatMs: c.SYNC_HEARTBEAT_INTERVAL,
      maxConcurrency: c.SYNC_MAX_CONCURRENCY,
      historyEveryCycles: c.SYNC_HISTORY_EVERY_CYCLES,
      initialHistoryLookbackMs: c.SYNC_HISTORY_LOOKBACK,
      historyOverlapMs: c.SYNC_HISTORY_OVERLAP,
      maxSuspectCycles: c.SYNC_SUSPECT_CYCLES,
      persistIntervalMs: c.SYNC_STATE_PERSIST_INTERVAL,
    },
    bridge: {
      readTimeoutMs: c.SYNC_READ_TIMEOUT,
      heartbeatIntervalMs: c.SYNC_BRIDGE_HEARTBEAT_INTERVAL,
      reconnectMinMs: c.SYNC_RECONNECT_MIN,
      reconnectMaxMs: c.SYNC_RECONNECT_MAX,
      secretsDir: c.SYNC_SECRETS_DIR,
    },
    reconcile: { intervalMs: c.SYNC_RECONCILE_INTERVAL, graceMs: c.SYNC_RECONCILE_GRACE },
    health: { intervalMs: c.SYNC_HEALTH_INTERVAL, executionWindowMs: c.SYNC_EXECUTION_WINDOW },
    alerts: {
      marginLevelPercent: c.SYNC_ALERT_MARGIN_LEVEL,
      disconnectedSeconds: c.SYNC_ALERT_DISCONNECTED_AFTER / 1000,
      syncDelayMs: c.SYNC_ALERT_SYNC_DELAY,
      syncDelayForMs: c.SYNC_ALERT_SYNC_DELAY_FOR,
      rejectionRate: c.SYNC_ALERT_REJECTION_RATE_PERCENT / 100,
      rejectionMinResults: c.SYNC_ALERT_REJECTION_MIN_RESULTS,
    },
    /** How fast the group notices a dead replica (its accounts move to a live one). */
    kafkaSessionTimeoutMs: c.SYNC_KAFKA_SESSION_TIMEOUT,
    shutdownTimeoutMs: c.SYNC_SHUTDOWN_TIMEOUT,
    logLevel: c.LOG_LEVEL,
    };
  });

/** The sync service's configuration: typed, validated at boot (every violation at once), frozen. */
export type SyncConfig = DeepReadonly<z.output<typeof schema>>;

/** Reads the configuration from `env`; throws one ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SyncConfig {
  return defineConfig(schema, env);
}

/** Prefix of the environment variables that hold broker credentials by secret reference (see SecretResolver). */
export const SECRET_ENV_PREFIX = 'SYNC_SECRET_';

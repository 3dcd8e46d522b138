import { bool, checkHostPort, defineConfig, duration, int, list, oneOf, port, secret, str, url, type DeepReadonly } from '@tradebridge/observability';
import { z } from 'zod';

const schema = z
  .object({
    DATABASE_URL: url({ protocols: ['postgres', 'postgresql'], default: 'postgres://postgres@127.0.0.1:5432/tradebridge' }),
    KAFKA_BROKERS: list({ item: checkHostPort, default: ['127.0.0.1:9092'] }),
    SCHEMA_REGISTRY_URL: url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:8081/apis/ccompat/v7' }),
    KAFKA_TOPIC_PREFIX: str({ optional: true }),
    EXECUTION_GROUP_ID: str({ default: 'execution' }),
    EXECUTION_ENSURE_TOPICS: bool({ default: true }),
    EXECUTION_RUN_MIGRATIONS: bool({ default: true }),
    EXECUTION_DB_POOL_SIZE: int({ min: 1, max: 200, default: 10 }), // the durable bookkeeping pool and the pre-send hot pool each; the synchronous_commit=off pool gets half
    EXECUTION_HTTP_HOST: str({ default: '0.0.0.0' }),
    EXECUTION_HTTP_PORT: port({ allowEphemeral: true, default: 3003 }),
    EXECUTION_MAX_CONCURRENCY: int({ min: 1, max: 10_000, default: 256 }),
    EXECUTION_PER_ACCOUNT_CONCURRENCY: int({ min: 1, max: 64, default: 2 }),
    EXECUTION_TRADE_TIMEOUT: duration({ min: '100ms', max: '120s', default: 10_000 }),
    EXECUTION_READ_TIMEOUT: duration({ min: '100ms', max: '120s', default: 5_000 }),
    EXECUTION_LEASE: duration({ min: '1s', max: '10m', default: 20_000 }),
    EXECUTION_MARKET_CLOSED_RETRY: duration({ min: '100ms', max: '1h', default: 30_000 }),
    EXECUTION_MAX_FRESH_PRICE_RETRIES: int({ min: 0, max: 20, default: 3 }),
    EXECUTION_MAX_BACKOFF_RETRIES: int({ min: 0, max: 50, default: 5 }),
    EXECUTION_BACKOFF_INITIAL: duration({ min: '1ms', max: '60s', default: 200 }),
    EXECUTION_BACKOFF_MAX: duration({ min: '1ms', max: '10m', default: 5_000 }),
    EXECUTION_INLINE_DELAY_MAX: duration({ max: '60s', default: 1_000 }),
    EXECUTION_REDUCE_VOLUME_ON_NO_MONEY: bool({ default: true }),
    EXECUTION_NO_VOLUME_REDUCTION_ACCOUNTS: list({ optional: true }),
    EXECUTION_SCHEDULER_INTERVAL: duration({ min: '10ms', max: '60s', default: 500 }),
    EXECUTION_RECONCILE_RETRY: duration({ min: '10ms', max: '10m', default: 2_000 }),
    EXECUTION_RECONCILE_SETTLE: duration({ max: '60s', default: 500 }),
    EXECUTION_ACCOUNT_WAIT: duration({ max: '60s', default: 2_000 }),
    EXECUTION_HEARTBEAT_INTERVAL: duration({ max: '10m', default: 15_000 }),
    EXECUTION_CONFIRM_FILLS: bool({ default: true }),
    EXECUTION_ENRICH_FILLS: bool({ default: true }),
    EXECUTION_SECRETS_DIR: str({ optional: true }),
    EXECUTION_OPERATOR_TOKEN: secret({ optional: true, minLength: 24 }),
    EXECUTION_TRAILING_INTERVAL: duration({ min: '100ms', max: '10m', default: 1_000 }),
    EXECUTION_SERVER_SIDE_TRAILING: bool({ default: false }),
    EXECUTION_SHUTDOWN_TIMEOUT: duration({ min: '1s', max: '10m', default: 30_000 }),
    EXECUTION_KAFKA_SESSION_TIMEOUT: duration({ min: '6s', max: '5m', default: 30_000 }),
    EXECUTION_ACCOUNT_CATCH_UP_TIMEOUT: duration({ min: '1s', max: '10m', default: 30_000 }),
    LOG_LEVEL: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, { default: 'info' }),
  })
  .transform((c) => ({
    databaseUrl: c.DATABASE_URL,
    kafkaBrokers: c.KAFKA_BROKERS,
    schemaRegistryUrl: c.SCHEMA_REGISTRY_URL,
    /** Prefix of physical topic names (tests isolate themselves with it); empty in production. */
    topicPrefix: c.KAFKA_TOPIC_PREFIX ?? '',
    groupId: c.EXECUTION_GROUP_ID,
    ensureTopics: c.EXECUTION_ENSURE_TOPICS,
    runMigrations: c.EXECUTION_RUN_MIGRATIONS,
    dbPoolSize: c.EXECUTION_DB_POOL_SIZE,
    http: { host: c.EXECUTION_HTTP_HOST, port: c.EXECUTION_HTTP_PORT },
    concurrency: { global: c.EXECUTION_MAX_CONCURRENCY, perAccount: c.EXECUTION_PER_ACCOUNT_CONCURRENCY },
    bridge: {
      tradeTimeoutMs: c.EXECUTION_TRADE_TIMEOUT,
      readTimeoutMs: c.EXECUTION_READ_TIMEOUT,
      heartbeatIntervalMs: c.EXECUTION_HEARTBEAT_INTERVAL,
      confirmFills: c.EXECUTION_CONFIRM_FILLS,
      secretsDir: c.EXECUTION_SECRETS_DIR,
    },
    leaseMs: c.EXECUTION_LEASE,
    retry: {
      maxFreshPriceRetries: c.EXECUTION_MAX_FRESH_PRICE_RETRIES,
      maxBackoffRetries: c.EXECUTION_MAX_BACKOFF_RETRIES,
      backoffInitialMs: c.EXECUTION_BACKOFF_INITIAL,
      backoffMaxMs: c.EXECUTION_BACKOFF_MAX,
      marketClosedRetryMs: c.EXECUTION_MARKET_CLOSED_RETRY,
      inlineDelayMaxMs: c.EXECUTION_INLINE_DELAY_MAX,
    },
    reduceVolumeOnNoMoney: c.EXECUTION_REDUCE_VOLUME_ON_NO_MONEY,
    noVolumeReductionAccounts: c.EXECUTION_NO_VOLUME_REDUCTION_ACCOUNTS ?? [],
    schedulerIntervalMs: c.EXECUTION_SCHEDULER_INTERVAL,
    reconcileRetryMs: c.EXECUTION_RECONCILE_RETRY,
    reconcileSettleMs: c.EXECUTION_RECONCILE_SETTLE,
    accountWaitMs: c.EXECUTION_ACCOUNT_WAIT,
    enrichFills: c.EXECUTION_ENRICH_FILLS,
    /** Bearer token of the operator API; the operator API answers 404 when unset. */
    operatorToken: c.EXECUTION_OPERATOR_TOKEN,
    trailing: { intervalMs: c.EXECUTION_TRAILING_INTERVAL, serverSide: c.EXECUTION_SERVER_SIDE_TRAILING },
    shutdownTimeoutMs: c.EXECUTION_SHUTDOWN_TIMEOUT,
    accountCatchUpTimeoutMs: c.EXECUTION_ACCOUNT_CATCH_UP_TIMEOUT,
    /** How fast the group notices a dead consumer (its partitions move to a live one). */
    kafkaSessionTimeoutMs: c.EXECUTION_KAFKA_SESSION_TIMEOUT,
    logLevel: c.LOG_LEVEL,
  }));

/** The execution service's configuration: typed, validated at boot (every violation at once), frozen. */
export type ExecutionConfig = DeepReadonly<z.output<typeof schema>>;

/** Reads the configuration from `env`; throws one ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExecutionConfig {
  return defineConfig(schema, env);
}

/** Prefix of the environment variables that hold broker credentials by secret reference (see SecretResolver). */
export const SECRET_ENV_PREFIX = 'EXECUTION_SECRET_';

/**
 * The risk service's configuration: read from the environment once at boot, every violation reported together,
 * frozen.
 */
import { bool, defineConfig, duration, int, list, port, str, url, type DeepReadonly } from '@tradebridge/observability';
import { z } from 'zod';

const FLEET_CAP = /^([A-Z0-9._-]+)=(\d+(\.\d+)?)$/;

const schema = z
  .object({
    DATABASE_URL: url({ protocols: ['postgres', 'postgresql'], default: 'postgres://postgres@127.0.0.1:5432/tradebridge' }),
    KAFKA_BROKERS: list({ default: ['127.0.0.1:9092'] }),
    SCHEMA_REGISTRY_URL: url({ default: 'http://127.0.0.1:8081/apis/ccompat/v7' }),
    KAFKA_TOPIC_PREFIX: str({ default: '' }),
    RISK_ENSURE_TOPICS: bool({ default: true }),
    RISK_CONSUMER_GROUP: str({ default: 'risk' }),
    RISK_HTTP_HOST: str({ default: '0.0.0.0' }),
    RISK_HTTP_PORT: port({ default: 3002, allowEphemeral: true }),
    RISK_RUN_MIGRATIONS: bool({ default: true }),
    RISK_DB_POOL_SIZE: int({ min: 1, max: 200, default: 10 }),
    RISK_CONSUMER_CONCURRENCY: int({ min: 1, max: 10_000, default: 256 }),
    RISK_DEFAULT_SIGNAL_TTL: duration({ min: '1s', max: '24h', default: 30_000 }),
    RISK_MAX_SYNC_AGE: duration({ min: '1s', max: '1h', default: 10_000 }),
    RISK_RESERVATION_TTL: duration({ min: '5s', max: '1h', default: 120_000 }),
    /** Fleet caps, e.g. `EURUSD=50,XAUUSD=10` (gross lots per canonical symbol across all accounts). */
    RISK_FLEET_CAPS: list({ default: [], item: (v) => (FLEET_CAP.test(v) ? undefined : `"${v}" is not SYMBOL=lots`) }),
    LOG_LEVEL: str({ default: 'info' }),
  })
  .transform((c) => {
    const fleetCaps: Record<string, number> = {};
    for (const item of c.RISK_FLEET_CAPS) {
      const m = FLEET_CAP.exec(item)!;
      fleetCaps[m[1]!] = Number(m[2]);
    }
    return {
      databaseUrl: c.DATABASE_URL,
      kafkaBrokers: c.KAFKA_BROKERS,
      schemaRegistryUrl: c.SCHEMA_REGISTRY_URL,
      topicPrefix: c.KAFKA_TOPIC_PREFIX,
      ensureTopics: c.RISK_ENSURE_TOPICS,
      consumerGroup: c.RISK_CONSUMER_GROUP,
      http: { host: c.RISK_HTTP_HOST, port: c.RISK_HTTP_PORT },
      runMigrations: c.RISK_RUN_MIGRATIONS,
      dbPoolSize: c.RISK_DB_POOL_SIZE,
      consumerConcurrency: c.RISK_CONSUMER_CONCURRENCY,
      decisions: {
        defaultSignalTtlMs: c.RISK_DEFAULT_SIGNAL_TTL,
        defaultMaxSyncAgeMs: c.RISK_MAX_SYNC_AGE,
        reservationTtlMs: c.RISK_RESERVATION_TTL,
        fleetCaps,
      },
      logLevel: c.LOG_LEVEL,
    };
  });

/** The risk service's configuration. */
export type RiskConfig = DeepReadonly<z.output<typeof schema>>;

/** Reads and validates the configuration, throwing a ConfigError that lists every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): RiskConfig {
  return defineConfig(schema, env);
}

import { bool, checkHostPort, defineConfig, int, list, oneOf, port, str, url } from '@tradebridge/observability';
import { z } from 'zod';

export { ConfigError } from '@tradebridge/observability';

const schema = z.object({
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'], default: 'postgres://postgres@127.0.0.1:5432/tradebridge' }),
  KAFKA_BROKERS: list({ item: checkHostPort, default: ['127.0.0.1:9092'] }),
  SCHEMA_REGISTRY_URL: url({ protocols: ['http', 'https'], default: 'http://127.0.0.1:8081/apis/ccompat/v7' }),
  KAFKA_TOPIC_PREFIX: str({ default: '' }).refine((v) => /^[A-Za-z0-9._-]*$/.test(v), 'letters, digits, . _ - only'),
  AUDIT_ENSURE_TOPICS: bool({ default: true }),
  AUDIT_CONSUMER_GROUP: str({ default: 'audit' }).refine((v) => /^[A-Za-z0-9._-]{1,200}$/.test(v), 'letters, digits, . _ - only'),
  AUDIT_HTTP_HOST: str({ default: '0.0.0.0' }),
  AUDIT_HTTP_PORT: port({ default: 3005, allowEphemeral: true }),
  AUDIT_BATCH_MAX_ROWS: int({ min: 1, max: 20_000, default: 2_000 }),
  AUDIT_PARTITIONS_CONCURRENCY: int({ min: 1, max: 256, default: 8 }),
  AUDIT_RUN_MIGRATIONS: bool({ default: true }),
  AUDIT_DB_POOL_SIZE: int({ min: 1, max: 200, default: 10 }),
  LOG_LEVEL: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, { default: 'info' }),
});

/** The audit service's configuration, validated once at boot and frozen. */
export interface AuditConfig {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  /** Prefix of physical topic names (tests isolate themselves with it); empty in production. */
  readonly topicPrefix: string;
  /** Create every topic and DLQ at boot when missing, so the subscription never fails on a missing topic. */
  readonly ensureTopics: boolean;
  /** The audit service's own consumer group. */
  readonly consumerGroup: string;
  readonly http: { readonly host: string; readonly port: number };
  /** Rows per insert transaction at most (the group commit merges partitions' batches up to this). */
  readonly batchMaxRows: number;
  readonly partitionsConcurrency: number;
  readonly runMigrations: boolean;
  readonly dbPoolSize: number;
  readonly logLevel: string;
}

/** Reads and validates the configuration from `env`, reporting every violation together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const c = defineConfig(schema, env);
  return Object.freeze({
    databaseUrl: c.DATABASE_URL,
    kafkaBrokers: c.KAFKA_BROKERS,
    schemaRegistryUrl: c.SCHEMA_REGISTRY_URL,
    topicPrefix: c.KAFKA_TOPIC_PREFIX,
    ensureTopics: c.AUDIT_ENSURE_TOPICS,
    consumerGroup: c.AUDIT_CONSUMER_GROUP,
    http: Object.freeze({ host: c.AUDIT_HTTP_HOST, port: c.AUDIT_HTTP_PORT }),
    batchMaxRows: c.AUDIT_BATCH_MAX_ROWS,
    partitionsConcurrency: c.AUDIT_PARTITIONS_CONCURRENCY,
    runMigrations: c.AUDIT_RUN_MIGRATIONS,
    dbPoolSize: c.AUDIT_DB_POOL_SIZE,
    logLevel: c.LOG_LEVEL,
  });
}

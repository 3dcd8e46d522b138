import { TOPIC_NAMES, createEventCodec, ensureTopics, type RegistryEventCodec, type TopicName } from '@tradebridge/contracts';
import { EventProducer, createKafkaClient, silentLogger } from '@tradebridge/messaging';
import { createLogger } from '@tradebridge/observability';
import { createFreshDatabase, testInfra, uniqueName, waitFor, type FreshDatabase } from '@tradebridge/devstack';
import type { Kafka, Producer } from 'kafkajs';
import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { countEvents } from '../adapters/postgres/events.repository';
import { loadConfig, type AuditConfig } from '../config';
import { startAuditService, type RunningAuditService } from '../service';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');
const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'contracts', 'fixtures');

/** The frozen v1 fixture of a topic as a fresh object, to override per test. */
export function fixture<T = Record<string, any>>(topic: TopicName): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, topic, 'v1.json'), 'utf8')) as T;
}

/**
 * A real audit service in-process against a fresh database, fresh topics (a unique prefix, 2 partitions each) and
 * the real registry, plus a producer that publishes real events through the contracts' codec.
 */
export class Harness {
  service!: RunningAuditService;
  config!: AuditConfig;

  private constructor(
    readonly database: FreshDatabase,
    readonly topicPrefix: string,
    readonly kafka: Kafka,
    readonly codec: RegistryEventCodec,
    readonly producer: EventProducer,
    readonly raw: Producer,
  ) {}

  static async start(): Promise<Harness> {
    const infra = testInfra();
    const database = await createFreshDatabase('audit_it');
    const topicPrefix = `${uniqueName('aud')}.`;
    const kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: 'audit-it', logger: silentLogger });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, [...TOPIC_NAMES], { prefix: topicPrefix, partitions: 2 });
    } finally {
      await admin.disconnect();
    }
    const codec = createEventCodec({ registryUrl: infra.schemaRegistryUrl, topicPrefix });
    await codec.registerAll();
    const producer = new EventProducer({ kafka, codec, logger: silentLogger });
    await producer.connect();
    const raw = kafka.producer({ idempotent: true });
    await raw.connect();
    const h = new Harness(database, topicPrefix, kafka, codec, producer, raw);
    await h.startService();
    return h;
  }

  /** Environment of the service under test. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const infra = testInfra();
    return {
      DATABASE_URL: this.database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      AUDIT_CONSUMER_GROUP: `${this.topicPrefix}audit`,
      AUDIT_HTTP_HOST: '127.0.0.1',
      AUDIT_HTTP_PORT: '0',
      LOG_LEVEL: 'error',
      ...extra,
    };
  }

  async startService(extra: Record<string, string> = {}): Promise<RunningAuditService> {
    this.config = loadConfig(this.env(extra));
    this.service = await startAuditService({
      config: this.config,
      registry: new Registry(),
      logger: createLogger({ serviceName: 'audit', level: 'silent' }),
      migrationsDir: MIGRATIONS_DIR,
    });
    return this.service;
  }

  get url(): string {
    return this.service.url;
  }

  topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  publish(topic: TopicName, key: string, value: object): Promise<unknown> {
    return this.producer.publish(this.topic(topic), key, value);
  }

  async count(): Promise<number> {
    return countEvents(this.service.db);
  }

  async waitForCount(n: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => (await this.count()) >= n, { timeoutMs, message: `${n} rows in audit.events` });
  }

  async query<T>(text: string): Promise<T[]> {
    const r = await sql.raw<T>(text).execute(this.service.db);
    return r.rows;
  }

  async get(pathName: string): Promise<{ status: number; body: any; contentType: string }> {
    const res = await fetch(`${this.url}${pathName}`);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body, contentType: res.headers.get('content-type') ?? '' };
  }

  async close(): Promise<void> {
    await this.service?.close().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.raw.disconnect().catch(() => undefined);
    await this.database.drop().catch(() => undefined);
  }
}

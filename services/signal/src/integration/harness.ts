import { TOPICS, createEventCodec, type RegistryEventCodec, type SignalGenerated } from '@tradebridge/contracts';
import { createKafkaClient, silentLogger } from '@tradebridge/messaging';
import { createLogger } from '@tradebridge/observability';
import { createFreshDatabase, testInfra, uniqueName, waitFor, type FreshDatabase } from '@tradebridge/devstack';
import type { Consumer, Kafka } from 'kafkajs';
import { sql } from 'kysely';
import path from 'node:path';
import type { EventPublisher } from '../application/outbox/outbox-relay';
import { createSource, type CreatedSource } from '../application/sources/source-directory';
import { loadConfig, type SignalConfig } from '../config';
import { startSignalService, type RunningSignalService } from '../service';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

/** Options of a test environment. */
export interface HarnessOptions {
  readonly env?: Record<string, string>;
  readonly wrapPublisher?: (publisher: EventPublisher) => EventPublisher;
  readonly startRelay?: boolean;
}

/**
 * A real signal service in-process against real PostgreSQL (a fresh database), real Kafka (a fresh topic prefix)
 * and the real schema registry, plus a consumer that reads signal.generated back through the registry codec.
 */
export class Harness {
  readonly events: Array<{ key: string; value: SignalGenerated; partition: number; offset: string }> = [];
  service!: RunningSignalService;
  config!: SignalConfig;
  private consumer: Consumer | null = null;

  private constructor(
    readonly database: FreshDatabase,
    readonly topicPrefix: string,
    readonly kafka: Kafka,
    readonly codec: RegistryEventCodec,
  ) {}

  get topic(): string {
    return `${this.topicPrefix}${TOPICS['signal.generated'].name}`;
  }

  get url(): string {
    return this.service.url;
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const infra = testInfra();
    const database = await createFreshDatabase('signal_it');
    const topicPrefix = `${uniqueName('sig')}.`;
    const kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: 'signal-it', logger: silentLogger });
    const codec = createEventCodec({ registryUrl: infra.schemaRegistryUrl, topicPrefix });
    const h = new Harness(database, topicPrefix, kafka, codec);
    await h.startService(options);
    await h.startConsumer();
    return h;
  }

  /** Starts (or restarts) the service on the same database and topics. */
  async startService(options: HarnessOptions = {}): Promise<RunningSignalService> {
    const infra = testInfra();
    this.config = loadConfig({
      DATABASE_URL: this.database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      SIGNAL_HTTP_HOST: '127.0.0.1',
      SIGNAL_HTTP_PORT: '0',
      SIGNAL_OUTBOX_POLL_INTERVAL_MS: '200',
      SIGNAL_SOURCE_CACHE_TTL_MS: '0',
      SIGNAL_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
      LOG_LEVEL: 'error',
      ...options.env,
    });
    this.service = await startSignalService({
      config: this.config,
      logger: createLogger({ serviceName: 'signal', level: 'silent' }),
      migrationsDir: MIGRATIONS_DIR,
      wrapPublisher: options.wrapPublisher,
      startRelay: options.startRelay,
    });
    return this.service;
  }

  private async startConsumer(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: uniqueName('signal-it-reader'), maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message, partition }) => {
        const decoded = await this.codec.decodeEvent('signal.generated', message.value as Buffer);
        this.events.push({ key: message.key?.toString('utf8') ?? '', value: decoded.value, partition, offset: message.offset });
      },
    });
  }

  /** Messages on the topic right now, from the broker's offsets (exact, without consuming). */
  async topicMessageCount(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Right after topic creation a partition may briefly have no leader; ask again until the broker answers.
      const offsets = await waitFor(() => admin.fetchTopicOffsets(this.topic), { timeoutMs: 15_000, message: 'topic offsets' });
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } finally {
      await admin.disconnect();
    }
  }

  async unpublishedCount(): Promise<number> {
    const r = await sql<{ n: string }>`select count(*) as n from signal.outbox where published_at is null`.execute(this.service.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async signalCount(): Promise<number> {
    const r = await sql<{ n: string }>`select count(*) as n from signal.trading_signals`.execute(this.service.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** Waits until the outbox is drained, then returns the exact number of messages on the topic. */
  async settledTopicCount(): Promise<number> {
    await waitFor(async () => (await this.unpublishedCount()) === 0, { timeoutMs: 20_000, message: 'outbox drained' });
    return this.topicMessageCount();
  }

  async waitForEvents(n: number): Promise<void> {
    await waitFor(() => this.events.length >= n, { timeoutMs: 20_000, message: `${n} events read back` });
  }

  createSource(input: { name?: string; allowedSymbols?: string[]; rateLimitPerMinute?: number } = {}): Promise<CreatedSource> {
    return createSource(this.service.db, {
      name: input.name ?? uniqueName('source'),
      allowedSymbols: input.allowedSymbols ?? ['*'],
      rateLimitPerMinute: input.rateLimitPerMinute ?? 100_000,
    });
  }

  /** POSTs a body (object -> JSON, string as is) and returns status, headers and parsed body. */
  async post(pathName: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    const isText = typeof body === 'string';
    const res = await fetch(`${this.url}${pathName}`, {
      method: 'POST',
      headers: { 'content-type': isText ? 'text/plain' : 'application/json', ...headers },
      body: isText ? body : JSON.stringify(body),
    });
    return toResult(res);
  }

  async get(pathName: string, headers: Record<string, string> = {}): Promise<HttpResult> {
    return toResult(await fetch(`${this.url}${pathName}`, { headers }));
  }

  async stop(): Promise<void> {
    await this.service.close();
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.service?.close().catch(() => undefined);
    await this.database.drop().catch(() => undefined);
  }
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly contentType: string;
}

async function toResult(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body, contentType: res.headers.get('content-type') ?? '' };
}

/** A fresh, valid open signal body. */
export function openBody(externalId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { action: 'open', externalId, symbol: 'EURUSD', direction: 'buy', stopLoss: 1.082, takeProfits: [1.09], ...extra };
}

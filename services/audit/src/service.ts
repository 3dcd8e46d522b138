import { TOPIC_NAMES, createEventCodec, ensureTopics, type EventCodec } from '@tradebridge/contracts';
import { createKafkaClient } from '@tradebridge/messaging';
import { ReadinessChecks, createLogger, type AppLogger, type Telemetry } from '@tradebridge/observability';
import { checkDatabase, createDb, migrateService, serviceMigrationsDir } from '@tradebridge/persistence';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { Counter, Histogram, Registry } from 'prom-client';
import { AuditConsumer } from './adapters/kafka/audit-consumer';
import { AUDIT_SCHEMA, type AuditDb } from './adapters/postgres/audit.table';
import { appendRecords } from './adapters/postgres/events.repository';
import { BatchWriter } from './application/ingest/batch-writer';
import { TraceQueries } from './application/trace/trace-queries';
import type { AuditConfig } from './config';
import { createAuditHttpApp } from './transport/http/audit-http.module';

export interface AuditServiceOptions {
  readonly config: AuditConfig;
  /** Metrics registry; a fresh one per instance by default so several instances can live in one test process. */
  readonly registry?: Registry;
  readonly logger?: AppLogger;
  /** Flushed when the service closes. */
  readonly telemetry?: Telemetry;
  /** Where migrations live (default: next to this module, as compiled or under Jest). */
  readonly migrationsDir?: string;
  /** Start consuming (default true); the trace API alone needs no consumer. */
  readonly consume?: boolean;
  /** Serve HTTP (default true). */
  readonly serveHttp?: boolean;
}

/** A running audit service. */
export interface RunningAuditService {
  readonly app: NestFastifyApplication | null;
  readonly db: Kysely<AuditDb>;
  readonly consumer: AuditConsumer | null;
  readonly registry: Registry;
  readonly url: string;
  close(): Promise<void>;
}

/** Brings the audit schema up to date (migrations run in one transaction, one replica at a time). */
export async function migrateAudit(config: AuditConfig, logger: AppLogger, migrationsDir?: string): Promise<void> {
  await migrateService({
    url: config.databaseUrl,
    schema: AUDIT_SCHEMA,
    migrationsDir: migrationsDir ?? serviceMigrationsDir(__dirname),
    log: (message) => logger.info({}, message),
  });
}

/** Creates every event topic and its DLQ when missing, so the audit subscription never fails on a missing topic. */
export async function ensureAuditTopics(config: AuditConfig): Promise<void> {
  const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: 'audit-service-admin' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Creating ~200 partitions at once can outlast the broker's metadata propagation on a loaded machine; the call is
    // idempotent, so ask again a few times before giving up.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await ensureTopics(admin, [...TOPIC_NAMES], { prefix: config.topicPrefix });
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 2_000 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Wires and starts the audit service: migrations, topics, the batched consumer on every topic (its own group), and
 * the trace API. close() stops consuming first (the batch in hand is written and committed), then HTTP, then the pool.
 */
export async function startAuditService(options: AuditServiceOptions): Promise<RunningAuditService> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ serviceName: 'audit', level: config.logLevel });
  const registry = options.registry ?? new Registry();
  registry.setDefaultLabels({ service: 'audit' });

  if (config.runMigrations) await migrateAudit(config, logger, options.migrationsDir);
  const db = createDb<AuditDb>({ url: config.databaseUrl, schema: AUDIT_SCHEMA, poolSize: config.dbPoolSize, applicationName: 'audit-service' });
  let consumer: AuditConsumer | null = null;
  let app: NestFastifyApplication | null = null;
  try {
    if (config.ensureTopics) await ensureAuditTopics(config);
    const stored = new Counter({ name: 'audit_events_stored_total', help: 'Rows appended to audit.events', registers: [registry] });
    const duplicates = new Counter({ name: 'audit_duplicates_total', help: 'Messages not stored because they were already (redelivery or duplicate event id)', registers: [registry] });
    const writeMs = new Histogram({
      name: 'audit_batch_write_ms',
      help: 'Time to append one batch to audit.events (one transaction), in milliseconds',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
      registers: [registry],
    });
    const batchRows = new Histogram({ name: 'audit_batch_rows', help: 'Messages per insert transaction', buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000], registers: [registry] });
    const writer = new BatchWriter((records) => appendRecords(db, records), config.batchMaxRows, (r) => {
      stored.inc(r.inserted);
      duplicates.inc(r.duplicates);
      writeMs.observe(r.ms);
      batchRows.observe(r.rows);
    });
    const readiness = new ReadinessChecks().register('database', () => checkDatabase(db));
    if (options.consume ?? true) {
      const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: 'audit-service', logger });
      const codec = createEventCodec({ registryUrl: config.schemaRegistryUrl, topicPrefix: config.topicPrefix, autoRegister: false });
      consumer = new AuditConsumer({
        kafka,
        groupId: config.consumerGroup,
        topicPrefix: config.topicPrefix,
        codec: codec as EventCodec,
        store: (records) => writer.submit(records),
        logger,
        partitionsConsumedConcurrently: config.partitionsConcurrency,
        maxChunkRows: Math.min(1_000, config.batchMaxRows),
      });
      const c = consumer;
      readiness.register('kafka-consumer', async () => {
        if (c.status !== 'running') throw new Error(`the audit consumer is ${c.status}`);
      });
      await consumer.start();
    }
    let url = '';
    if (options.serveHttp ?? true) {
      app = await createAuditHttpApp({
        queries: new TraceQueries(db),
        now: () => new Date(),
        registry,
        readiness,
        logger,
        ...(options.telemetry ? { telemetry: options.telemetry } : {}),
      });
      await app.listen(config.http.port, config.http.host);
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
      url = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${port}`;
      logger.info({ port, group: config.consumerGroup }, 'audit service listening');
    }
    const started = { app, consumer };
    return {
      app,
      db,
      consumer,
      registry,
      url,
      close: async () => {
        await started.consumer?.stop();
        await started.app?.close();
        await db.destroy();
      },
    };
  } catch (error) {
    await consumer?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    throw error;
  }
}

import { randomUUID } from 'node:crypto';
import { TOPICS, nowMicros } from '@tradebridge/contracts';
import { NestLoggerAdapter, ReadinessChecks, createLogger, type AppLogger, type Telemetry } from '@tradebridge/observability';
import { checkDatabase, createDb, migrateService, serviceMigrationsDir } from '@tradebridge/persistence';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { Counter, Histogram, Registry } from 'prom-client';
import { createKafkaPublisher } from './adapters/kafka/signal-publisher';
import { SIGNAL_SCHEMA, type SignalDb } from './adapters/postgres/signal.table';
import { OutboxRelay, type EventPublisher } from './application/outbox/outbox-relay';
import { TokenBucketRateLimiter } from './application/sources/rate-limiter';
import { SourceDirectory } from './application/sources/source-directory';
import type { SignalConfig } from './config';
import { AdminApi } from './transport/http/admin';
import { SignalIngest } from './transport/http/ingest';
import { createSignalHttpApp } from './transport/http/signal-http.module';

export interface SignalServiceOptions {
  readonly config: SignalConfig;
  /** Metrics registry; a fresh one per instance by default so several instances can live in one test process. */
  readonly registry?: Registry;
  /** The JSON logger (pino); a new one at the configured level when absent. */
  readonly logger?: AppLogger;
  /** Flushed when the service closes. */
  readonly telemetry?: Telemetry;
  /** Wraps the Kafka publisher (tests inject crashes between publish and mark). */
  readonly wrapPublisher?: (publisher: EventPublisher) => EventPublisher;
  /** Start the outbox relay (default true). */
  readonly startRelay?: boolean;
  /** Where migrations live (default: next to this module, as compiled or under Jest). */
  readonly migrationsDir?: string;
}

/** A running signal service. */
export interface RunningSignalService {
  readonly app: NestFastifyApplication;
  readonly db: Kysely<SignalDb>;
  readonly relay: OutboxRelay;
  readonly registry: Registry;
  readonly sources: SourceDirectory;
  /** Base URL the HTTP server listens on. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Wires and starts the signal service: migrations, schema registration, topics, the idempotent producer, the outbox
 * relay and the HTTP API. Everything a test needs to run the real service in-process.
 */
export async function startSignalService(options: SignalServiceOptions): Promise<RunningSignalService> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ serviceName: 'signal', level: config.logLevel });
  const registry = options.registry ?? new Registry();
  registry.setDefaultLabels({ service: 'signal' });

  if (config.runMigrations) {
    await migrateService({
      url: config.databaseUrl,
      schema: SIGNAL_SCHEMA,
      migrationsDir: options.migrationsDir ?? serviceMigrationsDir(__dirname),
      log: (message) => logger.info({}, message),
    });
  }
  const db = createDb<SignalDb>({ url: config.databaseUrl, schema: SIGNAL_SCHEMA, poolSize: config.dbPoolSize, applicationName: 'signal-service' });
  const kafkaPublisher = createKafkaPublisher({
    brokers: config.kafkaBrokers,
    schemaRegistryUrl: config.schemaRegistryUrl,
    topicPrefix: config.topicPrefix,
    ensureTopics: config.ensureTopics,
    registry,
    logger,
  });
  let app: NestFastifyApplication | null = null;
  let relay: OutboxRelay | null = null;
  try {
    await kafkaPublisher.connect().catch((error: unknown) =>
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'Kafka or the schema registry is unreachable; accepting signals, publishing later'),
    );

    const published = new Counter({ name: 'signal_events_published_total', help: 'signal.generated events acknowledged by the broker', registers: [registry] });
    const acceptedToAck = new Histogram({
      name: 'signal_accepted_to_ack_ms',
      help: 'Request arrival to broker acknowledgement of signal.generated, in milliseconds',
      buckets: [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
      registers: [registry],
    });
    relay = new OutboxRelay({
      db,
      publisher: options.wrapPublisher ? options.wrapPublisher(kafkaPublisher) : kafkaPublisher,
      logger,
      batchSize: config.outbox.batchSize,
      pollIntervalMs: config.outbox.pollIntervalMs,
      retryDelayMs: config.outbox.retryDelayMs,
      onPublished: (events, ackedAtUs) => {
        published.inc(events.length);
        for (const e of events) {
          const receivedAtUs = (e.payload as { receivedAtUs?: number }).receivedAtUs;
          if (typeof receivedAtUs === 'number') acceptedToAck.observe((ackedAtUs - receivedAtUs) / 1000);
        }
      },
    });

    const sources = new SourceDirectory(db, config.sourceCacheTtlMs);
    const ingest = new SignalIngest({
      db,
      sources,
      limiter: new TokenBucketRateLimiter(),
      waker: relay,
      validation: config.validation,
      newId: randomUUID,
      metrics: {
        outcomes: new Counter({ name: 'signal_requests_total', help: 'Signal submissions by channel and outcome', labelNames: ['channel', 'outcome'], registers: [registry] }),
        ingestDuration: new Histogram({
          name: 'signal_ingest_ms',
          help: 'Request arrival to signal stored (committed), in milliseconds',
          labelNames: ['channel'],
          buckets: [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
          registers: [registry],
        }),
      },
    });
    const relayRef = relay;
    app = await createSignalHttpApp({
      ingest,
      admin: new AdminApi(db, sources, config.adminToken),
      registry,
      // Readiness deliberately ignores Kafka: while the broker is down, signals are still accepted and stored, and
      // the outbox relay publishes them when it is back.
      readiness: new ReadinessChecks()
        .register('database', () => checkDatabase(db))
        .register('outbox-relay', async () => {
          if (!relayRef.running && options.startRelay !== false) throw new Error('the outbox relay is stopped');
        }),
      ...(options.telemetry ? { onShutdown: () => options.telemetry!.shutdown() } : {}),
      nestLogger: new NestLoggerAdapter(logger.child({ component: 'nest' })),
      bodyLimitBytes: config.http.bodyLimitBytes,
      reportError: (error, context) => logger.error({ error: error instanceof Error ? error.message : String(error), stack: (error as Error)?.stack }, context),
      nowMicros,
    });
    if (options.startRelay ?? true) relay.start();
    await app.listen(config.http.port, config.http.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    logger.info({ port, topic: `${config.topicPrefix}${TOPICS['signal.generated'].name}` }, 'signal service listening');

    const started = { app, relay, db };
    return {
      app,
      db,
      relay,
      registry,
      sources,
      url: `http://${host}:${port}`,
      close: async () => {
        await started.app.close();
        await started.relay.stop();
        await kafkaPublisher.close();
        await started.db.destroy();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await kafkaPublisher.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    throw error;
  }
}

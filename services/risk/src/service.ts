/**
 * Wires and starts the risk service: migrations, the default symbol catalog, schema registration and topics, the
 * idempotent producer, decisions a crash left unpublished, the Kafka consumer and the HTTP API. Everything a test
 * needs to run the real service in-process.
 */
import { createEventCodec, ensureTopics, intentId, type TopicName } from '@tradebridge/contracts';
import { ConsumerRunner, EventProducer, createKafkaClient, type EventCodec } from '@tradebridge/messaging';
import { createLogger, createMetricsRegistry, latencyHistogram, ReadinessChecks, type AppLogger } from '@tradebridge/observability';
import { checkDatabase, createDb, migrateService, serviceMigrationsDir, systemClock, type Clock } from '@tradebridge/persistence';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { KafkaRiskPublisher } from './adapters/kafka/kafka-publisher';
import type { RiskDB } from './adapters/postgres/risk.table';
import { publishPendingDecisions } from './application/decide-signal/decide-signal';
import type { DecisionSettings } from './application/ports';
import { seedDefaultSymbolSpecs } from './application/seed';
import type { RiskConfig } from './config';
import { createRiskHttpApp } from './transport/http/risk-http.module';
import { RISK_INPUT_TOPICS, riskEventHandler } from './transport/kafka/risk-event-handler';

export const RISK_SCHEMA = 'risk';

const OUTPUT_TOPICS: readonly TopicName[] = ['risk.approved', 'risk.rejected', 'risk.trading_state.changed', 'account.config'];

export interface RiskServiceOptions {
  readonly config: RiskConfig;
  readonly clock?: Clock;
  readonly logger?: AppLogger;
  readonly registry?: Registry;
  readonly migrationsDir?: string;
  /** Consume from Kafka (default true); the HTTP API works without. */
  readonly consume?: boolean;
}

export interface RunningRiskService {
  readonly app: NestFastifyApplication;
  readonly db: Kysely<RiskDB>;
  readonly url: string;
  readonly consumer: ConsumerRunner | null;
  close(): Promise<void>;
}

export async function startRiskService(options: RiskServiceOptions): Promise<RunningRiskService> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ serviceName: 'risk', level: config.logLevel });
  const registry = options.registry ?? createMetricsRegistry({ serviceName: 'risk' });

  if (config.runMigrations) {
    await migrateService({
      url: config.databaseUrl,
      schema: RISK_SCHEMA,
      migrationsDir: options.migrationsDir ?? serviceMigrationsDir(__dirname),
      log: (message) => logger.info({}, message),
    });
  }
  const db = createDb<RiskDB>({ url: config.databaseUrl, schema: RISK_SCHEMA, poolSize: config.dbPoolSize, applicationName: 'risk-service' });
  const closers: Array<() => Promise<void>> = [() => db.destroy()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((e: unknown) => logger.error({ error: String(e) }, 'close failed'));
  };
  try {
    await seedDefaultSymbolSpecs(db);
    const kafka = createKafkaClient({ brokers: [...config.kafkaBrokers], clientId: 'risk-service', logger });
    const codec = createEventCodec({ registryUrl: config.schemaRegistryUrl, topicPrefix: config.topicPrefix });
    await codec.registerAll([...OUTPUT_TOPICS, ...RISK_INPUT_TOPICS]);
    if (config.ensureTopics) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, [...OUTPUT_TOPICS, ...RISK_INPUT_TOPICS], { prefix: config.topicPrefix });
      } finally {
        await admin.disconnect();
      }
    }
    const producer = new EventProducer({ kafka, codec: codec as EventCodec, registry, logger });
    await producer.connect();
    closers.push(() => producer.disconnect());
    const publisher = new KafkaRiskPublisher(producer, db, config.topicPrefix, clock);
    const settings: DecisionSettings = {
      intentIdOf: (s, a) => intentId(s, a),
      fleetCaps: new Map(Object.entries(config.decisions.fleetCaps)),
      reservationTtlMs: config.decisions.reservationTtlMs,
      defaultSignalTtlMs: config.decisions.defaultSignalTtlMs,
      defaultMaxSyncAgeMs: config.decisions.defaultMaxSyncAgeMs,
    };
    const republished = await publishPendingDecisions({ db, publisher, clock });
    if (republished > 0) logger.warn({ republished }, 'published decisions a previous run left unpublished');

    let consumer: ConsumerRunner | null = null;
    if (options.consume ?? true) {
      const decideMs = latencyHistogram({ name: 'risk_decide_signal_ms', help: 'Signal consumed to decisions published, per signal', registry });
      const outcomes = new Counter({ name: 'risk_decisions_total', help: 'Decisions by outcome', labelNames: ['outcome'], registers: [registry] });
      consumer = new ConsumerRunner({
        kafka,
        groupId: config.consumerGroup,
        topics: RISK_INPUT_TOPICS.map((t) => `${config.topicPrefix}${t}`),
        // Messages handled at once: account syncs in flight together are stored as one batch (see riskEventHandler).
        maxConcurrency: config.consumerConcurrency,
        // Each account.synced is the account's whole state: when risk is behind, only the newest per account is stored.
        latestStateTopics: [`${config.topicPrefix}account.synced`],
        codec: codec as EventCodec,
        producer,
        registry,
        logger,
        handler: riskEventHandler({
          db,
          publisher,
          settings,
          clock,
          topicPrefix: config.topicPrefix,
          onDecided: (_id, approved, rejected, ms) => {
            decideMs.observe(ms);
            outcomes.inc({ outcome: 'approved' }, approved);
            outcomes.inc({ outcome: 'rejected' }, rejected);
          },
        }),
        onFatalError: (error) => logger.error({ error: String(error) }, 'risk consumer failed'),
      });
      await consumer.start();
      const running = consumer;
      closers.push(() => running.stop());
    }

    const readiness = new ReadinessChecks();
    readiness.register('database', () => checkDatabase(db));
    const app = await createRiskHttpApp(
      { db, publisher, clock, settings },
      { logger, registry, readiness, reportError: (error) => logger.error({ error: error instanceof Error ? error.message : String(error) }, 'unhandled HTTP error') },
    );
    await app.listen(config.http.port, config.http.host);
    closers.push(() => app.close());
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    logger.info({ port }, 'risk service listening');
    return { app, db, url: `http://${host}:${port}`, consumer, close };
  } catch (error) {
    await close();
    throw error;
  }
}

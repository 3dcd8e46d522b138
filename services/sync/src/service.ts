import { randomUUID } from 'node:crypto';
import { ConnectionManager, SecretResolver } from '@tradebridge/bridge';
import {
  TOPICS,
  createEventCodec,
  ensureTopics,
  eventHeaders,
  type EventCodec,
  type OrderPlaced,
  type OrderRejected,
  type PositionChanged,
  type TopicName,
} from '@tradebridge/contracts';
import { ConsumerRunner, EventProducer, createKafkaClient, jsonLogger, silentLogger, type MessagingLogger } from '@tradebridge/messaging';
import { ReadinessChecks, createHttpApp, createLogger, type Telemetry } from '@tradebridge/observability';
import { checkDatabase, createDb, migrateService, serviceMigrationsDir } from '@tradebridge/persistence';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { OwnershipConsumer } from './adapters/kafka/ownership-consumer';
import type { SyncAccountSettings } from './adapters/metatrader/account-settings';
import { loadSyncState, saveSyncStates } from './adapters/postgres/sync.repository';
import { SYNC_SCHEMA, type SyncDb } from './adapters/postgres/sync.table';
import { ExecutionEventsRecorder } from './application/execution-events/execution-events';
import { AlertMonitor } from './application/health/alert-monitor';
import { ConnectionMonitor } from './application/health/connection-monitor';
import { HealthRecorder } from './application/health/health-recorder';
import { AccountOwnership } from './application/ownership/ownership';
import { Reconciler } from './application/reconcile/reconciler';
import { createSyncMetrics } from './application/sync-account/metrics';
import { SyncEngine } from './application/sync-account/sync-engine';
import { SECRET_ENV_PREFIX, type SyncConfig } from './config';
import { SyncHttpModule } from './transport/http/sync-http.module';

/** Topics sync publishes. */
const PRODUCED: readonly TopicName[] = ['account.synced', 'account.connection.changed', 'account.discrepancy.detected', 'account.alert.raised'];
/** Topics sync consumes. */
const CONSUMED: readonly TopicName[] = ['account.config', 'execution.order.placed', 'execution.order.rejected', 'execution.position.changed'];

export interface SyncServiceOptions {
  readonly config: SyncConfig;
  /** Metrics registry; a fresh one per instance by default, so several replicas can live in one test process. */
  readonly registry?: Registry;
  readonly logger?: MessagingLogger;
  readonly telemetry?: Telemetry;
  /** Where migrations live (default: next to this module, compiled or under Jest). */
  readonly migrationsDir?: string;
  /** Names this replica in logs and account_sync_state.owner_instance (default a random UUID). */
  readonly instanceId?: string;
}

/** A running sync service replica. */
export interface RunningSyncService {
  readonly app: NestFastifyApplication;
  readonly db: Kysely<SyncDb>;
  readonly registry: Registry;
  readonly engine: SyncEngine;
  readonly ownership: AccountOwnership;
  readonly reconciler: Reconciler;
  readonly health: HealthRecorder;
  /** Every account's terminal connection (state, circuit breakers, call quality). */
  readonly connections: ConnectionManager;
  readonly url: string;
  readonly instanceId: string;
  /** Stops syncing, saves every account's state, leaves the group, then disconnects everything. */
  close(): Promise<void>;
}

/**
 * Wires and starts one sync replica: migrations, schemas, topics; the ownership consumer group on account.config
 * (which accounts this replica syncs); the sync engine (1 Hz per account, jittered, bounded, with deadlines); the
 * bridge's ConnectionManager (health states, reconnection with backoff) with its transitions published; the
 * execution-events recorder; reconciliation; bridge_health_metrics; alerts; and /healthz, /readyz, /metrics,
 * /v1/sync/status.
 */
export async function startSyncService(options: SyncServiceOptions): Promise<RunningSyncService> {
  const { config } = options;
  const instanceId = options.instanceId ?? randomUUID();
  const level = config.logLevel === 'trace' ? 'debug' : config.logLevel === 'fatal' || config.logLevel === 'silent' ? 'error' : config.logLevel;
  const logger = options.logger ?? (config.logLevel === 'silent' ? silentLogger : jsonLogger(level, 'sync-service'));
  const log = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string) => logger[level]({ instanceId, ...fields }, message);
  const registry = options.registry ?? new Registry();
  registry.setDefaultLabels({ service: 'sync' });
  if (!options.registry) collectDefaultMetrics({ register: registry });

  if (config.runMigrations) {
    await migrateService({ url: config.databaseUrl, schema: SYNC_SCHEMA, migrationsDir: options.migrationsDir ?? serviceMigrationsDir(__dirname), log: (m) => logger.info({}, m) });
  }
  const db = createDb<SyncDb>({ url: config.databaseUrl, schema: SYNC_SCHEMA, poolSize: config.dbPoolSize, applicationName: 'sync-service' });
  const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: `sync-service-${instanceId.slice(0, 8)}`, logger });
  const codec = createEventCodec({ registryUrl: config.schemaRegistryUrl, topicPrefix: config.topicPrefix });
  const producer = new EventProducer({ kafka, codec: codec as EventCodec, registry, logger });
  const physical = (t: TopicName) => `${config.topicPrefix}${t}`;
  const publish = <T extends TopicName>(topic: T, key: string, value: { meta: { eventId: string } }) =>
    producer.publish(physical(topic), key, value, eventHeaders({ typeName: TOPICS[topic].valueType, eventId: value.meta.eventId }));
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => log('warn', { error: (error as Error).message }, 'shutdown step failed'));
    stoppers.length = 0;
  };
  try {
    await codec.registerAll([...PRODUCED, ...CONSUMED]);
    const admin = kafka.admin();
    await admin.connect();
    stoppers.push(() => admin.disconnect());
    if (config.ensureTopics) await ensureTopics(admin, [...PRODUCED, ...CONSUMED], { prefix: config.topicPrefix });
    await producer.connect();
    stoppers.push(() => db.destroy());
    stoppers.push(() => producer.disconnect());

    // ---- bridge -------------------------------------------------------------------------------------------------
    const manager = new ConnectionManager({
      registry,
      heartbeatIntervalMs: config.bridge.heartbeatIntervalMs,
      reconnectBackoff: { initialMs: config.bridge.reconnectMinMs, maxMs: config.bridge.reconnectMaxMs, multiplier: 2, jitter: 'equal' },
      agent: { connectionsPerHost: Math.max(64, config.timing.maxConcurrency * 2) },
    });
    stoppers.push(() => manager.close());
    const secrets = new SecretResolver({ envPrefix: SECRET_ENV_PREFIX, secretsDir: config.bridge.secretsDir });
    const accountByBroker = new Map<string, string>();

    // ---- alerts, connection monitoring, sync engine ---------------------------------------------------------------
    const alerts = new AlertMonitor(config.alerts, (a) => publish('account.alert.raised', a.accountId || 'fleet', a), registry, (f, m) => log('warn', f, m));
    const metrics = createSyncMetrics(registry);
    const engine = new SyncEngine(
      config.timing,
      {
        connect: async (s: SyncAccountSettings) => {
          const token = secrets.resolve(s.credentialsSecretRef);
          accountByBroker.set(s.brokerAccountId, s.accountId);
          return manager.add({
            accountId: s.brokerAccountId,
            token,
            platform: s.platform,
            ...(s.region ? { region: s.region } : {}),
            ...(s.baseUrl ? { baseUrl: s.baseUrl } : {}),
            ...(s.failoverBaseUrl ? { secondaryBaseUrl: s.failoverBaseUrl } : {}),
            timeouts: { readMs: config.bridge.readTimeoutMs, tradeMs: config.bridge.readTimeoutMs },
          });
        },
        disconnect: (s) => {
          manager.remove(s.brokerAccountId);
          if (accountByBroker.get(s.brokerAccountId) === s.accountId) accountByBroker.delete(s.brokerAccountId);
          alerts.forget(s.accountId);
          connections.forget(s.accountId); // set below, before any account is added
        },
        loadState: (id) => loadSyncState(db, id),
        saveStates: (states) => saveSyncStates(db, states, instanceId),
        publishSynced: (e) => publish('account.synced', e.accountId, e),
        onSynced: (r) => {
          alerts.marginLevel(r.accountId, r.state.account.margin > 0 ? r.state.account.marginLevel : undefined, r.syncedAtMs);
          alerts.syncDelay(r.accountId, r.syncDelayMs, r.syncedAtMs);
        },
        now: Date.now,
        newEventId: randomUUID,
        log,
      },
      metrics,
    );
    const connections = new ConnectionMonitor(engine, (b) => accountByBroker.get(b), (e) => publish('account.connection.changed', e.accountId, e), alerts, randomUUID, Date.now, (f, m) => log('warn', f, m));
    manager.on('state', (t) => connections.onTransition(t));
    engine.start();
    connections.start();
    stoppers.push(async () => connections.stop());
    stoppers.push(() => engine.stop());

    // ---- what execution reported -----------------------------------------------------------------------------------
    const recorder = new ExecutionEventsRecorder(db);
    const executionRunner = new ConsumerRunner({
      kafka,
      groupId: `${config.groupId}.execution`,
      topics: [physical('execution.order.placed'), physical('execution.order.rejected'), physical('execution.position.changed')],
      codec: codec as EventCodec,
      producer,
      registry,
      logger,
      maxConcurrency: 32,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      heartbeatIntervalMs: Math.min(3_000, Math.floor(config.kafkaSessionTimeoutMs / 4)),
      handler: async (event) => {
        if (event.value === null) return;
        switch (event.topic) {
          case physical('execution.order.placed'):
            return recorder.onOrderPlaced(event.value as OrderPlaced);
          case physical('execution.order.rejected'):
            return recorder.onOrderRejected(event.value as OrderRejected);
          case physical('execution.position.changed'):
            return recorder.onPositionChanged(event.value as PositionChanged);
          default:
            return;
        }
      },
    });
    await executionRunner.start();
    stoppers.push(() => executionRunner.stop());

    // ---- reconciliation, health -------------------------------------------------------------------------------------
    const reconciler = new Reconciler({
      db,
      engine,
      publish: (e) => publish('account.discrepancy.detected', e.accountId, e),
      registry,
      intervalMs: config.reconcile.intervalMs,
      graceMs: config.reconcile.graceMs,
      maxSnapshotAgeMs: Math.max(3 * config.timing.intervalMs, 3_000),
      now: Date.now,
      log,
    });
    const health = new HealthRecorder({ db, engine, alerts, intervalMs: config.health.intervalMs, executionWindowMs: config.health.executionWindowMs, now: Date.now, log });
    reconciler.start();
    health.start();
    stoppers.push(() => health.stop());
    stoppers.push(() => reconciler.stop());

    // ---- ownership: which accounts are ours --------------------------------------------------------------------------
    const ownership = new AccountOwnership(engine);
    let fatal: unknown;
    const ownershipConsumer = new OwnershipConsumer({
      kafka,
      groupId: `${config.groupId}.accounts`,
      topic: physical('account.config'),
      codec: codec as EventCodec,
      ownership,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      heartbeatIntervalMs: Math.max(500, Math.floor(config.kafkaSessionTimeoutMs / 10)),
      log,
      onFatal: (error) => {
        fatal = error;
        log('error', { error: (error as Error).message }, 'ownership consumer failed for good: this replica syncs nothing');
      },
    });
    await ownershipConsumer.start();
    // First in the shutdown order: stop polling, save state, leave the group so the other replicas take over at once.
    stoppers.push(() => ownershipConsumer.stop(() => engine.persist()));

    // ---- HTTP ---------------------------------------------------------------------------------------------------------
    const readiness = new ReadinessChecks()
      .register('database', () => checkDatabase(db))
      .register('ownership', async () => {
        if (!ownershipConsumer.running || fatal) throw new Error('account ownership consumer not running');
      })
      .register('execution-events', async () => {
        if (executionRunner.status !== 'running') throw new Error(`execution events consumer is ${executionRunner.status}`);
      });
    const status = {
      status: () => ({
        instanceId,
        partitions: ownership.partitions(),
        accounts: engine.ids().map((id) => {
          const rt = engine.runtime(id)!;
          return {
            accountId: id,
            active: rt.active,
            connection: engine.connection(id)?.state ?? 'DISCONNECTED',
            sequence: rt.sequence,
            lastSyncedAt: rt.lastSyncedAtMs !== undefined ? new Date(rt.lastSyncedAtMs).toISOString() : null,
            lastSyncDelayMs: rt.lastSyncDelayMs ?? null,
            lastError: rt.lastError ?? null,
          };
        }),
      }),
    };
    const app = await createHttpApp(SyncHttpModule.forRoot(status, stopAll), {
      serviceName: 'sync',
      logger: createLogger({ serviceName: 'sync', level: config.logLevel }),
      readiness,
      registry,
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    });
    await app.listen(config.http.port, config.http.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    log('info', { port, topic: physical('account.config') }, 'sync service listening');
    let closing: Promise<void> | undefined;
    return {
      app,
      db,
      registry,
      engine,
      ownership,
      reconciler,
      health,
      connections: manager,
      url: `http://${host}:${port}`,
      instanceId,
      close: () => {
        closing ??= (async () => {
          await stopAll();
          await app.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

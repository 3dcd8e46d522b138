import { randomUUID } from 'node:crypto';
import { ConnectionManager, SecretResolver } from '@tradebridge/bridge';
import {
  TOPICS,
  createEventCodec,
  ensureTopics,
  eventHeaders,
  nowMicros,
  type AccountConfigured,
  type EventCodec,
  type OrderIntentApproved,
  type TopicName,
} from '@tradebridge/contracts';
import { ConsumerRunner, EventProducer, PermanentError, createKafkaClient, jsonLogger, type MessagingLogger } from '@tradebridge/messaging';
import { ReadinessChecks, createHttpApp, createLogger, type Telemetry } from '@tradebridge/observability';
import { checkDatabase, createDb, migrateService, serviceMigrationsDir } from '@tradebridge/persistence';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './domain/strategy';
import { EXECUTION_SCHEMA, type ExecutionDb } from './adapters/postgres/execution.table';
import { loadFlags, unflagAccount } from './adapters/postgres/orders.repository';
import { TerminalPool } from './adapters/metatrader/terminal-pool';
import { AccountDirectory } from './application/accounts/account-directory';
import { AccountFlags, IntentExecutor, InvalidIntentError } from './application/execute-intent/intent-executor';
import { AccountGate, MarketData, createExecutionMetrics, type EventSink } from './application/execute-intent/support';
import { createManageHandler } from './application/manage-positions/manage-positions';
import { OperatorApi } from './application/operator/operator-api';
import { RetryScheduler } from './application/scheduler/retry-scheduler';
import { TrailingStopKeeper } from './application/trailing/trailing-stops';
import { SECRET_ENV_PREFIX, type ExecutionConfig } from './config';
import { OperatorModule } from './transport/http/operator.controller';

/** Topics execution publishes. */
const PRODUCED: readonly TopicName[] = ['execution.order.placed', 'execution.order.rejected', 'execution.position.changed', 'execution.attempt.recorded'];
/** Topics execution consumes. */
const CONSUMED: readonly TopicName[] = ['risk.approved', 'account.config'];

export interface ExecutionServiceOptions {
  readonly config: ExecutionConfig;
  /** Metrics registry; a fresh one per instance by default, so several instances can live in one test process. */
  readonly registry?: Registry;
  readonly logger?: MessagingLogger;
  readonly telemetry?: Telemetry;
  /** Where migrations live (default: next to this module, compiled or under Jest). */
  readonly migrationsDir?: string;
  /** Identifies this process in lease_owner (default a random UUID). */
  readonly instanceId?: string;
}

/** A running execution service. */
export interface RunningExecutionService {
  readonly app: NestFastifyApplication;
  readonly db: Kysely<ExecutionDb>;
  readonly registry: Registry;
  readonly executor: IntentExecutor;
  readonly scheduler: RetryScheduler;
  readonly accounts: AccountDirectory;
  readonly url: string;
  readonly instanceId: string;
  /** Drains in-flight intents, commits offsets, then disconnects everything. */
  close(): Promise<void>;
}

/**
 * Wires and starts the execution service: migrations, schemas, topics, the account view from account.config (read
 * up to date before any intent is handled), the risk.approved consumer (key-ordered: accounts in parallel, one
 * account in order), the scheduler, trailing stops and the HTTP API (/healthz, /readyz, /metrics, operator API).
 */
export async function startExecutionService(options: ExecutionServiceOptions): Promise<RunningExecutionService> {
  const { config } = options;
  const instanceId = options.instanceId ?? randomUUID();
  const logger = options.logger ?? jsonLogger(config.logLevel === 'debug' || config.logLevel === 'trace' ? 'debug' : 'info', 'execution-service');
  const registry = options.registry ?? new Registry();
  registry.setDefaultLabels({ service: 'execution' });
  if (!options.registry) collectDefaultMetrics({ register: registry });

  if (config.runMigrations) {
    await migrateService({ url: config.databaseUrl, schema: EXECUTION_SCHEMA, migrationsDir: options.migrationsDir ?? serviceMigrationsDir(__dirname), log: (m) => logger.info({}, m) });
  }
  const db = createDb<ExecutionDb>({ url: config.databaseUrl, schema: EXECUTION_SCHEMA, poolSize: config.dbPoolSize, applicationName: 'execution-service' });
  // The record before each send gets its own connections: it is on the latency path, bookkeeping is not.
  const hotDb = createDb<ExecutionDb>({ url: config.databaseUrl, schema: EXECUTION_SCHEMA, poolSize: config.dbPoolSize, applicationName: 'execution-service-hot' });
  // Attempt rows, publication marks and final states: a database crash may lose the last of them without harm
  // (reconciliation with the terminal restores them), so their commits do not wait for the WAL flush.
  const lazyDb = createDb<ExecutionDb>({ url: config.databaseUrl, schema: EXECUTION_SCHEMA, poolSize: Math.max(2, Math.ceil(config.dbPoolSize / 2)), applicationName: 'execution-service-lazy', synchronousCommit: 'off' });
  const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: 'execution-service', logger });
  const codec = createEventCodec({ registryUrl: config.schemaRegistryUrl, topicPrefix: config.topicPrefix });
  const producer = new EventProducer({ kafka, codec: codec as EventCodec, registry, logger });
  const physical = (t: string) => `${config.topicPrefix}${t}`;
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => logger.warn({ error: (error as Error).message }, 'shutdown step failed'));
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
    stoppers.push(() => hotDb.destroy());
    stoppers.push(() => lazyDb.destroy());
    stoppers.push(() => producer.disconnect());

    const sink: EventSink = {
      publish: (e) => {
        const value = e.value as { meta: { eventId: string } };
        return producer.publish(physical(e.topic), e.key, e.value, eventHeaders({ typeName: TOPICS[e.topic].valueType, eventId: value.meta.eventId }));
      },
    };

    // ---- bridge -------------------------------------------------------------------------------------------------
    const manager = new ConnectionManager({ registry, heartbeatIntervalMs: config.bridge.heartbeatIntervalMs, agent: { connectionsPerHost: Math.max(256, config.concurrency.global * 2) } });
    const terminals = new TerminalPool({
      manager,
      secrets: new SecretResolver({ envPrefix: SECRET_ENV_PREFIX, secretsDir: config.bridge.secretsDir }),
      tradeTimeoutMs: config.bridge.tradeTimeoutMs,
      readTimeoutMs: config.bridge.readTimeoutMs,
      confirmFills: config.bridge.confirmFills,
      historyLookbackMs: 24 * 60 * 60_000,
    });
    stoppers.push(() => terminals.close());

    // ---- account view -------------------------------------------------------------------------------------------
    const accounts = new AccountDirectory();
    const flags = new AccountFlags();
    for (const f of await loadFlags(db)) flags.set(f.account_id, `${f.platform_code_id ?? ''} ${f.reason}`.trim(), Number.MAX_SAFE_INTEGER);
    let accountsReady = false;
    accounts.onChange((accountId, view, previous) => {
      if (!view) {
        terminals.drop(accountId);
        return;
      }
      if (previous && flags.clearIfNewer(accountId, view.configVersion)) {
        void unflagAccount(db, accountId).catch(() => undefined);
        logger.info({ accountId, configVersion: view.configVersion }, 'account unflagged by a newer configuration');
      }
      if (view.enabled && accountsReady) terminals.prewarm(view);
    });
    // Flags loaded from the table carry no version: the first configuration after boot sets their baseline.
    accounts.onChange((accountId, view) => {
      if (view && flags.has(accountId)) {
        const reason = flags.reason(accountId) ?? '';
        if (!accountsReady) flags.set(accountId, reason, view.configVersion);
      }
    });
    const seen = new Map<number, bigint>();
    const accountTopic = physical('account.config');
    const accountRunner = new ConsumerRunner({
      kafka,
      groupId: `${config.groupId}.accounts.${instanceId}`,
      topics: [accountTopic],
      codec: codec as EventCodec,
      producer,
      registry,
      logger,
      maxConcurrency: 16,
      handler: async (event) => {
        accounts.apply(event.key, event.value as AccountConfigured | null);
        const offset = BigInt(event.offset);
        if ((seen.get(event.partition) ?? -1n) < offset) seen.set(event.partition, offset);
      },
    });
    await accountRunner.start();
    stoppers.push(() => accountRunner.stop());
    const ends = await admin.fetchTopicOffsets(accountTopic);
    const catchUpUntil = Date.now() + config.accountCatchUpTimeoutMs;
    const caughtUp = () => ends.every((p) => BigInt(p.high) <= BigInt(p.low) || (seen.get(p.partition) ?? -1n) >= BigInt(p.high) - 1n);
    while (!caughtUp() && Date.now() < catchUpUntil) await new Promise((r) => setTimeout(r, 20));
    if (!caughtUp()) logger.warn({ accounts: accounts.size }, 'account.config not fully read before the timeout; starting anyway');
    accountsReady = true;
    logger.info({ accounts: accounts.size }, 'account view loaded from account.config');
    // Connect every enabled account now, so no first order pays for opening its connection.
    for (const view of accounts.views()) if (view.enabled) terminals.prewarm(view);

    // ---- execution ----------------------------------------------------------------------------------------------
    const metrics = createExecutionMetrics(registry);
    const market = new MarketData(Date.now);
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...config.retry };
    const noReduction = new Set(config.noVolumeReductionAccounts);
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    // Management runs inside the executor and calls back into it (attempts, transitions).
    const ref: { executor?: IntentExecutor } = {};
    const manage = createManageHandler({ db, market, policy, nowUs: nowMicros, sleep, serverSideTrailing: config.trailing.serverSide }, () => ref.executor!);
    const executor = new IntentExecutor(
      {
        db,
        hotDb,
        lazyDb,
        accounts,
        terminals,
        sink,
        market,
        gate: new AccountGate(config.concurrency.perAccount),
        metrics,
        logger,
        policy,
        instanceId,
        nowUs: nowMicros,
        sleep,
        leaseMs: config.leaseMs,
        reconcileRetryMs: config.reconcileRetryMs,
        reconcileSettleMs: config.reconcileSettleMs,
        accountWaitMs: config.accountWaitMs,
        canReduceVolume: (accountId) => config.reduceVolumeOnNoMoney && !noReduction.has(accountId),
        enrichFills: config.enrichFills,
        manage,
      },
      flags,
    );
    ref.executor = executor;
    const exec = executor;
    const scheduler = new RetryScheduler({ db, executor: exec, logger, pollIntervalMs: config.schedulerIntervalMs, leaseMs: config.leaseMs, concurrency: 32 });
    const trailing = new TrailingStopKeeper({ db, accounts, terminals, market, logger, intervalMs: config.trailing.intervalMs });

    let consuming = false;
    const approvedRunner = new ConsumerRunner({
      kafka,
      groupId: config.groupId,
      topics: [physical('risk.approved')],
      codec: codec as EventCodec,
      producer,
      registry,
      logger,
      maxConcurrency: config.concurrency.global,
      maxBufferedMessages: Math.max(1000, config.concurrency.global * 4),
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      maxWaitTimeMs: 100,
      sessionTimeoutMs: config.kafkaSessionTimeoutMs,
      heartbeatIntervalMs: Math.min(3_000, Math.floor(config.kafkaSessionTimeoutMs / 4)),
      retry: { maxAttempts: 8, initialDelayMs: 200, maxDelayMs: 5_000 },
      handler: async (event) => {
        if (event.value === null) return;
        const receivedAtUs = nowMicros();
        try {
          await exec.onApproved(event.value as OrderIntentApproved, receivedAtUs);
        } catch (error) {
          if (error instanceof InvalidIntentError) throw new PermanentError(error.message, { cause: error });
          throw error;
        }
      },
    });
    scheduler.start();
    trailing.start();
    stoppers.push(() => trailing.stop());
    stoppers.push(() => scheduler.stop());
    await approvedRunner.start();
    consuming = true;
    stoppers.push(async () => {
      consuming = false;
      await approvedRunner.stop();
    });

    // ---- HTTP -------------------------------------------------------------------------------------------------
    const readiness = new ReadinessChecks()
      .register('database', () => checkDatabase(db))
      .register('accounts', async () => {
        if (!accountsReady) throw new Error('account.config not loaded yet');
      })
      .register('consumer', async () => {
        if (!consuming) throw new Error('risk.approved consumer not running');
      });
    const app = await createHttpApp(OperatorModule.forRoot(new OperatorApi(db, exec, config.operatorToken), stopAll), {
      serviceName: 'execution',
      logger: createLogger({ serviceName: 'execution', level: config.logLevel }),
      readiness,
      registry,
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    });
    await app.listen(config.http.port, config.http.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    logger.info({ port, instanceId, topic: physical('risk.approved') }, 'execution service listening');
    let closing: Promise<void> | undefined;
    return {
      app,
      db,
      registry,
      executor: exec,
      scheduler,
      accounts,
      url: `http://${host}:${port}`,
      instanceId,
      close: () => {
        closing ??= (async () => {
          // Drain first: in-flight intents finish and their offsets are committed; then the rest goes down.
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

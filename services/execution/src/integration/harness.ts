import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createEventCodec,
  ensureTopics,
  intentId as intentIdOf,
  nowMicros,
  type AccountConfigured,
  type EventCodec,
  type OrderIntentApproved,
  type OrderPlaced,
  type OrderRejected,
  type PositionChanged,
  type RegistryEventCodec,
  type TopicName,
} from '@tradebridge/contracts';
import { secretEnvName } from '@tradebridge/bridge';
import { EventProducer, createKafkaClient, silentLogger } from '@tradebridge/messaging';
import { createFreshDatabase, testInfra, uniqueName, waitFor, type FreshDatabase } from '@tradebridge/devstack';
import { startSimulator, type AccountInput, type RunningSimulator } from '@tradebridge/mt-sim';
import type { Consumer, Kafka } from 'kafkajs';
import { SECRET_ENV_PREFIX, loadConfig } from '../config';
import { startExecutionService, type RunningExecutionService } from '../service';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');
const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'contracts', 'fixtures');
const fixture = <T>(topic: string): T => JSON.parse(readFileSync(path.join(FIXTURES, topic, 'v1.json'), 'utf8')) as T;

/** A result event read back from Kafka, in arrival order. */
export interface Received {
  readonly topic: TopicName;
  readonly seq: number;
  readonly value: OrderPlaced | OrderRejected | PositionChanged;
}

/** One account of a test: our id, the simulator's id and its token. */
export interface TestAccount {
  readonly accountId: string;
  readonly simId: string;
  readonly token: string;
}

const RESULT_TOPICS: readonly TopicName[] = ['execution.order.placed', 'execution.order.rejected', 'execution.position.changed'];

/**
 * A real execution service against real PostgreSQL (fresh database), real Kafka (fresh topic prefix), the real
 * registry and the broker simulator over HTTP. Intents and account configurations are produced with the contracts'
 * codec; results are read back from the execution topics.
 */
export class ExecHarness {
  readonly results: Received[] = [];
  service: RunningExecutionService | undefined;
  private consumer: Consumer | undefined;
  private seq = 0;
  private configVersion = 1;

  private constructor(
    readonly sim: RunningSimulator,
    readonly database: FreshDatabase,
    readonly topicPrefix: string,
    readonly kafka: Kafka,
    readonly codec: RegistryEventCodec,
    readonly producer: EventProducer,
    readonly groupId: string,
  ) {}

  static async start(): Promise<ExecHarness> {
    const infra = testInfra();
    const sim = await startSimulator({ port: 0, seed: 7, clock: 'manual' });
    const database = await createFreshDatabase('execution_it');
    const topicPrefix = `${uniqueName('exe')}.`;
    const kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: 'execution-it', logger: silentLogger });
    const codec = createEventCodec({ registryUrl: infra.schemaRegistryUrl, topicPrefix });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, ['risk.approved', 'account.config', ...RESULT_TOPICS, 'execution.attempt.recorded'], { prefix: topicPrefix });
    await admin.disconnect();
    const producer = new EventProducer({ kafka, codec: codec as EventCodec, logger: silentLogger });
    await producer.connect();
    const h = new ExecHarness(sim, database, topicPrefix, kafka, codec, producer, uniqueName('execution'));
    await h.startReader();
    return h;
  }

  /** Environment of the service under test (also used for the child process). */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const infra = testInfra();
    return {
      DATABASE_URL: this.database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      EXECUTION_GROUP_ID: this.groupId,
      EXECUTION_HTTP_HOST: '127.0.0.1',
      EXECUTION_HTTP_PORT: '0',
      EXECUTION_TRADE_TIMEOUT: '2s',
      EXECUTION_READ_TIMEOUT: '2s',
      EXECUTION_LEASE: '3s',
      EXECUTION_SCHEDULER_INTERVAL: '100ms',
      EXECUTION_RECONCILE_RETRY: '300ms',
      EXECUTION_RECONCILE_SETTLE: '100ms',
      EXECUTION_OPERATOR_TOKEN: 'operator-token-0123456789abcdef',
      LOG_LEVEL: 'silent',
      ...extra,
    };
  }

  async startService(extra: Record<string, string> = {}): Promise<RunningExecutionService> {
    this.service = await startExecutionService({ config: loadConfig(this.env(extra)), logger: silentLogger, migrationsDir: MIGRATIONS_DIR });
    return this.service;
  }

  async stopService(): Promise<void> {
    await this.service?.close();
    this.service = undefined;
  }

  /** Creates accounts on the simulator and publishes their configuration on account.config. */
  async addAccounts(specs: ReadonlyArray<Partial<AccountInput> & { simId: string }>): Promise<TestAccount[]> {
    const accounts = specs.map((s) => ({ accountId: randomUUID(), simId: s.simId, token: s.token ?? `tok-${s.simId}` }));
    await this.sim.admin.createAccounts(specs.map((s, i) => ({ ...s, id: s.simId, token: accounts[i]!.token })));
    for (const a of accounts) {
      process.env[secretEnvName(SECRET_ENV_PREFIX, `sim/${a.simId}`)] = a.token;
      await this.publishAccount(a);
    }
    return accounts;
  }

  async publishAccount(a: TestAccount, over: Partial<AccountConfigured> = {}): Promise<void> {
    const base = fixture<AccountConfigured>('account.config');
    const value: AccountConfigured = {
      ...base,
      meta: { ...base.meta, eventId: randomUUID(), occurredAtUs: nowMicros() },
      accountId: a.accountId,
      bridge: { kind: 'BRIDGE_KIND_SIMULATOR', metaapiAccountId: a.simId, region: '', baseUrl: this.sim.url, failoverBaseUrl: '', credentialsSecretRef: `sim/${a.simId}` },
      configVersion: this.configVersion++,
      ...over,
    };
    await this.producer.publish(`${this.topicPrefix}account.config`, a.accountId, value);
  }

  /** An approved OPEN market intent (buy 0.1 EURUSD, 60 s deadline) for the account, with overrides. */
  intent(account: TestAccount, over: Partial<OrderIntentApproved> = {}): OrderIntentApproved {
    const base = fixture<OrderIntentApproved>('risk.approved');
    const signalId = over.signalId ?? randomUUID();
    const now = nowMicros();
    const { entryPrice: _e, stopLoss: _s, takeProfit: _t, orderExpiresAtUs: _o, ...rest } = base;
    return {
      ...rest,
      meta: { ...base.meta, eventId: randomUUID(), correlationId: signalId, occurredAtUs: now },
      intentId: intentIdOf(signalId, account.accountId, over.leg ?? 0),
      signalId,
      accountId: account.accountId,
      kind: 'INTENT_KIND_OPEN',
      platform: 'PLATFORM_MT5',
      signalSymbol: 'EURUSD',
      brokerSymbol: 'EURUSD',
      side: 'SIDE_BUY',
      orderType: 'ORDER_TYPE_MARKET',
      volume: 0.1,
      maxSlippagePoints: 20,
      deadlineAtUs: now + 60_000_000,
      targetIntentIds: [],
      targets: [],
      signalAcceptedAtUs: now,
      decidedAtUs: now,
      comment: 'it',
      magicNumber: 0,
      ...over,
    };
  }

  async approve(intent: OrderIntentApproved): Promise<void> {
    await this.producer.publish(`${this.topicPrefix}risk.approved`, intent.accountId, intent);
  }

  resultsOf(intentId: string): Received[] {
    return this.results.filter((r) => r.value.intentId === intentId);
  }

  /** Waits for the first result event of each intent and returns them in the same order as the ids. */
  async waitForResults(intentIds: readonly string[], timeoutMs = 30_000): Promise<Received[]> {
    await waitFor(() => intentIds.every((id) => this.results.some((r) => r.value.intentId === id)), { timeoutMs, message: `results of ${intentIds.length} intents` });
    return intentIds.map((id) => this.results.find((r) => r.value.intentId === id)!);
  }

  async ledgerCount(simId: string, intentId?: string): Promise<{ received: number; executed: number }> {
    const { clientIdFor } = await import('@tradebridge/bridge');
    return this.sim.admin.ledgerCount({ accountId: simId, ...(intentId ? { clientId: clientIdFor(intentId) } : {}) });
  }

  async rows(sql: string, params: unknown[] = []): Promise<any[]> {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: this.database.url });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end();
    }
  }

  private async startReader(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: uniqueName('execution-it-reader'), maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: RESULT_TOPICS.map((t) => `${this.topicPrefix}${t}`), fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const logical = topic.slice(this.topicPrefix.length) as TopicName;
        const decoded = await this.codec.decode(topic, message.value as Buffer);
        this.results.push({ topic: logical, seq: this.seq++, value: decoded.value });
      },
    });
  }

  async close(): Promise<void> {
    await this.service?.close().catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.sim.close().catch(() => undefined);
    await this.database.drop().catch(() => undefined);
  }
}

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MetaApiTerminal, secretEnvName } from '@tradebridge/bridge';
import {
  createEventCodec,
  ensureTopics,
  nowMicros,
  type AccountConfigured,
  type EventCodec,
  type RegistryEventCodec,
  type TopicName,
} from '@tradebridge/contracts';
import { EventProducer, createKafkaClient, silentLogger } from '@tradebridge/messaging';
import { createFreshDatabase, testInfra, uniqueName, type FreshDatabase } from '@tradebridge/devstack';
import { startSimulator, type AccountInput, type RunningSimulator } from '@tradebridge/mt-sim';
import type { Consumer, Kafka } from 'kafkajs';
import { SECRET_ENV_PREFIX, loadConfig } from '../config';
import { startSyncService, type RunningSyncService } from '../service';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');
const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'contracts', 'fixtures');

/** A fixture payload of a topic (libs/contracts/fixtures/<topic>/v1.json). */
export const fixture = <T>(topic: string): T => JSON.parse(readFileSync(path.join(FIXTURES, topic, 'v1.json'), 'utf8')) as T;

/** An event read back from one of the topics sync produces. */
export interface Received {
  readonly topic: TopicName;
  readonly key: string;
  readonly value: any;
}

/** One account of a test: our id (a UUID), the simulator's id and its token. */
export interface TestAccount {
  readonly accountId: string;
  readonly simId: string;
  readonly token: string;
}

const OUTPUT_TOPICS: readonly TopicName[] = ['account.synced', 'account.connection.changed', 'account.discrepancy.detected', 'account.alert.raised'];
const INPUT_TOPICS: readonly TopicName[] = ['account.config', 'execution.order.placed', 'execution.order.rejected', 'execution.position.changed'];

/**
 * Real sync replicas against real PostgreSQL (a fresh database), real Kafka (a fresh topic prefix), the real registry
 * and the broker simulator over HTTP (manual market clock). Account configurations and execution events are produced
 * with the contracts' codec; everything sync publishes is read back from Kafka.
 */
export class SyncHarness {
  readonly received: Received[] = [];
  readonly services: RunningSyncService[] = [];
  private consumer: Consumer | undefined;
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

  static async start(): Promise<SyncHarness> {
    const infra = testInfra();
    const sim = await startSimulator({ port: 0, seed: 11, clock: 'manual' });
    const database = await createFreshDatabase('sync_it');
    const topicPrefix = `${uniqueName('syn')}.`;
    const kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: 'sync-it', logger: silentLogger });
    const codec = createEventCodec({ registryUrl: infra.schemaRegistryUrl, topicPrefix });
    await codec.registerAll([...OUTPUT_TOPICS, ...INPUT_TOPICS]);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [...OUTPUT_TOPICS, ...INPUT_TOPICS], { prefix: topicPrefix });
    await admin.disconnect();
    const producer = new EventProducer({ kafka, codec: codec as EventCodec, logger: silentLogger });
    await producer.connect();
    const h = new SyncHarness(sim, database, topicPrefix, kafka, codec, producer, uniqueName('sync'));
    await h.startReader();
    return h;
  }

  /** Environment of a replica under test: fast intervals so tests count cycles quickly. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const infra = testInfra();
    return {
      DATABASE_URL: this.database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      SYNC_GROUP_ID: this.groupId,
      SYNC_HTTP_HOST: '127.0.0.1',
      SYNC_HTTP_PORT: '0',
      SYNC_INTERVAL: '500ms',
      SYNC_DEADLINE: '2s',
      SYNC_HEARTBEAT_INTERVAL: '2s',
      SYNC_READ_TIMEOUT: '2s',
      SYNC_HISTORY_LOOKBACK: '8000h', // the manual market clock starts in January 2026
      SYNC_BRIDGE_HEARTBEAT_INTERVAL: '500ms',
      SYNC_RECONNECT_MIN: '100ms',
      SYNC_RECONNECT_MAX: '500ms',
      SYNC_RECONCILE_INTERVAL: '500ms',
      SYNC_RECONCILE_GRACE: '1s',
      SYNC_HEALTH_INTERVAL: '500ms',
      SYNC_STATE_PERSIST_INTERVAL: '250ms',
      SYNC_KAFKA_SESSION_TIMEOUT: '6s',
      LOG_LEVEL: 'silent',
      ...extra,
    };
  }

  /** Starts one more replica in this process (same consumer group as the others). */
  async startReplica(extra: Record<string, string> = {}): Promise<RunningSyncService> {
    const service = await startSyncService({ config: loadConfig(this.env(extra)), logger: silentLogger, migrationsDir: MIGRATIONS_DIR });
    this.services.push(service);
    return service;
  }

  async stopReplica(service: RunningSyncService): Promise<void> {
    await service.close();
    const i = this.services.indexOf(service);
    if (i >= 0) this.services.splice(i, 1);
  }

  /** Creates accounts on the simulator and publishes their configuration on account.config. */
  async addAccounts(specs: ReadonlyArray<Partial<AccountInput> & { simId: string }>): Promise<TestAccount[]> {
    const accounts = specs.map((s) => ({ accountId: randomUUID(), simId: s.simId, token: `tok-${s.simId}` }));
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
      enabled: true,
      deleted: false,
      bridge: { kind: 'BRIDGE_KIND_SIMULATOR', metaapiAccountId: a.simId, region: '', baseUrl: this.sim.url, failoverBaseUrl: '', credentialsSecretRef: `sim/${a.simId}` },
      configVersion: this.configVersion++,
      ...over,
    };
    await this.producer.publish(`${this.topicPrefix}account.config`, a.accountId, value);
  }

  /** Publishes an execution event as the execution service would. */
  async publishExecution(topic: 'execution.order.placed' | 'execution.order.rejected' | 'execution.position.changed', value: { accountId: string }): Promise<void> {
    await this.producer.publish(`${this.topicPrefix}${topic}`, value.accountId, value);
  }

  /** A terminal on the simulator, as execution uses it: trades carry the clientId derived from the intent id. */
  terminal(a: TestAccount): MetaApiTerminal {
    return new MetaApiTerminal({ accountId: a.simId, token: a.token, platform: 'mt5', baseUrl: this.sim.url, historyLookbackMs: 400 * 86_400_000 });
  }

  of(topic: TopicName, accountId?: string): any[] {
    return this.received.filter((r) => r.topic === topic && (accountId === undefined || r.key === accountId)).map((r) => r.value);
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

  async close(): Promise<void> {
    for (const s of [...this.services]) await s.close().catch(() => undefined);
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.sim.close().catch(() => undefined);
    await this.database.drop().catch(() => undefined);
    for (const key of Object.keys(process.env)) if (key.startsWith('SYNC_SECRET_SIM_')) delete process.env[key];
  }

  private async startReader(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: uniqueName('sync-it-reader'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: OUTPUT_TOPICS.map((t) => `${this.topicPrefix}${t}`), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        const logical = topic.slice(this.topicPrefix.length) as TopicName;
        const decoded = await this.codec.decode(topic, message.value);
        this.received.push({ topic: logical, key: message.key?.toString('utf8') ?? '', value: decoded.value });
      },
    });
    this.consumer = consumer;
  }
}

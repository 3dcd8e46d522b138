/**
 * The risk service end to end through real Kafka, the real schema registry and real PostgreSQL: accounts over HTTP,
 * account.synced and signal.generated in, risk.approved / risk.rejected / account.config out; the kill switch and
 * REDUCING; and a replay of the input topics that yields the same intent ids and no second approval.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import {
  createEventCodec,
  envelope,
  intentId,
  type AccountSynced,
  type OrderIntentApproved,
  type OrderIntentRejected,
  type RegistryEventCodec,
  type SignalGenerated,
} from '@tradebridge/contracts';
import { createFreshDatabase, testInfra, uniqueName, waitFor, type FreshDatabase } from '@tradebridge/devstack';
import { createLogger } from '@tradebridge/observability';
import { loadConfig, type RiskConfig } from '../src/config';
import { startRiskService, type RunningRiskService } from '../src/service';

jest.setTimeout(180_000);

const infra = testInfra();
const prefix = `${uniqueName('risk-flow')}.`;
const group = uniqueName('risk-flow-group');
const sourceId = 'src-flow';

let fresh: FreshDatabase;
let config: RiskConfig;
let service: RunningRiskService | undefined;
let kafka: Kafka;
let producer: Producer;
let reader: Consumer;
let codec: RegistryEventCodec;
const approved: OrderIntentApproved[] = [];
const rejected: OrderIntentRejected[] = [];
const configs: { accountId: string; credentialsSecretRef: string }[] = [];

const nowUs = () => Date.now() * 1000;

async function http(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${service!.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

function signal(overrides: Partial<SignalGenerated>): SignalGenerated {
  const id = overrides.signalId ?? randomUUID();
  return {
    meta: envelope({ eventId: randomUUID(), correlationId: id, occurredAtUs: nowUs(), producer: 'signal' }),
    signalId: id,
    sourceId,
    externalId: '',
    action: 'SIGNAL_ACTION_OPEN',
    orderType: 'ORDER_TYPE_MARKET',
    symbol: 'EURUSD',
    side: 'SIDE_BUY',
    entryPrice: 1.085,
    stopLoss: 1.083,
    takeProfits: [1.09],
    deadlineAtUs: nowUs() + 120_000_000,
    comment: '',
    referencedSignalId: '',
    newTakeProfits: [],
    moveToBreakEven: false,
    acceptedAtUs: nowUs(),
    receivedAtUs: nowUs(),
    providerCurrency: '',
    tenantId: 'tenant-flow',
    userId: '',
    channel: 'SIGNAL_CHANNEL_API',
    ...overrides,
  } as SignalGenerated;
}

function synced(accountId: string): AccountSynced {
  return {
    meta: envelope({ eventId: randomUUID(), correlationId: '', occurredAtUs: nowUs(), producer: 'sync' }),
    accountId,
    sequence: 1,
    heartbeat: false,
    snapshot: {
      platform: 'PLATFORM_MT5',
      currency: 'USD',
      balance: 10_000,
      equity: 10_000,
      margin: 0,
      freeMargin: 10_000,
      leverage: 100,
      credit: 0,
      tradeAllowed: true,
      brokerServer: 'Sim',
      positions: [],
      orders: [],
    },
    changes: [],
    newDeals: [],
    syncDelayMs: 5,
    syncStartedAtUs: nowUs(),
    syncedAtUs: nowUs(),
  } as AccountSynced;
}

async function publish(topic: string, key: string, value: object): Promise<void> {
  await producer.send({ topic: `${prefix}${topic}`, messages: [{ key, value: await codec.encode(`${prefix}${topic}`, value) }] });
}

async function start(): Promise<void> {
  service = await startRiskService({ config, logger: createLogger({ serviceName: 'risk', level: process.env.RISK_TEST_LOG ?? 'warn' }) });
}

const accountBody = (autoTrading: boolean) => ({
  tenantId: 'tenant-flow',
  ownerUserId: 'user-flow',
  platform: 'MT5',
  currency: 'USD',
  bridge: { kind: 'SIMULATOR', baseUrl: 'http://127.0.0.1:9', credentialsSecretRef: 'vault/flow' },
  autoTrading,
  sizing: { mode: 'RISK_PERCENT', percent: 1 },
});

beforeAll(async () => {
  fresh = await createFreshDatabase('risk_flow');
  config = loadConfig({
    DATABASE_URL: fresh.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    RISK_CONSUMER_GROUP: group,
    RISK_HTTP_HOST: '127.0.0.1',
    RISK_HTTP_PORT: '0',
    RISK_MAX_SYNC_AGE: '5m',
  });
  kafka = new Kafka({ brokers: infra.kafkaBrokers, clientId: 'risk-flow-test', logLevel: logLevel.NOTHING });
  codec = createEventCodec({ registryUrl: infra.schemaRegistryUrl, topicPrefix: prefix });
  await start();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  reader = kafka.consumer({ groupId: uniqueName('risk-flow-reader') });
  await reader.connect();
  await reader.subscribe({ topics: [`${prefix}risk.approved`, `${prefix}risk.rejected`, `${prefix}account.config`], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ topic, message }) => {
      const decoded = await codec.decode(topic, message.value!);
      if (topic.endsWith('risk.approved')) approved.push(decoded.value as OrderIntentApproved);
      else if (topic.endsWith('risk.rejected')) rejected.push(decoded.value as OrderIntentRejected);
      else configs.push({ accountId: decoded.value.accountId, credentialsSecretRef: decoded.value.bridge?.credentialsSecretRef ?? '' });
    },
  });
});

afterAll(async () => {
  await reader?.disconnect();
  await producer?.disconnect();
  await service?.close();
  await fresh?.drop();
});

async function committedAll(): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const t of ['signal.generated', 'account.synced']) {
      const topic = `${prefix}${t}`;
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      for (const end of ends) {
        const c = committed!.partitions.find((p) => p.partition === end.partition);
        // Unset (-1) and reset-to-earliest (-2) markers mean nothing committed yet.
        const done = c ? BigInt(c.offset) : -1n;
        if ((done < 0n ? 0n : done) < BigInt(end.high)) return false;
      }
    }
    return true;
  } finally {
    await admin.disconnect();
  }
}

describe('risk service through Kafka', () => {
  let acc1: string;
  let acc2: string;
  let first: SignalGenerated;

  it('given two following accounts (one with auto-trading off), when a signal arrives, then one approval and one coded rejection', async () => {
    const a = await http('POST', '/v1/accounts', accountBody(true));
    const b = await http('POST', '/v1/accounts', accountBody(false));
    expect(a.status).toBe(201);
    expect(JSON.stringify(a.json)).not.toContain('vault/flow');
    acc1 = a.json.accountId;
    acc2 = b.json.accountId;
    for (const id of [acc1, acc2]) expect((await http('POST', `/v1/accounts/${id}/subscriptions`, { sourceId })).status).toBe(201);
    await waitFor(() => configs.filter((c) => c.accountId === acc1).length >= 2, { message: 'account.config for the new account and its subscription' });
    expect(configs.find((c) => c.accountId === acc1)!.credentialsSecretRef).toBe('vault/flow');

    for (const id of [acc1, acc2]) await publish('account.synced', id, synced(id));
    await waitFor(async () => (await service!.db.selectFrom('account_snapshots').select('account_id').execute()).length === 2, { message: 'both syncs stored' });

    first = signal({});
    await publish('signal.generated', sourceId, first);
    await waitFor(() => approved.some((e) => e.signalId === first.signalId) && rejected.some((e) => e.signalId === first.signalId), {
      timeoutMs: 30_000,
      message: 'decisions of the first signal',
    });
    const approval = approved.find((e) => e.signalId === first.signalId)!;
    expect(approval).toMatchObject({
      intentId: intentId(first.signalId, acc1),
      accountId: acc1,
      kind: 'INTENT_KIND_OPEN',
      side: 'SIDE_BUY',
      brokerSymbol: 'EURUSD',
      volume: 0.5,
      stopLoss: 1.083,
      takeProfit: 1.09,
    });
    expect(approval.sizing).toMatchObject({ mode: 'SIZING_MODE_RISK_PERCENT', rawVolume: expect.closeTo(0.5, 9), realRisk: 100, intendedRisk: 100 });
    expect(rejected.find((e) => e.signalId === first.signalId)).toMatchObject({
      accountId: acc2,
      intentId: intentId(first.signalId, acc2),
      reason: 'RISK_AUTO_TRADING_DISABLED',
    });
    const ledger = await http('GET', `/v1/decisions?signalId=${first.signalId}`);
    expect(ledger.json.decisions).toHaveLength(2);
  });

  it('given the fleet kill switch, then opens are rejected; under REDUCING a close of the first signal passes and an open does not', async () => {
    expect((await http('PUT', '/v1/trading-states/fleet', { state: 'HALTED', reason: 'test kill switch' })).json).toMatchObject({ changed: true, from: 'ACTIVE' });
    const halted = signal({});
    await publish('signal.generated', sourceId, halted);
    await waitFor(() => rejected.filter((e) => e.signalId === halted.signalId).length === 2, { timeoutMs: 30_000, message: 'halted decisions' });
    expect(rejected.find((e) => e.signalId === halted.signalId && e.accountId === acc1)!.reason).toBe('RISK_TRADING_HALTED');

    await http('PUT', '/v1/trading-states/fleet', { state: 'REDUCING', reason: 'wind down' });
    const open = signal({});
    const close = signal({ action: 'SIGNAL_ACTION_CLOSE', orderType: 'ORDER_TYPE_UNSPECIFIED', side: 'SIDE_UNSPECIFIED', referencedSignalId: first.signalId, takeProfits: [], closeFraction: 1 });
    await publish('signal.generated', sourceId, open);
    await publish('signal.generated', sourceId, close);
    await waitFor(() => approved.some((e) => e.signalId === close.signalId) && rejected.some((e) => e.signalId === open.signalId && e.accountId === acc1), {
      timeoutMs: 30_000,
      message: 'decisions under REDUCING',
    });
    expect(rejected.find((e) => e.signalId === open.signalId && e.accountId === acc1)!.reason).toBe('RISK_REDUCING_ONLY');
    expect(approved.find((e) => e.signalId === close.signalId)).toMatchObject({
      accountId: acc1,
      kind: 'INTENT_KIND_CLOSE',
      targetIntentIds: [intentId(first.signalId, acc1)],
    });
    await http('PUT', '/v1/trading-states/fleet', { state: 'ACTIVE', reason: 'resume' });
  });

  it('given the input topics replayed from the beginning, then the same intent ids and no second approval', async () => {
    await waitFor(committedAll, { timeoutMs: 30_000, message: 'all input consumed and committed' });
    const approvalsBefore = approved.length;
    const rejectionsBefore = rejected.length;
    const ledgerBefore = await service!.db.selectFrom('decisions').select(['intent_id']).orderBy('intent_id').execute();

    await service!.close();
    service = undefined;
    const admin = kafka.admin();
    await admin.connect();
    for (const t of ['signal.generated', 'account.synced', 'account.connection.changed', 'execution.order.placed', 'execution.order.rejected']) {
      await admin.resetOffsets({ groupId: group, topic: `${prefix}${t}`, earliest: true });
    }
    await admin.disconnect();
    expect(await committedAll()).toBe(false);
    await start();
    await waitFor(committedAll, { timeoutMs: 60_000, message: 'the replay consumed and committed' });

    // A marker signal after the replay: once it is decided, everything before it was handled.
    const marker = signal({});
    await publish('signal.generated', sourceId, marker);
    await waitFor(() => approved.some((e) => e.signalId === marker.signalId), { timeoutMs: 30_000, message: 'the marker decision' });
    expect(approved.length).toBe(approvalsBefore + 1);
    expect(rejected.length).toBe(rejectionsBefore + 1);
    const ledgerAfter = await service!.db.selectFrom('decisions').select(['intent_id']).where('signal_id', '!=', marker.signalId).orderBy('intent_id').execute();
    expect(ledgerAfter).toEqual(ledgerBefore);
    expect(approved.filter((e) => e.intentId === intentId(first.signalId, acc1))).toHaveLength(1);
  });
});

import { TOPICS, createEventCodec, type SignalGenerated } from '@tradebridge/contracts';
import { createFreshDatabase, testInfra, uniqueName, waitFor, type FreshDatabase } from '@tradebridge/devstack';
import { createKafkaClient, silentLogger } from '@tradebridge/messaging';
import { createDb } from '@tradebridge/persistence';
import type { Consumer } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { SIGNAL_SCHEMA, type SignalDb } from '../adapters/postgres/signal.table';
import { createSource } from '../application/sources/source-directory';
import { signalGeneratedEventId } from '../domain';
import { ChildService, freePort } from './child-service';
import { openBody } from './harness';

/**
 * The service process is SIGKILLed in the middle of a burst of submissions (some stored, some published, some in
 * flight), restarted, and every submission is retried with its externalId as a sender would. Afterwards: one row per
 * externalId, every stored signal on the topic, and any copy on the topic carries its signal's one event id.
 */
describe('SIGKILL of the service process in the middle of a burst', () => {
  const infra = testInfra();
  const topicPrefix = `${uniqueName('sigkill')}.`;
  let database: FreshDatabase;
  let service: ChildService;
  let db: Kysely<SignalDb>;
  let consumer: Consumer;
  const events: SignalGenerated[] = [];

  beforeAll(async () => {
    database = await createFreshDatabase('signal_kill');
    service = new ChildService(await freePort(), {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      SIGNAL_SOURCE_CACHE_TTL_MS: '0',
      LOG_LEVEL: 'error',
    });
    await service.start();
    db = createDb<SignalDb>({ url: database.url, schema: SIGNAL_SCHEMA, poolSize: 2 });
    const kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: 'signal-kill-it', logger: silentLogger });
    const codec = createEventCodec({ registryUrl: infra.schemaRegistryUrl, topicPrefix });
    consumer = kafka.consumer({ groupId: uniqueName('signal-kill-reader'), maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: `${topicPrefix}${TOPICS['signal.generated'].name}`, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void events.push((await codec.decodeEvent('signal.generated', message.value as Buffer)).value) });
  });

  afterAll(async () => {
    await service?.stop('SIGTERM');
    await consumer?.disconnect().catch(() => undefined);
    await db?.destroy();
    await database?.drop();
  });

  it('given 120 submissions and a SIGKILL after the 40th acknowledgement, when retried after a restart, then nothing is lost or doubled', async () => {
    const source = await createSource(db, { name: 'kill', allowedSymbols: ['*'], rateLimitPerMinute: 1_000_000 });
    const submit = async (i: number) => {
      try {
        const res = await fetch(`${service.url}/v1/signals`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${source.apiKey}` },
          body: JSON.stringify(openBody(`kill-${i}`)),
        });
        const body = (await res.json()) as { signalId: string };
        return { status: res.status, signalId: body.signalId };
      } catch {
        return { status: 0, signalId: '' }; // connection died with the process: outcome unknown to the sender
      }
    };

    const firstAnswers = new Map<number, { status: number; signalId: string }>();
    let next = 0;
    let killed: Promise<void> | null = null;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 120 && killed === null) {
          const i = next++;
          const answer = await submit(i);
          firstAnswers.set(i, answer);
          if (killed === null && [...firstAnswers.values()].filter((a) => a.status === 201).length >= 40) killed = service.stop('SIGKILL');
        }
      }),
    );
    await killed;
    const acknowledgedBeforeKill = [...firstAnswers.values()].filter((a) => a.status === 201);
    expect(acknowledgedBeforeKill.length).toBeGreaterThanOrEqual(40);

    await service.start();
    const retried = await Promise.all(Array.from({ length: 120 }, (_, i) => submit(i)));
    expect(retried.every((a) => a.status === 201 || a.status === 200)).toBe(true);
    for (const before of acknowledgedBeforeKill) expect(retried.map((a) => a.signalId)).toContain(before.signalId);

    const stored = await sql<{ n: string }>`select count(*) as n from signal.trading_signals`.execute(db);
    expect(Number(stored.rows[0]?.n)).toBe(120);
    await waitFor(async () => Number((await sql<{ n: string }>`select count(*) as n from signal.outbox where published_at is null`.execute(db)).rows[0]?.n) === 0, {
      timeoutMs: 30_000,
      message: 'outbox drained',
    });
    const signalIds = new Set(retried.map((a) => a.signalId));
    await waitFor(() => new Set(events.map((e) => e.signalId)).size === 120, { timeoutMs: 30_000, message: '120 distinct signals read back' });
    expect(new Set(events.map((e) => e.signalId))).toEqual(signalIds);
    for (const e of events) expect(e.meta.eventId).toBe(signalGeneratedEventId(e.signalId));
  });
});

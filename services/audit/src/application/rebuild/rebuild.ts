import { createKafkaClient, type MessagingLogger } from '@tradebridge/messaging';
import { createEventCodec, type EventCodec } from '@tradebridge/contracts';
import { createDb } from '@tradebridge/persistence';
import type { Admin } from 'kafkajs';
import { sql } from 'kysely';
import { AuditConsumer, auditTopics } from '../../adapters/kafka/audit-consumer';
import { AUDIT_SCHEMA, type AuditDb } from '../../adapters/postgres/audit.table';
import { appendRecords, countEvents } from '../../adapters/postgres/events.repository';
import type { AuditConfig } from '../../config';
import { BatchWriter } from '../ingest/batch-writer';

/** What a rebuild did. */
export interface RebuildReport {
  /** Rows before the drop (null when there was no store). */
  readonly rowsBefore: number | null;
  readonly rowsAfter: number;
  /** Messages on the audit topics when the rebuild started (what Kafka still retains). */
  readonly messagesAtStart: number;
  readonly replayGroup: string;
  readonly ms: number;
}

type Offsets = Map<string, Map<number, bigint>>;

async function endOffsets(admin: Admin, topics: readonly string[]): Promise<{ offsets: Offsets; messages: number }> {
  const offsets: Offsets = new Map();
  let messages = 0;
  for (const topic of topics) {
    const parts = await admin.fetchTopicOffsets(topic);
    offsets.set(topic, new Map(parts.map((p) => [p.partition, BigInt(p.high)])));
    messages += parts.reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0);
  }
  return { offsets, messages };
}

async function committedReach(admin: Admin, groupId: string, target: Offsets): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...target.keys()] });
  for (const t of committed) {
    const want = target.get(t.topic)!;
    for (const p of t.partitions) {
      const high = want.get(p.partition) ?? 0n;
      if (high === 0n) continue;
      if (p.offset === '-1' || BigInt(p.offset) < high) return false;
    }
  }
  return true;
}

/**
 * Drops the audit store and replays it from Kafka: checks the service's consumer group has no member (the service is
 * stopped), notes the end offsets of every audit topic, drops the audit schema (the analytics views go with it and
 * come back with the migrations), migrates, deletes the service's consumer group and replays every topic with it,
 * fresh, from the earliest offsets until the noted ends are committed. The service then resumes exactly where the
 * replay stopped: no gap, no duplicate.
 */
export async function rebuildAuditStore(options: {
  config: AuditConfig;
  logger: MessagingLogger;
  migrate: () => Promise<void>;
  now?: () => number;
  timeoutMs?: number;
}): Promise<RebuildReport> {
  const { config, logger } = options;
  const started = Date.now();
  const kafka = createKafkaClient({ brokers: config.kafkaBrokers, clientId: 'audit-rebuild', logger });
  const admin = kafka.admin();
  await admin.connect();
  const db = createDb<AuditDb>({ url: config.databaseUrl, schema: AUDIT_SCHEMA, poolSize: config.dbPoolSize, applicationName: 'audit-rebuild' });
  let consumer: AuditConsumer | null = null;
  try {
    const groups = await admin.describeGroups([config.consumerGroup]);
    const live = groups.groups.find((g) => g.groupId === config.consumerGroup);
    if (live && live.members.length > 0) {
      throw new Error(`consumer group ${config.consumerGroup} has ${live.members.length} active member(s): stop the audit service before a rebuild`);
    }
    const exists = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = 'audit' and table_name = 'events'`.execute(db);
    const rowsBefore = exists.rows[0]!.n > 0 ? await countEvents(db) : null;
    const topics = auditTopics(config.topicPrefix);
    const { offsets, messages } = await endOffsets(admin, topics);

    await sql`drop schema if exists audit cascade`.execute(db);
    await options.migrate();

    // A fresh group: the service's own, deleted, so the replay starts at the earliest offsets and the service resumes
    // exactly where the replay stopped (admin.setOffsets would need a group join per topic).
    const replayGroup = config.consumerGroup;
    await admin.deleteGroups([replayGroup]).catch((error: { groups?: Array<{ errorCode?: number; error?: { type?: string } }> }) => {
      if (!error.groups?.every((g) => g.error?.type === 'GROUP_ID_NOT_FOUND' || g.errorCode === 69)) throw error;
    });
    const writer = new BatchWriter((records) => appendRecords(db, records), config.batchMaxRows);
    consumer = new AuditConsumer({
      kafka,
      groupId: replayGroup,
      topicPrefix: config.topicPrefix,
      codec: createEventCodec({ registryUrl: config.schemaRegistryUrl, topicPrefix: config.topicPrefix, autoRegister: false }) as EventCodec,
      store: (records) => writer.submit(records),
      logger,
      partitionsConsumedConcurrently: config.partitionsConcurrency,
    });
    await consumer.start();
    const deadline = Date.now() + (options.timeoutMs ?? 60 * 60_000);
    while (!(await committedReach(admin, replayGroup, offsets))) {
      if (Date.now() > deadline) throw new Error('rebuild: the replay did not reach the end offsets in time');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await consumer.stop();
    consumer = null;
    const rowsAfter = await countEvents(db);
    return { rowsBefore, rowsAfter, messagesAtStart: messages, replayGroup, ms: Date.now() - started };
  } finally {
    await consumer?.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await db.destroy().catch(() => undefined);
  }
}

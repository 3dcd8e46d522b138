import { waitForTopicLeaders } from '@tradebridge/contracts';
import { testInfra, uniqueName } from '@tradebridge/devstack';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createKafkaClient } from '../kafka-client';
import { silentLogger } from '../logger';

export { uniqueName };

/** A kafkajs client for tests against the test stack (the Jest global setup of tools/devstack starts it). */
export function testKafka(clientId = 'messaging-int'): Kafka {
  return createKafkaClient({ brokers: testInfra().kafkaBrokers, clientId, logger: silentLogger });
}

/** Creates fresh topics and their `.dlq` companions (auto-creation is off on the broker). */
export async function createTopics(kafka: Kafka, topics: Array<{ topic: string; partitions: number }>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const definitions = topics.flatMap(({ topic, partitions }) => [
      { topic, numPartitions: partitions, replicationFactor: 1 },
      { topic: `${topic}.dlq`, numPartitions: 1, replicationFactor: 1 },
    ]);
    await admin.createTopics({ waitForLeaders: false, topics: definitions });
    await waitForTopicLeaders(admin, definitions.map((t) => t.topic));
  } finally {
    await admin.disconnect();
  }
}

/** Committed offsets of a group on a topic, by partition (-1 when none). */
export async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** End offsets (high watermarks) of a topic, by partition. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Reads `count` raw messages of `topic` from the beginning with a throwaway group. */
export async function readRaw(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<Array<KafkaMessage & { partition: number }>> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const messages: Array<KafkaMessage & { partition: number }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({ ...message, partition });
        if (messages.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      enough,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`read ${messages.length}/${count} messages of ${topic}`)), timeoutMs))),
    ]);
    clearTimeout(timer);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

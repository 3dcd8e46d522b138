/**
 * Reads the platform's public topics with a consumer group of its own and keeps every decoded event, so the demo,
 * the suites and the benchmark can see what each service published (outcomes, latencies, sync snapshots).
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import {
  createEventCodec,
  type AccountSynced,
  type OrderIntentApproved,
  type OrderIntentRejected,
  type OrderPlaced,
  type OrderRejected,
  type RegistryEventCodec,
} from '@tradebridge/contracts';
import { sleep } from './platform';

export const OBSERVED_TOPICS = [
  'signal.generated',
  'risk.approved',
  'risk.rejected',
  'execution.order.placed',
  'execution.order.rejected',
  'execution.position.changed',
  'account.synced',
] as const;
export type ObservedTopic = (typeof OBSERVED_TOPICS)[number];

/** One decoded event with where it was read. */
export interface Observed<T = Record<string, unknown>> {
  readonly topic: ObservedTopic;
  readonly partition: number;
  readonly offset: string;
  readonly value: T;
  readonly receivedAtMs: number;
}

export interface ObserverOptions {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  topicPrefix?: string;
  groupId: string;
  topics?: readonly ObservedTopic[];
}

/** The events on the platform's topics, as they arrive. */
export class TopicObserver {
  readonly events: Record<ObservedTopic, Observed[]> = Object.fromEntries(OBSERVED_TOPICS.map((t) => [t, []])) as never;
  private readonly kafka: Kafka;
  private readonly codec: RegistryEventCodec;
  private consumer?: Consumer;
  decodeErrors = 0;

  constructor(private readonly options: ObserverOptions) {
    this.kafka = new Kafka({ brokers: options.kafkaBrokers, clientId: 'tradebridge-e2e-observer', logLevel: logLevel.NOTHING });
    this.codec = createEventCodec({ registryUrl: options.schemaRegistryUrl, topicPrefix: options.topicPrefix ?? '', autoRegister: false });
  }

  /** Subscribes from the beginning of each topic and resolves once the group has its partitions. */
  async start(): Promise<void> {
    const prefix = this.options.topicPrefix ?? '';
    const topics = this.options.topics ?? OBSERVED_TOPICS;
    const consumer = this.kafka.consumer({ groupId: this.options.groupId, sessionTimeout: 30_000, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => `${prefix}${t}`), fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: async ({ topic, partition, message }) => {
        if (!message.value) return;
        const logical = topic.slice(prefix.length) as ObservedTopic;
        try {
          const decoded = await this.codec.decode(topic, message.value);
          this.events[logical].push({ topic: logical, partition, offset: message.offset, value: decoded.value as Record<string, unknown>, receivedAtMs: Date.now() });
        } catch {
          this.decodeErrors += 1;
        }
      },
    });
    const deadline = Date.now() + 60_000;
    while (!joined && Date.now() < deadline) await sleep(100);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }

  /** Events of `topic` whose envelope correlation id is `signalId`. */
  of<T>(topic: ObservedTopic, signalId: string): T[] {
    return this.events[topic].filter((e) => (e.value['meta'] as { correlationId?: string } | undefined)?.correlationId === signalId).map((e) => e.value as T);
  }

  placed(signalId: string): OrderPlaced[] {
    return this.of<OrderPlaced>('execution.order.placed', signalId);
  }

  execRejected(signalId: string): OrderRejected[] {
    return this.of<OrderRejected>('execution.order.rejected', signalId);
  }

  approved(signalId: string): OrderIntentApproved[] {
    return this.of<OrderIntentApproved>('risk.approved', signalId);
  }

  riskRejected(signalId: string): OrderIntentRejected[] {
    return this.of<OrderIntentRejected>('risk.rejected', signalId);
  }

  /** The newest account.synced of each account. */
  latestSync(): Map<string, AccountSynced> {
    const latest = new Map<string, AccountSynced>();
    for (const e of this.events['account.synced']) {
      const v = e.value as unknown as AccountSynced;
      const prev = latest.get(v.accountId);
      if (!prev || prev.sequence <= v.sequence) latest.set(v.accountId, v);
    }
    return latest;
  }

  /** Every account.synced event seen, in arrival order. */
  syncs(): AccountSynced[] {
    return this.events['account.synced'].map((e) => e.value as unknown as AccountSynced);
  }
}

/** Signal accepted -> broker acknowledged, in milliseconds, of a placed or rejected order (undefined if not reached). */
export function brokerLatencyMs(e: { latency?: { signalAcceptedAtUs: number; brokerAcknowledgedAtUs?: number } }): number | undefined {
  const l = e.latency;
  if (!l || !l.brokerAcknowledgedAtUs || !l.signalAcceptedAtUs) return undefined;
  return (l.brokerAcknowledgedAtUs - l.signalAcceptedAtUs) / 1000;
}

/** Percentile (nearest rank) of a list of numbers; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

import { DLQ_SUFFIX, TOPIC_NAMES, type EventCodec } from '@tradebridge/contracts';
import { startConsumerAgain, type MessagingLogger } from '@tradebridge/messaging';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { toAuditRecord, type AuditRecord, type ReceivedMessage } from '../../domain/audit-record';

/** Every topic audit reads: each event topic of the registry and its dead-letter topic, under the prefix. */
export function auditTopics(prefix: string): string[] {
  return TOPIC_NAMES.flatMap((t) => [`${prefix}${t}`, `${prefix}${t}${DLQ_SUFFIX}`]);
}

/** Settings of an {@link AuditConsumer}. */
export interface AuditConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topicPrefix: string;
  readonly codec: EventCodec;
  /** Stores records durably; resolves when they are committed to PostgreSQL. */
  readonly store: (records: readonly AuditRecord[]) => Promise<void>;
  readonly logger: MessagingLogger;
  /** Rows handed to `store` at a time from one partition. Default 1,000. */
  readonly maxChunkRows?: number;
  /** Partitions whose batches are processed at once (their rows meet in the batch writer). Default 8. */
  readonly partitionsConsumedConcurrently?: number;
  readonly sessionTimeoutMs?: number;
  /** Time the batch's messages were ingested (the clock comes in from outside). */
  readonly now?: () => Date;
  /** Called when kafkajs gives up on the consumer for good. */
  readonly onFatalError?: (error: unknown) => void;
}

export type AuditConsumerStatus = 'created' | 'running' | 'stopping' | 'stopped' | 'failed';

function headerStrings(headers: IHeaders | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const text = (x: Buffer | string) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x));
    out[k] = Array.isArray(v) ? v.map(text) : text(v);
  }
  return out;
}

/**
 * The audit service's own consumer group on every topic, dead-letter topics included. It never dead-letters and
 * never skips: a value it cannot decode is stored raw with the reason, a registry outage is waited out. Offsets are
 * committed only after the rows of the messages before them are committed in PostgreSQL, so a crash redelivers
 * (and the unique constraints drop the copies) but never loses.
 */
export class AuditConsumer {
  private readonly consumer: Consumer;
  private state: AuditConsumerStatus = 'created';
  private readonly stopSignal = new AbortController();
  private readonly now: () => Date;

  constructor(private readonly options: AuditConsumerOptions) {
    this.now = options.now ?? (() => new Date());
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
  }

  private reviving = false;

  get status(): AuditConsumerStatus {
    return this.state;
  }

  /** Connects, subscribes to every audit topic from the earliest offset (for a new group) and starts consuming. */
  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.options.logger.error({ group: this.options.groupId, error: error.message, restart }, 'audit consumer crashed');
      if (!restart && this.state !== 'stopping' && this.state !== 'stopped') {
        // kafkajs gave up (e.g. no group coordinator while a broker restarts) and disconnected: start it again.
        this.state = 'failed';
        this.options.onFatalError?.(error);
        void this.revive();
      }
    });
    await this.runConsumer();
    this.state = 'running';
  }

  private async runConsumer(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: auditTopics(this.options.topicPrefix), fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 8,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Starts the consumer again after kafkajs gave up on it; `failed` (not ready) until it runs. */
  private async revive(): Promise<void> {
    if (this.reviving) return;
    this.reviving = true;
    try {
      const running = await startConsumerAgain(this.consumer, () => this.runConsumer(), {
        stopped: () => this.state !== 'failed',
        signal: this.stopSignal.signal,
        logger: this.options.logger,
        group: this.options.groupId,
      });
      if (running && this.state === 'failed') this.state = 'running';
    } finally {
      this.reviving = false;
    }
  }

  /** Stops fetching, lets the batch in hand finish and commit, leaves the group and disconnects. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    this.stopSignal.abort();
    await this.consumer.disconnect();
    this.state = 'stopped';
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const chunkSize = this.options.maxChunkRows ?? 1_000;
    for (let i = 0; i < batch.messages.length; i += chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + chunkSize);
      const received = await Promise.all(chunk.map((m) => this.read(batch.topic, batch.partition, m)));
      const ingestedAt = this.now();
      await this.options.store(received.map((r) => toAuditRecord(r, ingestedAt)));
      const last = chunk[chunk.length - 1]!.offset;
      resolveOffset(last);
      if (isStale()) return;
      await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      await heartbeat();
    }
  }

  private logicalTopic(topic: string): string {
    const prefix = this.options.topicPrefix;
    return prefix && topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
  }

  private async read(topic: string, partition: number, message: KafkaMessage): Promise<ReceivedMessage> {
    const logicalTopic = this.logicalTopic(topic);
    const base = {
      topic,
      logicalTopic,
      partition,
      offset: message.offset,
      key: message.key === null ? null : message.key.toString('utf8'),
      headers: headerStrings(message.headers),
      timestampMs: Number(message.timestamp),
      deadLetter: logicalTopic.endsWith(DLQ_SUFFIX),
      raw: message.value,
    };
    if (message.value === null) return { ...base, decoded: null, decodeError: null };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const decoded = await this.options.codec.decode(topic, message.value);
        return { ...base, decoded, decodeError: null };
      } catch (error) {
        const retryable = (error as { retryable?: unknown })?.retryable === true;
        if (!retryable) {
          const err = error as Error;
          return { ...base, decoded: null, decodeError: `${err?.name ?? 'Error'}: ${err?.message ?? String(error)}`.slice(0, 2_000) };
        }
        // The registry is unreachable: waiting is right, storing the message as undecodable would be wrong.
        this.options.logger.warn({ topic, partition, offset: message.offset, attempt, error: (error as Error).message }, 'decode failed, retrying');
        if (this.stopSignal.signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 200 * 2 ** Math.min(attempt, 6))));
      }
    }
  }
}

import { Partitioners, type IHeaders, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { EventCodec } from './codec';
import { injectTraceContext } from './headers';
import { silentLogger, type MessagingLogger } from './logger';
import { producerMetrics, type ProducerMetrics } from './metrics';

/** Settings of an {@link EventProducer}. */
export interface EventProducerOptions {
  readonly kafka: Kafka;
  /** Encodes event objects; the registry codec from @tradebridge/contracts in services. */
  readonly codec: EventCodec;
  /** Where the producer metrics go; prom-client's default registry when absent. */
  readonly registry?: Registry;
  readonly logger?: MessagingLogger;
  /** Produce requests in flight per broker connection, 1..5 (the idempotence limit). Default 5. */
  readonly maxInFlightRequests?: number;
  /** Most messages sent in one produce request. Default 1000. */
  readonly maxBatchMessages?: number;
}

/** A message key: a string (UTF-8), raw bytes, or null for no key. */
export type MessageKey = string | Buffer | null;

interface Pending {
  readonly topic: string;
  readonly key: MessageKey;
  /** The encoded value; a promise so that the queue keeps call order even when encodings finish out of order. */
  readonly value: Promise<Buffer | null>;
  readonly headers: IHeaders;
  readonly enqueuedAt: bigint;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Publishes events with an idempotent kafkajs producer (acks=all, unlimited internal retries, so a retried send is
 * never written twice). Concurrent publish() calls are coalesced into one produce request while the previous one is
 * in flight: kafkajs serialises idempotent requests per broker anyway, and batching keeps throughput high without a
 * linger delay. Messages with the same key keep their publish order.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly metrics: ProducerMetrics;
  private readonly logger: MessagingLogger;
  private readonly maxBatchMessages: number;
  private queue: Pending[] = [];
  private sending = false;
  private connected = false;
  private idle: Array<() => void> = [];

  constructor(private readonly options: EventProducerOptions) {
    const maxInFlightRequests = options.maxInFlightRequests ?? 5;
    if (!Number.isInteger(maxInFlightRequests) || maxInFlightRequests < 1 || maxInFlightRequests > 5) {
      throw new Error(
        `maxInFlightRequests must be an integer from 1 to 5 for an idempotent producer, got ${maxInFlightRequests}`,
      );
    }
    this.maxBatchMessages = options.maxBatchMessages ?? 1000;
    this.metrics = producerMetrics(options.registry);
    this.logger = options.logger ?? silentLogger;
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 key hashing, so other languages' clients put a key on the same partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * Stops accepting messages, waits up to `timeoutMs` for the accepted ones to be acknowledged, then disconnects
   * (messages still unacknowledged then fail their publish() call).
   */
  async disconnect(timeoutMs = 30_000): Promise<void> {
    this.connected = false;
    let timer: NodeJS.Timeout | undefined;
    const flushed = await Promise.race([
      this.flush().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!flushed) this.logger.warn({ pending: this.queue.length }, 'producer flush timed out, disconnecting anyway');
    await this.producer.disconnect();
  }

  /**
   * Encodes `value` with the codec and publishes it to `topic` under `key`, with the active W3C trace context added
   * to `headers`. Resolves once the broker has acknowledged the message on all in-sync replicas.
   */
  publish(topic: string, key: MessageKey, value: object, headers: Record<string, string> = {}): Promise<void> {
    const withTrace: Record<string, string> = { ...headers };
    injectTraceContext(withTrace);
    return this.enqueue(topic, key, () => this.options.codec.encode(topic, value), withTrace);
  }

  /** Publishes bytes as they are (no codec, no trace headers added); used for dead-lettering original messages. */
  publishRaw(topic: string, key: MessageKey, value: Buffer | null, headers: IHeaders = {}): Promise<void> {
    return this.enqueue(topic, key, async () => value, headers);
  }

  // The message takes its place in the queue at call time, so publish order per key holds even when an encoding
  // (a first schema lookup, say) finishes after a later one.
  private enqueue(
    topic: string,
    key: MessageKey,
    encode: () => Promise<Buffer | null>,
    headers: IHeaders,
  ): Promise<void> {
    if (!this.connected) return Promise.reject(new Error('EventProducer is not connected: call connect() first'));
    let value: Promise<Buffer | null>;
    try {
      value = encode();
    } catch (error) {
      value = Promise.reject(error); // a codec that throws synchronously still fails only this publish
    }
    value.catch(() => undefined); // rejected encodings are reported through publish()'s own promise
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, key, value, headers, enqueuedAt: process.hrtime.bigint(), resolve, reject });
      if (!this.sending) {
        this.sending = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when nothing is waiting to be sent or in flight. */
  flush(): Promise<void> {
    if (!this.sending && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatchMessages);
      this.queue = this.queue.slice(batch.length);
      await this.send(batch);
    }
    this.sending = false;
    const waiting = this.idle;
    this.idle = [];
    waiting.forEach((resolve) => resolve());
  }

  private async send(pending: Pending[]): Promise<void> {
    const encoded = await Promise.allSettled(pending.map((item) => item.value));
    const batch: Array<Pending & { readonly bytes: number }> = [];
    const byTopic = new Map<string, Message[]>();
    pending.forEach((item, i) => {
      const outcome = encoded[i]!;
      if (outcome.status === 'rejected') {
        item.reject(outcome.reason);
        return;
      }
      batch.push({ ...item, bytes: outcome.value?.length ?? 0 });
      const messages = byTopic.get(item.topic) ?? [];
      messages.push({ key: item.key, value: outcome.value, headers: item.headers });
      byTopic.set(item.topic, messages);
    });
    if (batch.length === 0) return;
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      for (const item of batch) {
        this.metrics.errors.inc({ topic: item.topic });
        item.reject(error);
      }
      this.logger.error(
        { topics: [...byTopic.keys()], messages: batch.length, error: (error as Error)?.message },
        'kafka produce failed',
      );
      return;
    }
    const now = process.hrtime.bigint();
    for (const item of batch) {
      this.metrics.messages.inc({ topic: item.topic });
      this.metrics.bytes.inc({ topic: item.topic }, item.bytes);
      this.metrics.sendDuration.observe({ topic: item.topic }, Number(now - item.enqueuedAt) / 1e9);
      item.resolve();
    }
  }
}

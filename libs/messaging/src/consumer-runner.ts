import { SpanKind, SpanStatusCode, context as otelContext, trace } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { DecodedEvent, EventCodec } from './codec';
import { backoffDelayMs, type BackoffPolicy } from './domain/backoff';
import { KeyedScheduler } from './domain/key-scheduler';
import { PartitionOffsetTracker } from './domain/offset-tracker';
import { UndecodableMessageError, errorClassOf, errorMessageOf, isPermanent, isTransient } from './errors';
import { DeadLetterHeaders, deadLetterTopicOf, extractTraceContext, headersToStrings, type MessageHeaders } from './headers';
import { jsonLogger, type MessagingLogger } from './logger';
import { consumerMetrics, type ConsumerMetrics } from './metrics';
import { EventProducer } from './producer';

/** One decoded message as a handler receives it. */
export interface ConsumedEvent<T = any> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The message key as UTF-8 text (account id, signal source, ...), or null. */
  readonly key: string | null;
  /** The decoded value; null for a tombstone (a null value on a compacted topic). */
  readonly value: T;
  /** The registered type name from the codec ('' for a tombstone). */
  readonly typeName: string;
  readonly schemaId: number;
  readonly headers: MessageHeaders;
  /** The message timestamp, milliseconds since the epoch, as Kafka reports it. */
  readonly timestamp: string;
  /** 1 on the first call, 2 on the first retry, and so on. */
  readonly attempt: number;
  /**
   * Aborted when this message's partition is taken away in a rebalance or a shutdown outlives its timeout: the
   * message will be redelivered, so long waits inside the handler may give up.
   */
  readonly signal: AbortSignal;
}

/** Handles one event; resolving means handled. Throw PermanentError to dead-letter at once, anything else to retry. */
export type EventHandler = (event: ConsumedEvent) => Promise<void>;

/** Retry policy for handler failures. */
export interface RetryPolicy extends BackoffPolicy {
  /** Handler calls before a message is dead-lettered (1 = no retry). */
  readonly maxAttempts: number;
}

/** Settings of a {@link ConsumerRunner}. */
export interface ConsumerRunnerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly codec: EventCodec;
  readonly handler: EventHandler;
  /** Producer for `<topic>.dlq`; when absent the runner creates and owns one. */
  readonly producer?: EventProducer;
  readonly registry?: Registry;
  readonly logger?: MessagingLogger;
  readonly retry?: Partial<RetryPolicy>;
  /** Handlers running at once across all partitions. Default 32. */
  readonly maxConcurrency?: number;
  /** Fetched messages held (running or queued) before fetching pauses. Default 1000. */
  readonly maxBufferedMessages?: number;
  /** Where a group without committed offsets starts. Default true (earliest): nothing published is skipped. */
  readonly fromBeginning?: boolean;
  /** Time a graceful stop waits for in-flight handlers before giving up on them. Default 30 s. */
  readonly shutdownTimeoutMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /**
   * Shortest time between two offset commits. Commits are otherwise made as soon as a prefix completes; spacing them
   * spares the broker a commit per message under load, at the price of redelivering up to this much finished work
   * after a crash (a clean stop always commits everything). Default 100 ms.
   */
  readonly commitIntervalMs?: number;
  /** Longest time a fetch waits for data; also bounds how fast a stop is noticed. Default 500 ms. */
  readonly maxWaitTimeMs?: number;
  /**
   * Topics whose messages each carry a key's whole current state (a snapshot): a message still queued when a newer
   * one of the same key arrives is completed without being decoded or handled, since the newer one replaces it. A
   * consumer that fell behind then catches up in one message per key instead of replaying every intermediate state.
   * Keyless messages are never skipped.
   */
  readonly latestStateTopics?: readonly string[];
  /**
   * Called when kafkajs gives up on the consumer (it restarts itself on transient failures only); the runner then
   * starts the consumer again with backoff, and reports `failed` until it runs.
   */
  readonly onFatalError?: (error: unknown) => void;
}

const defaultRetry: RetryPolicy = { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2, jitter: 0.2 };

/** Commit and in-flight state of one assigned partition, for one group generation. */
class PartitionState {
  readonly tracker = new PartitionOffsetTracker();
  /** Aborts when the partition is revoked or a shutdown times out; handlers see it as `event.signal`. */
  readonly abort = new AbortController();
  /** Aborts as well when a stop begins: waits between retries end at once and leave the message uncommitted. */
  readonly retrySignal: AbortSignal;
  revoked = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    stopSignal: AbortSignal,
  ) {
    this.retrySignal = AbortSignal.any([this.abort.signal, stopSignal]);
  }
}

type DeadLetterReason = 'undecodable' | 'permanent' | 'exhausted';

/** Lifecycle of a runner; `failed`: kafkajs gave up on the consumer and nothing is consumed until it is started again. */
export type ConsumerRunnerStatus = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/**
 * Consumes topics with kafkajs and runs a handler per message with these guarantees:
 *
 * - at least once: an offset is committed only when it and every earlier fetched offset of its partition has been
 *   handled or dead-lettered;
 * - messages with the same key are handled one at a time in offset order; different keys run concurrently, inside a
 *   partition too, up to maxConcurrency;
 * - a failing handler is retried with exponential backoff and jitter, then the original bytes, key and headers go to
 *   `<topic>.dlq` with the error in headers, and the partition keeps moving; undecodable messages and PermanentError
 *   go there at once;
 * - on a rebalance, work of the old assignment stops being committed and queued messages of it are dropped (the next
 *   owner receives them again from the last commit);
 * - stop() pauses fetching, drains what was fetched, commits, then leaves the group and disconnects.
 *
 * kafkajs fetches ahead of the handlers: eachBatch only queues messages and resolves them (which moves the fetch
 * position), while commits are made explicitly from the per-partition trackers with autoCommit off.
 */
export class ConsumerRunner {
  private readonly consumer: Consumer;
  private readonly producer: EventProducer;
  private readonly ownsProducer: boolean;
  private readonly scheduler: KeyedScheduler;
  private readonly metrics: ConsumerMetrics;
  private readonly logger: MessagingLogger;
  private readonly retry: RetryPolicy;
  private readonly maxBuffered: number;
  private readonly tracer = trace.getTracer('@tradebridge/messaging');
  private partitions = new Map<string, PartitionState>();
  private stopping = false;
  private readonly stopSignal = new AbortController();
  private state: ConsumerRunnerStatus = 'created';
  private stopPromise: Promise<void> | undefined;
  private commitRequested = false;
  private lastCommitAt = 0;
  private commitLoop: Promise<void> | undefined;
  private readonly latestStateTopics: ReadonlySet<string>;
  private reviving = false;
  /** Per scheduling key of a latest-state topic: the offset of its newest queued message. */
  private readonly newestQueued = new Map<string, bigint>();

  constructor(private readonly options: ConsumerRunnerOptions) {
    if (options.topics.length === 0) throw new Error('ConsumerRunner needs at least one topic');
    this.logger = options.logger ?? jsonLogger('info', `consumer:${options.groupId}`);
    this.metrics = consumerMetrics(options.registry);
    this.retry = { ...defaultRetry, ...options.retry };
    if (!Number.isInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) {
      throw new Error(`retry.maxAttempts must be a positive integer, got ${this.retry.maxAttempts}`);
    }
    this.maxBuffered = options.maxBufferedMessages ?? 1000;
    this.latestStateTopics = new Set(options.latestStateTopics ?? []);
    this.scheduler = new KeyedScheduler(options.maxConcurrency ?? 32, (error) =>
      this.logger.error({ error: errorMessageOf(error) }, 'unexpected failure in message task'),
    );
    this.ownsProducer = options.producer === undefined;
    this.producer =
      options.producer ??
      new EventProducer({ kafka: options.kafka, codec: options.codec, registry: options.registry, logger: this.logger });
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
      allowAutoTopicCreation: false,
    });
  }

  /** Where the runner is in its lifecycle; readiness checks should fail unless it is `running`. */
  get status(): ConsumerRunnerStatus {
    return this.state;
  }

  /** The underlying kafkajs consumer (for instrumentation events). */
  get kafkaConsumer(): Consumer {
    return this.consumer;
  }

  /** Connects, subscribes and resolves once the consumer has joined its group. */
  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`ConsumerRunner cannot start: it is ${this.state}`);
    this.state = 'starting';
    if (this.ownsProducer) await this.producer.connect();
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event) => this.onGroupJoin(event.payload.memberAssignment));
    this.consumer.on(CRASH, (event) => {
      const { error, restart } = event.payload;
      this.logger.error({ group: this.options.groupId, error: errorMessageOf(error), restart }, 'kafka consumer crashed');
      if (restart || this.stopping) return;
      // kafkajs gave up (e.g. "Failed to find group coordinator" while a broker restarts) and disconnected the
      // consumer. A process that stays up without consuming helps nobody: start the consumer again, with backoff.
      this.options.onFatalError?.(error);
      void this.revive();
    });
    await this.runConsumer();
    if (this.state === 'starting') this.state = 'running';
  }

  private async runConsumer(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
    // autoCommit off: commits come only from the trackers. eachBatchAutoResolve off: an offset is resolved (which
    // moves kafkajs' fetch position, nothing else) only once its message is queued. One kafkajs worker: eachBatch
    // merely queues, so more workers add nothing but a second waiter on the shared buffer. Handler errors never reach
    // kafkajs, so its restart-on-failure logic only ever sees broker and network failures.
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Starts the consumer again after kafkajs gave up on it; `failed` (not ready) until it runs again. */
  private async revive(): Promise<void> {
    if (this.reviving) return;
    this.reviving = true;
    this.state = 'failed';
    this.dropAssignment(); // what the old consumer held is redelivered from the last commit to whoever owns it next
    try {
      const running = await startConsumerAgain(this.consumer, () => this.runConsumer(), {
        stopped: () => this.stopping,
        signal: this.stopSignal.signal,
        logger: this.logger,
        group: this.options.groupId,
      });
      if (running && !this.stopping) this.state = 'running';
    } finally {
      this.reviving = false;
    }
  }

  /**
   * Stops gracefully: pauses fetching, waits up to shutdownTimeoutMs for fetched messages to be handled, commits what
   * was handled, then leaves the group and disconnects. Whatever was not handled is redelivered to the next owner.
   */
  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStop(): Promise<void> {
    if (this.state === 'created' || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.stopping = true;
    this.stopSignal.abort();
    try {
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    } catch (error) {
      this.logger.warn({ error: errorMessageOf(error) }, 'could not pause the consumer');
    }
    const timeoutMs = this.options.shutdownTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.scheduler.whenIdle().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.logger.warn(
        { group: this.options.groupId, unfinished: this.scheduler.size, timeoutMs },
        'shutdown timeout: unfinished messages stay uncommitted and will be redelivered',
      );
      for (const state of this.partitions.values()) state.abort.abort();
    }
    await this.flushCommits();
    await this.consumer.disconnect();
    if (this.ownsProducer) await this.producer.disconnect();
    this.state = 'stopped';
  }

  private onGroupJoin(assignment: Record<string, number[]>): void {
    // A new generation: kafkajs fetches again from the committed offsets, so whatever the old generation still holds
    // is dropped (queued) or no longer committed (running); the redelivered copies queue behind it per key.
    this.dropAssignment();
    this.logger.info({ group: this.options.groupId, assignment }, 'partitions assigned');
  }

  /** Stops committing and handling what the current assignment fetched; its messages queue afresh when redelivered. */
  private dropAssignment(): void {
    for (const state of this.partitions.values()) {
      state.revoked = true;
      state.abort.abort();
    }
    this.partitions = new Map();
    this.newestQueued.clear();
  }

  private partitionState(topic: string, partition: number): PartitionState {
    const id = `${topic}:${partition}`;
    let state = this.partitions.get(id);
    if (state === undefined) {
      state = new PartitionState(topic, partition, this.stopSignal.signal);
      this.partitions.set(id, state);
    }
    return state;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const state = this.partitionState(topic, partition);
    const canContinue = () => isRunning() && !isStale() && !this.stopping && !state.revoked;
    let nextOffset: bigint | undefined;
    for (const message of batch.messages) {
      if (!canContinue()) break;
      if (state.tracker.hasSeen(message.offset)) continue; // already queued in this generation: never run it twice
      if (this.scheduler.size >= this.maxBuffered && !(await this.waitForCapacity(heartbeat, canContinue))) break;
      state.tracker.add(message.offset);
      const key = schedulingKey(topic, partition, message.key);
      if (message.key !== null && this.latestStateTopics.has(topic)) this.newestQueued.set(key, BigInt(message.offset));
      this.scheduler.submit(key, () => this.handle(state, message, key));
      resolveOffset(message.offset);
      nextOffset = BigInt(message.offset) + 1n;
    }
    if (nextOffset !== undefined) {
      const lag = BigInt(batch.highWatermark) - nextOffset;
      this.metrics.lag.set({ topic, partition: String(partition), group: this.options.groupId }, Number(lag < 0n ? 0n : lag));
    }
    this.metrics.inFlight.set({ group: this.options.groupId }, this.scheduler.size);
  }

  /** Waits, heartbeating, until the buffer has room; false when the batch should be abandoned instead. */
  private async waitForCapacity(heartbeat: () => Promise<void>, canContinue: () => boolean): Promise<boolean> {
    let roomMade: Promise<void> | undefined; // one waiter per wait, however many heartbeats it takes
    while (this.scheduler.size >= this.maxBuffered) {
      roomMade ??= this.scheduler.whenSizeBelow(this.maxBuffered).then(() => (roomMade = undefined));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([roomMade, new Promise((resolve) => (timer = setTimeout(resolve, 1_000)))]);
      clearTimeout(timer);
      if (!canContinue()) return false;
      await heartbeat();
    }
    return canContinue();
  }

  private async handle(state: PartitionState, message: KafkaMessage, schedKey: string): Promise<void> {
    if (state.revoked) return; // dropped: the partition's next owner receives it again
    const { topic, partition } = state;
    const newest = this.newestQueued.get(schedKey);
    if (newest !== undefined) {
      const offset = BigInt(message.offset);
      if (offset < newest) {
        this.metrics.superseded.inc({ topic, group: this.options.groupId });
        this.complete(state, message.offset);
        return;
      }
      this.newestQueued.delete(schedKey); // this is the newest: handled below like any other message
    }
    const key = message.key === null ? null : message.key.toString('utf8');
    const fields = { topic, partition, offset: message.offset, key };
    const headers = headersToStrings(message.headers);
    const decoded = await this.decode(state, message, fields);
    if (decoded === undefined) return;
    const parent = extractTraceContext(headers);
    for (let attempt = 1; ; attempt += 1) {
      if (state.abort.signal.aborted) return; // retry waits end through sleep(); this catches a timed-out shutdown
      const startedAt = process.hrtime.bigint();
      const span = this.tracer.startSpan(
        `${topic} process`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.destination.name': topic,
            'messaging.destination.partition.id': String(partition),
            'messaging.kafka.offset': Number(message.offset),
            'messaging.consumer.group.name': this.options.groupId,
          },
        },
        parent,
      );
      const event: ConsumedEvent = {
        topic,
        partition,
        offset: message.offset,
        key,
        value: decoded.value,
        typeName: decoded.typeName,
        schemaId: decoded.schemaId,
        headers,
        timestamp: message.timestamp,
        attempt,
        signal: state.abort.signal,
      };
      try {
        await otelContext.with(trace.setSpan(parent, span), () => this.options.handler(event));
        span.end();
        this.metrics.processed.inc({ topic, group: this.options.groupId });
        const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
        this.metrics.handlerDuration.observe({ topic, group: this.options.groupId }, seconds);
        this.complete(state, message.offset);
        return;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessageOf(error) });
        span.end();
        const errorClass = errorClassOf(error);
        this.metrics.failures.inc({ topic, group: this.options.groupId, error_class: errorClass });
        if (isPermanent(error)) {
          await this.deadLetter(state, message, error, attempt, 'permanent', fields);
          return;
        }
        if (attempt >= this.retry.maxAttempts) {
          await this.deadLetter(state, message, error, attempt, 'exhausted', fields);
          return;
        }
        const delayMs = backoffDelayMs(this.retry, attempt, Math.random());
        this.logger.warn({ ...fields, attempt, delayMs, errorClass, error: errorMessageOf(error) }, 'handler failed, will retry');
        if (!(await sleep(delayMs, state.retrySignal))) {
          this.logger.info(fields, 'retry abandoned (partition revoked or shutdown): message stays uncommitted');
          return;
        }
      }
    }
  }

  /**
   * Decodes the message value; dead-letters undecodable bytes at once, retries transient codec failures (registry
   * unreachable) until they pass or the partition is revoked. Undefined when the message is finished or abandoned.
   */
  private async decode(state: PartitionState, message: KafkaMessage, fields: object): Promise<DecodedEvent | undefined> {
    if (message.value === null) return { typeName: '', schemaId: -1, value: null };
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.options.codec.decode(state.topic, message.value);
      } catch (error) {
        if (isTransient(error)) {
          const delayMs = backoffDelayMs(this.retry, attempt, Math.random());
          this.logger.warn(
            { ...fields, attempt, delayMs, errorClass: errorClassOf(error), error: errorMessageOf(error) },
            'decode failed transiently, will retry',
          );
          if (!(await sleep(delayMs, state.retrySignal))) return undefined;
          continue;
        }
        const poison = new UndecodableMessageError(`cannot decode message: ${errorMessageOf(error)}`, { cause: error });
        this.metrics.failures.inc({ topic: state.topic, group: this.options.groupId, error_class: poison.name });
        await this.deadLetter(state, message, poison, 1, 'undecodable', fields);
        return undefined;
      }
    }
  }

  private async deadLetter(
    state: PartitionState,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
    reason: DeadLetterReason,
    fields: object,
  ): Promise<void> {
    const headers: IHeaders = {
      ...message.headers,
      [DeadLetterHeaders.originalTopic]: state.topic,
      [DeadLetterHeaders.originalPartition]: String(state.partition),
      [DeadLetterHeaders.originalOffset]: message.offset,
      [DeadLetterHeaders.originalTimestamp]: message.timestamp,
      [DeadLetterHeaders.errorMessage]: errorMessageOf(error, 1_000),
      [DeadLetterHeaders.errorClass]: errorClassOf(error),
      [DeadLetterHeaders.attempts]: String(attempts),
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
      [DeadLetterHeaders.consumerGroup]: this.options.groupId,
    };
    const dlqTopic = deadLetterTopicOf(state.topic);
    // The message is committed only after the dead-letter copy is acknowledged; until then it is retried.
    for (let publishAttempt = 1; ; publishAttempt += 1) {
      if ((publishAttempt === 1 ? state.abort.signal : state.retrySignal).aborted) return;
      try {
        await this.producer.publishRaw(dlqTopic, message.key, message.value, headers);
        break;
      } catch (publishError) {
        this.logger.error({ ...fields, dlqTopic, error: errorMessageOf(publishError) }, 'dead-letter publish failed, will retry');
        if (!(await sleep(backoffDelayMs(this.retry, publishAttempt, Math.random()), state.retrySignal))) return;
      }
    }
    this.metrics.deadLettered.inc({ topic: state.topic, group: this.options.groupId, reason });
    this.logger.error(
      { ...fields, dlqTopic, reason, attempts, errorClass: errorClassOf(error), error: errorMessageOf(error) },
      'message dead-lettered',
    );
    this.complete(state, message.offset);
  }

  private complete(state: PartitionState, offset: string): void {
    if (state.revoked) return;
    state.tracker.complete(offset);
    this.requestCommit();
  }

  private requestCommit(): void {
    this.commitRequested = true;
    if (this.commitLoop !== undefined) return;
    this.commitLoop = this.runCommitLoop().finally(() => {
      this.commitLoop = undefined;
      // A completion may land between the loop's last check and this callback.
      if (this.commitRequested) this.requestCommit();
    });
  }

  private async flushCommits(): Promise<void> {
    this.requestCommit();
    while (this.commitLoop !== undefined) await this.commitLoop;
  }

  // One commit request at a time; completions that arrive meanwhile are folded into the next request.
  private async runCommitLoop(): Promise<void> {
    while (this.commitRequested) {
      const waitMs = this.lastCommitAt + (this.options.commitIntervalMs ?? 100) - Date.now();
      if (waitMs > 0) await sleep(waitMs, this.stopSignal.signal); // a stop commits at once
      this.commitRequested = false;
      const pending: Array<{ state: PartitionState; offset: string }> = [];
      for (const state of this.partitions.values()) {
        const offset = state.tracker.commitCandidate();
        if (offset !== undefined) pending.push({ state, offset });
      }
      if (pending.length === 0) continue;
      this.lastCommitAt = Date.now();
      try {
        await this.consumer.commitOffsets(
          pending.map(({ state, offset }) => ({ topic: state.topic, partition: state.partition, offset })),
        );
        for (const { state, offset } of pending) state.tracker.markCommitted(offset);
      } catch (error) {
        this.logger.warn({ group: this.options.groupId, error: errorMessageOf(error) }, 'offset commit failed, will retry');
        if (!this.stopping) setTimeout(() => this.requestCommit(), 1_000).unref();
      }
      this.metrics.inFlight.set({ group: this.options.groupId }, this.scheduler.size);
    }
  }
}

function schedulingKey(topic: string, partition: number, key: Buffer | null): string {
  return key === null ? `${topic}\u0000${partition}\u0000` : `${topic}\u0000${partition}\u0001${key.toString('latin1')}`;
}

/**
 * Starts a kafkajs consumer again after kafkajs gave up on it (a crash it does not restart from, such as "Failed to
 * find group coordinator" while a broker restarts): disconnects it and calls `run` (connect, subscribe, run), with
 * backoff from 1 s doubling to 30 s, until it runs or `stopped()`. True once it runs.
 */
export async function startConsumerAgain(
  consumer: Pick<Consumer, 'disconnect'>,
  run: () => Promise<void>,
  options: { stopped: () => boolean; signal: AbortSignal; logger: MessagingLogger; group: string },
): Promise<boolean> {
  for (let attempt = 1; !options.stopped(); attempt += 1) {
    const delayMs = backoffDelayMs({ initialDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 }, attempt, Math.random());
    if (!(await sleep(delayMs, options.signal)) || options.stopped()) return false;
    try {
      await consumer.disconnect().catch(() => undefined);
      await run();
      options.logger.warn({ group: options.group, attempt }, 'kafka consumer started again');
      return true;
    } catch (error) {
      options.logger.error({ group: options.group, attempt, error: errorMessageOf(error) }, 'kafka consumer could not be started again; will retry');
    }
  }
  return false;
}

/** Sleeps `ms`; resolves false at once if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

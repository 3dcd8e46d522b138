import type { EachBatchPayload, KafkaMessage } from 'kafkajs';

/**
 * A hand-written stand-in for the parts of kafkajs the runner and producer use, for unit tests of the ordering,
 * commit and dead-letter logic. Batches are delivered by the test; commits and sends are recorded in order.
 */
export class FakeKafka {
  readonly consumerFake = new FakeConsumer(this);
  readonly producerFake = new FakeProducer(this);
  /** Everything that reached "the broker", in order: commits and produced batches. */
  readonly journal: Array<{ kind: 'commit'; offsets: Array<{ topic: string; partition: number; offset: string }> } | { kind: 'send'; topicMessages: any[] } | { kind: 'consumer-disconnect' }> = [];

  consumer(_config: unknown): FakeConsumer {
    return this.consumerFake;
  }

  producer(_config: unknown): FakeProducer {
    return this.producerFake;
  }

  /** Offsets committed so far, latest per topic-partition. */
  committed(topic: string, partition: number): string | undefined {
    let last: string | undefined;
    for (const entry of this.journal) {
      if (entry.kind !== 'commit') continue;
      for (const o of entry.offsets) if (o.topic === topic && o.partition === partition) last = o.offset;
    }
    return last;
  }

  /** Messages sent to `topic`, in order. */
  sent(topic: string): any[] {
    return this.journal.flatMap((e) => (e.kind === 'send' ? e.topicMessages.filter((t) => t.topic === topic).flatMap((t) => t.messages) : []));
  }
}

export class FakeConsumer {
  readonly events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };
  private readonly listeners = new Map<string, Array<(event: any) => void>>();
  private eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  readonly resolved: string[] = [];
  paused = false;
  running = false;

  constructor(private readonly kafka: FakeKafka) {}

  on(event: string, listener: (event: any) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }): Promise<void> {
    this.eachBatch = config.eachBatch;
    this.running = true;
    this.runs += 1;
  }
  pause(): void {
    this.paused = true;
  }
  async commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> {
    if (!this.running) return; // kafkajs silently skips commits of a stopped consumer
    this.kafka.journal.push({ kind: 'commit', offsets });
  }
  async disconnect(): Promise<void> {
    this.running = false;
    this.kafka.journal.push({ kind: 'consumer-disconnect' });
  }

  /** Simulates kafkajs crashing the consumer; with restart false it has given up and disconnected. */
  async crash(error: Error, restart: boolean): Promise<void> {
    if (!restart) await this.disconnect();
    for (const listener of this.listeners.get(this.events.CRASH) ?? []) listener({ payload: { error, restart } });
  }

  /** Calls of run() so far. */
  runs = 0;

  /** Simulates a rebalance that ends with `assignment`. */
  rebalance(assignment: Record<string, number[]>): void {
    for (const listener of this.listeners.get(this.events.GROUP_JOIN) ?? []) listener({ payload: { memberAssignment: assignment } });
  }

  /** Hands a batch to the runner as kafkajs would; resolves when eachBatch returns. */
  async deliver(topic: string, partition: number, messages: Array<{ offset: number; key: string | null; value: string | Buffer | null; headers?: Record<string, string> }>): Promise<void> {
    const kafkaMessages: KafkaMessage[] = messages.map((m) => ({
      offset: String(m.offset),
      key: m.key === null ? null : Buffer.from(m.key),
      value: m.value === null ? null : Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value),
      timestamp: '0',
      attributes: 0,
      headers: { 'x-origin': Buffer.from('test'), ...m.headers },
    }));
    const last = messages[messages.length - 1]!;
    await this.eachBatch!({
      batch: {
        topic,
        partition,
        highWatermark: String(last.offset + 1),
        messages: kafkaMessages,
        isEmpty: () => kafkaMessages.length === 0,
        firstOffset: () => kafkaMessages[0]?.offset ?? null,
        lastOffset: () => String(last.offset),
        offsetLag: () => '0',
        offsetLagLow: () => '0',
      },
      resolveOffset: (offset: string) => void this.resolved.push(`${topic}:${partition}:${offset}`),
      heartbeat: async () => undefined,
      pause: () => () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
      uncommittedOffsets: () => ({ topics: [] }),
      isRunning: () => this.running,
      isStale: () => false,
    } as unknown as EachBatchPayload);
  }
}

export class FakeProducer {
  failNextSends = 0;
  constructor(private readonly kafka: FakeKafka) {}
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async sendBatch(request: { topicMessages: any[] }): Promise<void> {
    if (this.failNextSends > 0) {
      this.failNextSends -= 1;
      throw new Error('broker unavailable (fake)');
    }
    this.kafka.journal.push({ kind: 'send', topicMessages: request.topicMessages });
  }
}

/** A promise the test resolves when it chooses. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

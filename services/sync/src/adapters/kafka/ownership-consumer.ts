import type { AccountConfigured, EventCodec } from '@tradebridge/contracts';
import type { Consumer, Kafka } from 'kafkajs';
import type { AccountOwnership } from '../../application/ownership/ownership';

export interface OwnershipConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** Physical name of account.config. */
  readonly topic: string;
  readonly codec: Pick<EventCodec, 'decode'>;
  readonly ownership: AccountOwnership;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly log: (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string) => void;
  readonly onFatal?: (error: unknown) => void;
}

/**
 * The consumer group that splits accounts across sync replicas: it reads the compacted account.config, never commits
 * (so every assignment replays its partitions from the start and rebuilds their account list), and reports
 * rebalances to `AccountOwnership` (REBALANCING: give everything up; GROUP_JOIN: the new partitions).
 */
export class OwnershipConsumer {
  private readonly consumer: Consumer;
  private status: 'created' | 'running' | 'stopped' | 'failed' = 'created';

  constructor(private readonly options: OwnershipConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(options.sessionTimeoutMs, 10_000),
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
  }

  get running(): boolean {
    return this.status === 'running';
  }

  async start(): Promise<void> {
    const { REBALANCING, GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(REBALANCING, () => {
      this.options.log('info', { group: this.options.groupId }, 'rebalance: pausing every account until the new assignment');
      this.options.ownership.revokeAll();
    });
    this.consumer.on(GROUP_JOIN, (event) => {
      const partitions = event.payload.memberAssignment[this.options.topic] ?? [];
      this.options.log('info', { group: this.options.groupId, partitions }, 'account.config partitions assigned');
      this.options.ownership.assign(partitions);
    });
    this.consumer.on(CRASH, (event) => {
      this.options.ownership.revokeAll();
      if (event.payload.restart) return;
      this.status = 'failed';
      this.options.onFatal?.(event.payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const key = message.key ? message.key.toString('utf8') : null;
        let value: AccountConfigured | null = null;
        if (message.value !== null) {
          try {
            value = (await this.options.codec.decode(this.options.topic, message.value)).value as AccountConfigured;
          } catch (error) {
            if ((error as { retryable?: boolean }).retryable) throw error; // registry down: kafkajs retries the batch
            this.options.log('warn', { topic: this.options.topic, partition, offset: message.offset, error: (error as Error).message }, 'undecodable account configuration skipped');
            return;
          }
        }
        this.options.ownership.apply(partition, key, value);
      },
    });
    this.status = 'running';
  }

  /**
   * Gives every account up, runs `beforeLeave` (the engine saves its state, so the next owner continues from it), then
   * leaves the group (the other replicas take the partitions over) and disconnects.
   */
  async stop(beforeLeave?: () => Promise<void>): Promise<void> {
    if (this.status === 'stopped') return;
    this.status = 'stopped';
    this.options.ownership.revokeAll();
    await beforeLeave?.();
    await this.consumer.disconnect();
  }
}

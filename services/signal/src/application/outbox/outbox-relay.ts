import { nowMicros } from '@tradebridge/contracts';
import type { MessagingLogger } from '@tradebridge/messaging';
import type { Kysely } from 'kysely';
import {
  markPublished,
  recordPublishFailure,
  releaseRelayLeadership,
  selectPendingEvents,
  tryRelayLeadership,
  type PendingEvent,
} from '../../adapters/postgres/signals.repository';
import type { SignalDb } from '../../adapters/postgres/signal.table';
import { isoFromEpochMicros } from '../../domain';
import type { OutboxWaker } from '../submit-signal/submit-signal';

/** Where the relay publishes: the idempotent EventProducer of @tradebridge/messaging fits. Resolves on broker ack. */
export interface EventPublisher {
  publish(topic: string, key: string, value: object, headers?: Record<string, string>): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly db: Kysely<SignalDb>;
  readonly publisher: EventPublisher;
  readonly logger: MessagingLogger;
  /** Most events published per batch. */
  readonly batchSize: number;
  /**
   * How often the leading relay looks for rows nobody woke it for (other replicas' rows, missed wake-ups), and how
   * often a standby relay tries to become the leader.
   */
  readonly pollIntervalMs: number;
  /** First delay after a failed publication; doubles up to 30 s. */
  readonly retryDelayMs: number;
  /** Called after the marks are committed, with the broker-ack time (µs); for metrics. */
  readonly onPublished?: (events: readonly PendingEvent[], ackedAtUs: number) => void;
}

/**
 * Publishes outbox rows to Kafka and marks them published only after the broker acknowledged them. A crash before the
 * ack leaves the rows unpublished and they are published on restart; a crash after the ack but before the mark
 * publishes them again with the same event id (derived from the signal id), so consumers deduplicate by event_id.
 * Nothing is lost, and the only possible duplicates carry identical ids.
 *
 * One relay at a time publishes: the leader holds a session-level advisory lock on a connection of its own for as
 * long as it runs (a crashed leader's session ends and frees it for a standby). A single publisher keeps the outbox
 * order, hence each source's order, on the topic; and a batch costs two database round trips (read, mark) besides
 * the broker's acknowledgement. Submitters wake their local relay right after their commit; polling catches the rest.
 */
export class OutboxRelay implements OutboxWaker {
  private stopped = true;
  private woken = false;
  private wakeWaiter: (() => void) | null = null;
  private sleepIsWakeable = false;
  private loop: Promise<void> | null = null;
  private consecutiveFailures = 0;
  private leading = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops after the batch in flight (if any) is published and marked, and gives up the leadership. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeWaiter?.();
    await this.loop;
    this.loop = null;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Whether this relay is the one publishing (the others stand by). */
  get isLeader(): boolean {
    return this.leading;
  }

  wake(): void {
    this.woken = true;
    if (this.sleepIsWakeable) this.wakeWaiter?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.options.db.connection().execute((connection) => this.lead(connection));
      } catch (error) {
        // The dedicated connection failed (database restart, network): take a new one after a pause.
        this.leading = false;
        this.options.logger.error({ error: errorText(error) }, 'outbox relay lost its database connection; reconnecting');
        await this.sleep(this.backoffMs(), false);
      }
    }
  }

  private async lead(connection: Kysely<SignalDb>): Promise<void> {
    const { batchSize, pollIntervalMs, logger } = this.options;
    try {
      while (!this.stopped) {
        this.woken = false;
        if (!this.leading) {
          this.leading = await tryRelayLeadership(connection);
          if (!this.leading) {
            await this.sleep(pollIntervalMs, false);
            continue;
          }
          logger.info({}, 'outbox relay is now the leader');
        }
        let published: number;
        try {
          published = await this.publishBatch(connection);
          this.consecutiveFailures = 0;
        } catch (error) {
          const delay = this.backoffMs();
          logger.error({ error: errorText(error), failures: this.consecutiveFailures, retryInMs: delay }, 'outbox relay failed to publish; will retry');
          await this.sleep(delay, false);
          continue;
        }
        if (published >= batchSize || this.woken) continue;
        await this.sleep(pollIntervalMs, true);
      }
    } finally {
      if (this.leading) await releaseRelayLeadership(connection).catch(() => undefined);
      this.leading = false;
    }
  }

  /** Publishes the oldest pending events; returns how many the broker acknowledged. */
  private async publishBatch(connection: Kysely<SignalDb>): Promise<number> {
    const { publisher, batchSize } = this.options;
    const pending = await selectPendingEvents(connection, batchSize);
    if (pending.length === 0) return 0;
    const results = await Promise.allSettled(pending.map((e) => publisher.publish(e.topic, e.key, e.payload as object, { 'event-id': e.eventId })));
    const ackedAtUs = nowMicros();
    const acked = pending.filter((_, i) => results[i]?.status === 'fulfilled');
    const failed = pending.filter((_, i) => results[i]?.status === 'rejected');
    // Only what the broker acknowledged is marked; the rest stays pending and is retried.
    await markPublished(connection, acked, isoFromEpochMicros(ackedAtUs));
    if (acked.length > 0) this.options.onPublished?.(acked, ackedAtUs);
    if (failed.length > 0) {
      const firstError = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
      await recordPublishFailure(connection, failed.map((e) => e.outboxId), errorText(firstError)).catch(() => undefined);
      this.consecutiveFailures += 1;
      throw firstError instanceof Error ? firstError : new Error(errorText(firstError));
    }
    return acked.length;
  }

  private backoffMs(): number {
    return Math.min(30_000, this.options.retryDelayMs * 2 ** Math.min(10, Math.max(0, this.consecutiveFailures - 1)));
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeWaiter = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepIsWakeable = wakeable;
      this.wakeWaiter = done;
      if (this.stopped || (wakeable && this.woken)) done();
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

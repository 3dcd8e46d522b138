import { nowMicros } from '@tradebridge/contracts';
import type { MessagingLogger } from '@tradebridge/messaging';
import type { Kysely } from 'kysely';
import { lockPendingEvents, markPublished, recordPublishFailure, tryRelayLock, type PendingEvent } from '../../adapters/postgres/signals.repository';
import type { SignalDb } from '../../adapters/postgres/signal.table';
import { isoFromEpochMicros } from '../../domain';
import type { OutboxWaker } from '../submit-signal/submit-signal';

const BUSY_RETRY_MS = 20;

/** Where the relay publishes: the idempotent EventProducer of @tradebridge/messaging fits. Resolves on broker ack. */
export interface EventPublisher {
  publish(topic: string, key: string, value: object, headers?: Record<string, string>): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly db: Kysely<SignalDb>;
  readonly publisher: EventPublisher;
  readonly logger: MessagingLogger;
  /** Most events published per transaction. */
  readonly batchSize: number;
  /** How often the relay looks for rows when nobody woke it (other replicas' rows, missed wake-ups). */
  readonly pollIntervalMs: number;
  /** First delay after a failed publication; doubles up to 30 s. */
  readonly retryDelayMs: number;
  /** Called after the marks are committed, with the broker-ack time (µs); for metrics. */
  readonly onPublished?: (events: readonly PendingEvent[], ackedAtUs: number) => void;
}

/**
 * Publishes outbox rows to Kafka and marks them published only after the broker acknowledged them, in the transaction
 * that locked them. A crash before the ack leaves the rows unpublished and they are published on restart; a crash
 * after the ack but before the commit publishes them again, with the same event id (derived from the signal id), so
 * consumers deduplicate by event_id. Nothing is lost, and the only possible duplicates carry identical ids.
 *
 * One relay at a time publishes (transaction-scoped advisory lock), so the outbox order, hence each source's order,
 * is the order on the topic. Submitters wake it right after their commit; polling catches everything else.
 */
export class OutboxRelay implements OutboxWaker {
  private stopped = true;
  private woken = false;
  private wakeWaiter: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private consecutiveFailures = 0;
  private sleepIsWakeable = false;
  /** The last attempt found another relay (another replica) publishing. */
  private lockBusy = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops after the batch in flight (if any) is published and marked. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeWaiter?.();
    await this.loop;
    this.loop = null;
  }

  get running(): boolean {
    return !this.stopped;
  }

  wake(): void {
    this.woken = true;
    if (this.sleepIsWakeable) this.wakeWaiter?.();
  }

  /** Publishes one batch; returns how many events it published. */
  async relayOnce(): Promise<number> {
    const { db, publisher, batchSize } = this.options;
    this.lockBusy = false;
    let acked: PendingEvent[] = [];
    let failed: PendingEvent[] = [];
    let firstError: unknown = null;
    let ackedAtUs = 0;
    try {
      await db.transaction().execute(async (trx) => {
        if (!(await tryRelayLock(trx))) {
          this.lockBusy = true;
          return;
        }
        const locked = await lockPendingEvents(trx, batchSize);
        if (locked.length === 0) return;
        const results = await Promise.allSettled(locked.map((e) => publisher.publish(e.topic, e.key, e.payload as object, { 'event-id': e.eventId })));
        ackedAtUs = nowMicros();
        acked = locked.filter((_, i) => results[i]?.status === 'fulfilled');
        failed = locked.filter((_, i) => results[i]?.status === 'rejected');
        firstError = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason ?? null;
        // Only what the broker acknowledged is marked; the rest stays pending and is retried.
        await markPublished(trx, acked, isoFromEpochMicros(ackedAtUs));
      });
    } catch (error) {
      // The marks were not committed: everything locked is retried (what was acked comes again, same event id).
      await recordPublishFailure(db, [...acked, ...failed].map((e) => e.outboxId), errorText(error)).catch(() => undefined);
      throw error;
    }
    if (acked.length > 0) this.options.onPublished?.(acked, ackedAtUs);
    if (failed.length > 0) {
      await recordPublishFailure(db, failed.map((e) => e.outboxId), errorText(firstError)).catch(() => undefined);
      throw firstError instanceof Error ? firstError : new Error(errorText(firstError));
    }
    return acked.length;
  }

  private async run(): Promise<void> {
    const { batchSize, pollIntervalMs, retryDelayMs, logger } = this.options;
    while (!this.stopped) {
      this.woken = false;
      let published: number;
      try {
        published = await this.relayOnce();
        this.consecutiveFailures = 0;
      } catch (error) {
        this.consecutiveFailures += 1;
        const delay = Math.min(30_000, retryDelayMs * 2 ** Math.min(10, this.consecutiveFailures - 1));
        logger.error({ error: (error as Error)?.message, failures: this.consecutiveFailures, retryInMs: delay }, 'outbox relay failed; will retry');
        await this.sleep(delay, false);
        continue;
      }
      if (published >= batchSize || this.woken) continue;
      // While another replica's relay holds the lock, rows this replica just committed wait for it: look again soon
      // rather than a full poll interval later, because the other relay was not woken for them.
      await this.sleep(this.lockBusy ? Math.min(pollIntervalMs, BUSY_RETRY_MS) : pollIntervalMs, true);
    }
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

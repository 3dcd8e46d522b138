import type { MessagingLogger } from '@tradebridge/messaging';
import type { Kysely } from 'kysely';
import type { ExecutionDb } from '../../adapters/postgres/execution.table';
import { dueIntentIds, unpublishedIntentIds } from '../../adapters/postgres/orders.repository';
import type { IntentExecutor } from '../execute-intent/intent-executor';

/** Settings of the scheduler. */
export interface SchedulerOptions {
  readonly db: Kysely<ExecutionDb>;
  readonly executor: IntentExecutor;
  readonly logger: MessagingLogger;
  readonly pollIntervalMs: number;
  /** IN_FLIGHT/RECEIVED intents untouched for this long belong to a dead worker and are reconciled. */
  readonly leaseMs: number;
  /** Intents resumed at once. */
  readonly concurrency: number;
}

/**
 * Runs what must happen later without holding any Kafka partition: scheduled retries (market closed, long
 * backoff), reconciliations the terminal could not answer yet, intents a dead worker left in flight, and result
 * events whose publication a crash interrupted.
 */
export class RetryScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** Stops polling and waits for the current round. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One round now (tests and operator retries call it). */
  async tick(): Promise<void> {
    const { db, executor, logger } = this.options;
    const now = new Date();
    try {
      const due = await dueIntentIds(db, now, new Date(now.getTime() - this.options.leaseMs), 500);
      for (let i = 0; i < due.length; i += this.options.concurrency) {
        await Promise.all(
          due.slice(i, i + this.options.concurrency).map((id) =>
            executor.resume(id).catch((error: unknown) => logger.error({ intentId: id, error: (error as Error).message }, 'scheduled intent failed; will try again')),
          ),
        );
        if (this.stopped) return;
      }
      const unpublished = await unpublishedIntentIds(db, new Date(now.getTime() - 2_000), 500);
      for (const id of unpublished) await executor.republish(id).catch((error: unknown) => logger.warn({ intentId: id, error: (error as Error).message }, 'republish failed'));
    } catch (error) {
      logger.error({ error: (error as Error).message }, 'scheduler round failed');
    }
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.arm();
      });
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }
}

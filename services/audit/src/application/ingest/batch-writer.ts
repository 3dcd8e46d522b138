import type { AuditRecord } from '../../domain/audit-record';

/** Appends records durably (one transaction); resolves once they are committed. */
export type AppendFn = (records: readonly AuditRecord[]) => Promise<{ inserted: number; duplicates: number }>;

interface Job {
  readonly records: readonly AuditRecord[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for the single chain: batches submitted while a write is in flight are merged into the next
 * transaction (up to maxRows), so many partitions delivering small batches still make few, large inserts. A
 * submitter's promise resolves only when its rows are committed: that is when its offsets may be committed.
 */
export class BatchWriter {
  private readonly pending: Job[] = [];
  private running = false;

  constructor(
    private readonly append: AppendFn,
    private readonly maxRows = 2_000,
    private readonly onWritten?: (result: { inserted: number; duplicates: number; transactions: number; rows: number; ms: number }) => void,
  ) {}

  /** Queues records for the next transaction; resolves when they are durable, rejects if that transaction failed. */
  submit(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Jobs waiting for a transaction. */
  get queued(): number {
    return this.pending.length;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const jobs: Job[] = [];
        let rows = 0;
        while (this.pending.length > 0 && (jobs.length === 0 || rows + this.pending[0]!.records.length <= this.maxRows)) {
          const job = this.pending.shift()!;
          jobs.push(job);
          rows += job.records.length;
        }
        const started = performance.now();
        try {
          const result = await this.append(jobs.flatMap((j) => j.records));
          this.onWritten?.({ ...result, transactions: 1, rows, ms: performance.now() - started });
          for (const j of jobs) j.resolve();
        } catch (error) {
          for (const j of jobs) j.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

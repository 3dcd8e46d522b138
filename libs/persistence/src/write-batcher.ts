/** How a {@link WriteBatcher} writes a batch: one result per item, in the items' order. */
export type FlushBatch<T, R> = (items: readonly T[]) => Promise<readonly R[]>;

export interface WriteBatcherOptions<T, R> {
  /** Writes many items in one statement (one round trip, one commit). */
  readonly flush: FlushBatch<T, R>;
  /**
   * Writes one item on its own. Used when a batch fails, so that one bad item fails alone and the others still land;
   * defaults to `flush([item])`.
   */
  readonly single?: (item: T) => Promise<R>;
  /** Most items per statement (default 500). */
  readonly maxBatch?: number;
  /** Batches written at the same time (default 2); items arriving meanwhile wait and form the next batch. */
  readonly maxConcurrent?: number;
}

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for writes that arrive together: items submitted in the same turn of the event loop, or while earlier
 * batches are being written, go to the database as one statement. At low load an item waits one event-loop turn; under
 * a fan-out of hundreds, hundreds of round trips and commits become a handful. Each caller still gets its own result
 * or its own error.
 */
export class WriteBatcher<T, R> {
  private readonly maxBatch: number;
  private readonly maxConcurrent: number;
  private queue: Waiting<T, R>[] = [];
  private running = 0;
  private scheduled = false;

  constructor(private readonly options: WriteBatcherOptions<T, R>) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxConcurrent = options.maxConcurrent ?? 2;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${options.maxBatch}`);
    if (!Number.isInteger(this.maxConcurrent) || this.maxConcurrent < 1) throw new RangeError(`maxConcurrent must be a positive integer, got ${options.maxConcurrent}`);
  }

  /** Items waiting for a batch (for metrics and tests). */
  get pending(): number {
    return this.queue.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.slice(batch.length);
      this.running += 1;
      void this.write(batch).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async write(batch: Waiting<T, R>[]): Promise<void> {
    let results: readonly R[] | undefined;
    try {
      results = await this.options.flush(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} items returned ${results.length} results`);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad item must not fail the others: write them one by one.
      const single =
        this.options.single ??
        (async (item: T) => {
          const one = await this.options.flush([item]);
          if (one.length !== 1) throw new Error(`a batch of 1 item returned ${one.length} results`);
          return one[0]!;
        });
      await Promise.all(batch.map((w) => single(w.item).then(w.resolve, w.reject)));
      return;
    }
    batch.forEach((w, i) => w.resolve(results![i]!));
  }
}

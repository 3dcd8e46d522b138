/**
 * Runs asynchronous tasks so that tasks sharing a key run strictly one after another in submission order, tasks with
 * different keys run concurrently, and no more than `maxConcurrency` run at once. Keys waiting for a free slot are
 * served first come, first served, so one busy key cannot starve the others.
 */
export class KeyedScheduler {
  private readonly queues = new Map<string, Array<() => Promise<void>>>();
  private readonly readyKeys: string[] = [];
  private readyHead = 0;
  private runningCount = 0;
  private queuedCount = 0;
  private readonly waiters: Array<{ below: number; resolve: () => void }> = [];

  constructor(
    private readonly maxConcurrency: number,
    private readonly onTaskError: (error: unknown) => void = () => undefined,
  ) {
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new Error(`maxConcurrency must be a positive integer, got ${maxConcurrency}`);
    }
  }

  /** Queues `task` behind every earlier task of `key`. A task that throws is reported to onTaskError. */
  submit(key: string, task: () => Promise<void>): void {
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.queues.set(key, queue);
      this.readyKeys.push(key);
    }
    queue.push(task);
    this.queuedCount += 1;
    this.pump();
  }

  /** Tasks running now. */
  get running(): number {
    return this.runningCount;
  }

  /** Tasks submitted and not finished (running or waiting). */
  get size(): number {
    return this.runningCount + this.queuedCount;
  }

  /** Resolves once fewer than `n` tasks are submitted and unfinished (n = 1: idle). */
  whenSizeBelow(n: number): Promise<void> {
    if (this.size < n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below: n, resolve }));
  }

  /** Resolves once every submitted task has finished. */
  whenIdle(): Promise<void> {
    return this.whenSizeBelow(1);
  }

  private pump(): void {
    while (this.runningCount < this.maxConcurrency && this.readyHead < this.readyKeys.length) {
      const key = this.readyKeys[this.readyHead]!;
      this.readyHead += 1;
      if (this.readyHead > 1024 && this.readyHead * 2 > this.readyKeys.length) {
        this.readyKeys.splice(0, this.readyHead);
        this.readyHead = 0;
      }
      const task = this.queues.get(key)!.shift()!;
      this.queuedCount -= 1;
      this.runningCount += 1;
      void this.runOne(key, task);
    }
  }

  private async runOne(key: string, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.onTaskError(error);
    } finally {
      this.runningCount -= 1;
      const queue = this.queues.get(key)!;
      if (queue.length > 0) this.readyKeys.push(key);
      else this.queues.delete(key);
      this.pump();
      this.notifyWaiters();
    }
  }

  private notifyWaiters(): void {
    if (this.waiters.length === 0) return;
    const size = this.size;
    for (let i = this.waiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.waiters[i]!;
      if (size < waiter.below) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

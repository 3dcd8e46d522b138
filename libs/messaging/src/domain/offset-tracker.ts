/**
 * Tracks the offsets of one partition from the moment they are fetched until they are handled, and tells which
 * offset may be committed: the one after the longest completed prefix. Offsets need not be contiguous (compaction
 * and transaction markers leave gaps); they must only be added in increasing order.
 */
export class PartitionOffsetTracker {
  private readonly pending: bigint[] = [];
  private head = 0;
  private readonly done = new Set<bigint>();
  private lastAdded: bigint | undefined;
  private committed: bigint | undefined;
  private completedAny = false;

  /** Whether `offset` is at or below the last added one (already seen in this tracker's lifetime). */
  hasSeen(offset: string | bigint): boolean {
    return this.lastAdded !== undefined && BigInt(offset) <= this.lastAdded;
  }

  /** Registers a fetched offset that is about to be handled. */
  add(offset: string | bigint): void {
    const value = BigInt(offset);
    if (this.lastAdded !== undefined && value <= this.lastAdded) {
      throw new Error(`offset ${value} added after ${this.lastAdded}: offsets must increase`);
    }
    this.lastAdded = value;
    this.pending.push(value);
  }

  /** Marks an offset as handled (successfully or dead-lettered); completing twice is harmless. */
  complete(offset: string | bigint): void {
    const value = BigInt(offset);
    if (!this.isPending(value)) return;
    this.done.add(value);
    while (this.head < this.pending.length && this.done.has(this.pending[this.head]!)) {
      this.done.delete(this.pending[this.head]!);
      this.head += 1;
      this.completedAny = true;
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * Returns the offset to commit (the next one to read after the completed prefix), or undefined when nothing new
   * has completed since the last commit.
   */
  commitCandidate(): string | undefined {
    const next = this.nextToRead();
    if (next === undefined) return undefined;
    if (this.committed !== undefined && next <= this.committed) return undefined;
    return next.toString();
  }

  /** Records that `offset` (as returned by commitCandidate) reached the broker. */
  markCommitted(offset: string | bigint): void {
    const value = BigInt(offset);
    if (this.committed === undefined || value > this.committed) this.committed = value;
  }

  /** Number of added offsets not yet handled. */
  get inFlight(): number {
    return this.pending.length - this.head - this.done.size;
  }

  /** The last committed offset, if any commit happened through this tracker. */
  get lastCommitted(): string | undefined {
    return this.committed?.toString();
  }

  private nextToRead(): bigint | undefined {
    if (!this.completedAny) return undefined;
    if (this.head < this.pending.length) return this.pending[this.head]!;
    return this.lastAdded! + 1n;
  }

  private isPending(value: bigint): boolean {
    if (this.head >= this.pending.length) return false;
    if (value < this.pending[this.head]! || value > this.lastAdded!) return false;
    return !this.done.has(value) && binarySearch(this.pending, value, this.head) >= 0;
  }
}

function binarySearch(values: bigint[], target: bigint, from: number): number {
  let lo = from;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid]!;
    if (v === target) return mid;
    if (v < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

import { WriteBatcher } from './write-batcher';

const tick = () => new Promise((r) => setImmediate(r));

describe('WriteBatcher', () => {
  it('given items submitted in the same turn, when flushed, then they go as one batch and each caller gets its own result', async () => {
    const batches: number[][] = [];
    const b = new WriteBatcher<number, number>({ flush: async (items) => (batches.push([...items]), items.map((x) => x * 10)) });
    const results = await Promise.all([1, 2, 3].map((x) => b.submit(x)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('given more items than maxBatch, then they are split in order', async () => {
    const batches: number[][] = [];
    const b = new WriteBatcher<number, number>({ flush: async (items) => (batches.push([...items]), [...items]), maxBatch: 2, maxConcurrent: 5 });
    await Promise.all([1, 2, 3, 4, 5].map((x) => b.submit(x)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('given batches in flight at the limit, when more items arrive, then they wait and form the next batch together', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new WriteBatcher<number, number>({
      flush: async (items) => {
        batches.push([...items]);
        if (batches.length === 1) await gate;
        return [...items];
      },
      maxConcurrent: 1,
    });
    const first = b.submit(1);
    await tick();
    const later = [2, 3, 4].map((x) => b.submit(x));
    await tick();
    expect(b.pending).toBe(3);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('given a batch that fails because of one item, then that item fails alone and the others succeed', async () => {
    const b = new WriteBatcher<number, number>({
      flush: async (items) => {
        if (items.includes(13)) throw new Error(`value too long for item 13`);
        return [...items];
      },
    });
    const outcomes = await Promise.allSettled([12, 13, 14].map((x) => b.submit(x)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toMatch(/item 13/);
  });

  it('given a flush that returns the wrong number of results, then every caller gets an error instead of a wrong answer', async () => {
    const b = new WriteBatcher<number, number>({ flush: async () => [] });
    const outcomes = await Promise.allSettled([1, 2].map((x) => b.submit(x)));
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
  });

  it('rejects nonsensical limits', () => {
    expect(() => new WriteBatcher({ flush: async () => [], maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => new WriteBatcher({ flush: async () => [], maxConcurrent: 1.5 })).toThrow(/maxConcurrent/);
  });
});

import type { AuditRecord } from '../../domain/audit-record';
import { BatchWriter } from './batch-writer';

const rec = (n: number) => ({ kafkaOffset: String(n) }) as unknown as AuditRecord;

describe('BatchWriter', () => {
  it('given batches submitted while a write is in flight, when the write ends, then they go together in the next transaction', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const writer = new BatchWriter(async (records) => {
      calls.push(records.map((r) => r.kafkaOffset));
      if (calls.length === 1) await first;
      return { inserted: records.length, duplicates: 0 };
    });
    const a = writer.submit([rec(1)]);
    const b = writer.submit([rec(2), rec(3)]);
    const c = writer.submit([rec(4)]);
    release();
    await Promise.all([a, b, c]);
    expect(calls).toEqual([['1'], ['2', '3', '4']]);
  });

  it('given a failing transaction, when submitted, then every submitter of that transaction is rejected and later ones still run', async () => {
    let fail = true;
    const writer = new BatchWriter(async (records) => {
      if (fail) {
        fail = false;
        throw new Error('db down');
      }
      return { inserted: records.length, duplicates: 0 };
    });
    await expect(writer.submit([rec(1)])).rejects.toThrow('db down');
    await expect(writer.submit([rec(2)])).resolves.toBeUndefined();
  });

  it('given more rows than maxRows waiting, when drained, then transactions stay within maxRows', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = new BatchWriter(async (records) => {
      sizes.push(records.length);
      if (sizes.length === 1) await gate;
      return { inserted: records.length, duplicates: 0 };
    }, 3);
    const all = [writer.submit([rec(0)]), writer.submit([rec(1), rec(2)]), writer.submit([rec(3), rec(4)]), writer.submit([rec(5)])];
    release();
    await Promise.all(all);
    expect(sizes).toEqual([1, 2, 3]);
  });
});

import { KeyedScheduler } from './key-scheduler';

/** A task whose completion the test controls. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedScheduler', () => {
  it('given two tasks of one key, when the first is slow, then the second waits for it', async () => {
    const scheduler = new KeyedScheduler(10);
    const log: string[] = [];
    const first = gate();
    scheduler.submit('a', async () => {
      log.push('a1 start');
      await first.promise;
      log.push('a1 end');
    });
    scheduler.submit('a', async () => {
      log.push('a2 start');
    });
    await flush();
    expect(log).toEqual(['a1 start']);
    first.open();
    await scheduler.whenIdle();
    expect(log).toEqual(['a1 start', 'a1 end', 'a2 start']);
  });

  it('given tasks of different keys, when one is slow, then the others run meanwhile', async () => {
    const scheduler = new KeyedScheduler(10);
    const slow = gate();
    const done: string[] = [];
    scheduler.submit('a', async () => {
      await slow.promise;
      done.push('a');
    });
    scheduler.submit('b', async () => {
      done.push('b');
    });
    scheduler.submit('c', async () => {
      done.push('c');
    });
    await flush();
    expect(done).toEqual(['b', 'c']);
    expect(scheduler.running).toBe(1);
    slow.open();
    await scheduler.whenIdle();
    expect(done).toEqual(['b', 'c', 'a']);
  });

  it('never runs more tasks at once than the concurrency cap', async () => {
    const scheduler = new KeyedScheduler(3);
    let running = 0;
    let peak = 0;
    for (let i = 0; i < 50; i += 1) {
      scheduler.submit(`k${i % 10}`, async () => {
        running += 1;
        peak = Math.max(peak, running);
        await flush();
        running -= 1;
      });
    }
    await scheduler.whenIdle();
    expect(peak).toBe(3);
  });

  it('keeps per-key order across many keys under the cap', async () => {
    const scheduler = new KeyedScheduler(4);
    const seen = new Map<string, number[]>();
    const active = new Set<string>();
    const overlaps: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      const key = `k${(i * 7) % 13}`;
      scheduler.submit(key, async () => {
        if (active.has(key)) overlaps.push(key);
        active.add(key);
        await new Promise((r) => setTimeout(r, (i * 31) % 3));
        seen.set(key, [...(seen.get(key) ?? []), i]);
        active.delete(key);
      });
    }
    await scheduler.whenIdle();
    for (const order of seen.values()) expect(order).toEqual([...order].sort((a, b) => a - b));
    expect([...seen.values()].flat()).toHaveLength(200);
    expect(overlaps).toEqual([]);
  });

  it('given a task that throws, when it fails, then the error is reported and the key moves on', async () => {
    const errors: unknown[] = [];
    const scheduler = new KeyedScheduler(1, (e) => errors.push(e));
    const ran: string[] = [];
    scheduler.submit('a', async () => {
      throw new Error('boom');
    });
    scheduler.submit('a', async () => {
      ran.push('second');
    });
    await scheduler.whenIdle();
    expect(ran).toEqual(['second']);
    expect(errors).toHaveLength(1);
  });

  it('serves waiting keys first come first served', async () => {
    const scheduler = new KeyedScheduler(1);
    const order: string[] = [];
    const block = gate();
    scheduler.submit('a', () => block.promise.then(() => void order.push('a1')));
    scheduler.submit('a', async () => void order.push('a2'));
    scheduler.submit('b', async () => void order.push('b1'));
    block.open();
    await scheduler.whenIdle();
    // b was waiting before a's second task became ready, so it goes first
    expect(order).toEqual(['a1', 'b1', 'a2']);
  });

  it('resolves size waiters once enough tasks have finished', async () => {
    const scheduler = new KeyedScheduler(2);
    const gates = [gate(), gate(), gate()];
    gates.forEach((g, i) => scheduler.submit(`k${i}`, () => g.promise));
    let resolved = false;
    const waiting = scheduler.whenSizeBelow(2).then(() => (resolved = true));
    await flush();
    expect(resolved).toBe(false);
    gates[0]!.open();
    await flush();
    expect(resolved).toBe(false);
    gates[1]!.open();
    await waiting;
    expect(scheduler.size).toBe(1);
    gates[2]!.open();
    await scheduler.whenIdle();
  });

  it('rejects a non-positive concurrency', () => {
    expect(() => new KeyedScheduler(0)).toThrow(/positive integer/);
  });
});

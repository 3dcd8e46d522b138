import { AccountGate } from './support';

describe('AccountGate', () => {
  it('given a cap of 2, then at most 2 calls of one account run at once while other accounts are not held', async () => {
    const gate = new AccountGate(2);
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const work = () =>
      gate.run('a', async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => releases.push(r));
        running -= 1;
      });
    const calls = [work(), work(), work(), work()];
    await new Promise((r) => setImmediate(r));
    expect(releases.length).toBe(2);
    let otherRan = false;
    await gate.run('b', async () => {
      otherRan = true;
    });
    expect(otherRan).toBe(true);
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(calls);
    expect(peak).toBe(2);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, withLock } from '../lib/lock.cjs';

describe('withLock (the file lock that serialises concurrent `up` calls)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'devstack-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs critical sections one after the other', async () => {
    // given two holders that record when they enter and leave
    const file = join(dir, 'a.lock');
    const events: string[] = [];
    const section = (name: string) => async () => {
      events.push(`${name}:in`);
      await sleep(30);
      events.push(`${name}:out`);
    };
    // when they ask for the lock at the same time
    await Promise.all([withLock(file, section('a')), withLock(join(dir, '.', 'a.lock'), section('b'))]);
    // then they never overlap, and the lock file is gone afterwards
    expect(events).toEqual(['a:in', 'a:out', 'b:in', 'b:out']);
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock whose owner process is gone', async () => {
    // given a lock file left by a process that has exited
    const file = join(dir, 'stale.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(file, dead.stdout);
    // when another process asks for it, then it gets it without waiting for the timeout
    const owner = await withLock(file, () => readFileSync(file, 'utf8'), { timeoutMs: 2000 });
    expect(owner).toBe(String(process.pid));
  });

  it('gives up with a clear error while a live owner keeps it', async () => {
    // given a lock held by a live process (our parent, which never releases it during the test)
    const file = join(dir, 'held.lock');
    writeFileSync(file, String(process.ppid));
    // when we ask with a short timeout, then it fails naming the owner
    await expect(withLock(file, () => 'never', { timeoutMs: 300 })).rejects.toThrow(`held by pid ${process.ppid}`);
  });
});

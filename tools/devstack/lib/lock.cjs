'use strict';
// A cross-process file lock: several Jest runs may call `up` at the same moment. The lock file holds the owner's pid;
// a lock whose owner is gone is taken over, so a crashed run never blocks the next one.
const fs = require('node:fs');
const path = require('node:path');

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Callers inside one process queue up here first; the file only arbitrates between processes.
const inProcess = new Map();

/**
 * Runs `fn` while holding the lock file `file`; waits up to `timeoutMs` for another holder, in this process or
 * another. Not re-entrant: a nested call on the same file would wait for itself.
 */
function withLock(file, fn, options = {}) {
  const key = path.resolve(file);
  const previous = inProcess.get(key) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => withFileLock(key, fn, options));
  const tail = run.catch(() => {});
  inProcess.set(key, tail);
  tail.then(() => {
    if (inProcess.get(key) === tail) inProcess.delete(key);
  });
  return run;
}

async function withFileLock(file, fn, { timeoutMs = 10 * 60_000, onWait } = {}) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(file, 'utf8').trim());
      } catch {
        continue; // released between our attempts
      }
      // Our own pid can only be a leftover here (in-process callers are queued above), so it counts as stale.
      if (owner === process.pid || !isAlive(owner)) {
        // A stale lock; remove it only if it still names the dead owner, then race for it again.
        try {
          if (Number(fs.readFileSync(file, 'utf8').trim()) === owner) fs.rmSync(file, { force: true });
        } catch {
          /* someone else cleaned it up */
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for lock ${file} held by pid ${owner}`);
      if (!announced && onWait) onWait(owner);
      announced = true;
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      if (Number(fs.readFileSync(file, 'utf8').trim()) === process.pid) fs.rmSync(file, { force: true });
    } catch {
      /* already gone */
    }
  }
}

module.exports = { withLock, isAlive, sleep };

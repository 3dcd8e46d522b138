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

/**
 * Runs `fn` while holding the lock file `file`; waits up to `timeoutMs` for another holder.
 * Re-entrant within one process (the same pid may nest calls).
 */
async function withLock(file, fn, { timeoutMs = 10 * 60_000, onWait } = {}) {
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
      if (owner === process.pid) return fn();
      if (!isAlive(owner)) {
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

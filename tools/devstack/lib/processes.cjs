'use strict';
// Background JVM processes with pid files. A pid file only counts while the process with that pid still carries our
// marker on its command line, so a recycled pid never makes `down` kill a stranger.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { isAlive, sleep } = require('./lock.cjs');

function cmdlineOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** The pid recorded in `pidFile` if that process is alive and still ours, else undefined. */
function runningPid(pidFile) {
  let record;
  try {
    record = JSON.parse(fs.readFileSync(pidFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isAlive(record.pid)) return undefined;
  const cmdline = cmdlineOf(record.pid);
  if (cmdline !== undefined && !cmdline.includes(record.marker)) return undefined;
  return record.pid;
}

/** Starts `command args` detached, output appended to `logFile`, and records it in `pidFile`. */
function spawnDaemon({ command, args, logFile, pidFile, marker, fingerprint, cwd, env = process.env, uid, gid }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  // Keeps logs bounded: a log past 20 MB becomes <name>.1 (replacing the previous one) when the process restarts.
  try {
    if (fs.statSync(logFile).size > 20 * 1024 * 1024) fs.renameSync(logFile, `${logFile}.1`);
  } catch {
    /* no log yet */
  }
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n===== devstack: starting at ${new Date().toISOString()}: ${command} ${args.join(' ')}\n`);
  const ids = uid === undefined ? {} : { uid, gid };
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', fd, fd], env, ...ids });
  fs.closeSync(fd);
  child.unref();
  fs.writeFileSync(pidFile, JSON.stringify({ pid: child.pid, marker, fingerprint, startedAt: new Date().toISOString() }) + '\n');
  return child;
}

/** The fingerprint recorded when the process of `pidFile` was started (undefined for older pid files). */
function recordedFingerprint(pidFile) {
  try {
    return JSON.parse(fs.readFileSync(pidFile, 'utf8')).fingerprint;
  } catch {
    return undefined;
  }
}

/** `signal` (SIGTERM) to the process group, wait up to `timeoutMs`, then SIGKILL. Returns how it ended: 'not-running' | 'terminated' | 'killed'. */
async function stopProcess(pidFile, { timeoutMs = 20_000, signal = 'SIGTERM' } = {}) {
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    fs.rmSync(pidFile, { force: true });
    return 'not-running';
  }
  const signalGroup = (sig) => {
    try {
      process.kill(-pid, sig); // the JVM is a process-group leader (detached)
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    }
  };
  signalGroup(signal);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      fs.rmSync(pidFile, { force: true });
      return 'terminated';
    }
    await sleep(200);
  }
  signalGroup('SIGKILL');
  while (isAlive(pid)) await sleep(100);
  fs.rmSync(pidFile, { force: true });
  return 'killed';
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function portInUse(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The last `lines` lines of a log file (for error messages). */
function tail(file, lines = 30) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

module.exports = { cmdlineOf, recordedFingerprint, runningPid, spawnDaemon, stopProcess, portInUse, tail, isAlive };

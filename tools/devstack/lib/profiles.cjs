'use strict';
// Profiles and on-disk layout of the local stack. Plain CommonJS so that the CLI, the Jest global setup and the
// TypeScript API all run the same code without a build step.
const fs = require('node:fs');
const path = require('node:path');

/** Repository root (tools/devstack/lib -> ../../..). */
const repoRoot = path.resolve(__dirname, '..', '..', '..');

const pomFile = path.join(repoRoot, 'tools', 'devstack', 'maven', 'pom.xml');

/** Versions pinned in tools/devstack/maven/pom.xml (the single place to change them). */
const versions = Object.freeze(
  (() => {
    const pom = fs.readFileSync(pomFile, 'utf8');
    const prop = (name) => {
      const m = new RegExp(`<${name.replace('.', '\\.')}>([^<]+)</`).exec(pom);
      if (!m) throw new Error(`${pomFile} has no <${name}> property`);
      return m[1].trim();
    };
    return { kafka: prop('kafka.version'), apicurio: prop('apicurio.version') };
  })(),
);

const profiles = Object.freeze({
  dev: Object.freeze({
    name: 'dev',
    kafkaPort: 9092,
    controllerPort: 9093,
    registryPort: 8081,
    database: 'tradebridge',
    // The dev registry keeps its schemas across restarts in PostgreSQL; tests use Apicurio's in-memory store.
    registryStorage: 'postgresql',
    registryDatabase: 'tradebridge_registry',
    ephemeralKafka: false,
  }),
  test: Object.freeze({
    name: 'test',
    kafkaPort: 19092,
    controllerPort: 19093,
    registryPort: 18081,
    database: 'tradebridge_test',
    registryStorage: 'memory',
    registryDatabase: undefined,
    // Test topics are disposable and the in-memory registry forgets its schema ids on restart anyway: a freshly
    // started test broker begins with empty data, so thousands of leftover test topics never pile up.
    ephemeralKafka: true,
  }),
});

/** Returns the profile named `name`, or throws listing the valid names. */
function getProfile(name) {
  const p = profiles[name ?? 'dev'];
  if (!p) throw new Error(`unknown profile "${name}": use one of ${Object.keys(profiles).join(', ')}`);
  return p;
}

/** Data, logs and pid files of one profile live under .devstack/<profile>/ (gitignored). */
function profilePaths(profile) {
  const base = process.env.TRADEBRIDGE_DEVSTACK_HOME
    ? path.resolve(process.env.TRADEBRIDGE_DEVSTACK_HOME)
    : path.join(repoRoot, '.devstack');
  const dir = path.join(base, profile.name);
  return {
    base,
    dir,
    logs: path.join(dir, 'logs'),
    run: path.join(dir, 'run'),
    kafkaData: path.join(dir, 'kafka-data'),
    kafkaConfig: path.join(dir, 'kafka-server.properties'),
    kafkaLog4j: path.join(dir, 'kafka-log4j2.properties'),
    lock: path.join(base, `${profile.name}.lock`),
  };
}

/** Unpacked Kafka jars and the Apicurio app; shared by all profiles of this checkout. */
function cachePaths() {
  const dir = process.env.TRADEBRIDGE_DEVSTACK_CACHE
    ? path.resolve(process.env.TRADEBRIDGE_DEVSTACK_CACHE)
    : path.join(repoRoot, '.devstack', 'cache');
  return {
    dir,
    kafka: path.join(dir, `kafka-${versions.kafka}`),
    registry: path.join(dir, `apicurio-registry-${versions.apicurio}`),
    lock: path.join(dir, '..', 'cache.lock'),
    pom: pomFile,
  };
}

/** Default database URL of a profile; DATABASE_URL overrides it. */
function databaseUrl(profile, env = process.env) {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  return `postgres://postgres@127.0.0.1:5432/${profile.database}`;
}

/** Endpoints the stack of `profile` serves, in the form clients and env vars want them. */
function endpoints(profile, env = process.env) {
  return {
    kafkaBrokers: [`127.0.0.1:${profile.kafkaPort}`],
    schemaRegistryUrl: `http://127.0.0.1:${profile.registryPort}/apis/ccompat/v7`,
    registryBaseUrl: `http://127.0.0.1:${profile.registryPort}`,
    databaseUrl: databaseUrl(profile, env),
  };
}

module.exports = { repoRoot, versions, profiles, getProfile, profilePaths, cachePaths, databaseUrl, endpoints };

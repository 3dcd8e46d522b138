'use strict';
// Java detection and the Maven-driven download of Kafka and Apicurio into the cache folder.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { cachePaths, versions } = require('./profiles.cjs');
const { withLock } = require('./lock.cjs');

class DevstackError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DevstackError';
  }
}

/** The java executable: $JAVA_HOME/bin/java when set, else `java` from PATH; checked to be Java 17 or newer. */
function findJava() {
  const candidate = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const r = spawnSync(candidate, ['-version'], { encoding: 'utf8' });
  if (r.error) {
    throw new DevstackError(
      `Java was not found (${candidate}: ${r.error.code ?? r.error.message}). Kafka 4 and Apicurio need Java 17 or newer: ` +
        'install a JDK 17+ and put it on PATH or set JAVA_HOME.',
    );
  }
  const text = `${r.stderr}${r.stdout}`;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (!(major >= 17)) {
    throw new DevstackError(`Java 17 or newer is required (found: ${text.split('\n')[0] || 'unknown'} at ${candidate}). Set JAVA_HOME to a JDK 17+.`);
  }
  return { java: candidate, major };
}

// 3.9.0 tolerates the app's missing parent POM when resolving a single artifact; 3.8.1 and 3.11.0 refuse it.
const DEPENDENCY_PLUGIN = '3.9.0';

function pomHash(pom) {
  return crypto.createHash('sha256').update(fs.readFileSync(pom)).digest('hex').slice(0, 16);
}

function runMaven(args, log, cwd) {
  const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
  const started = Date.now();
  const r = spawnSync(mvn, ['-B', '-q', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) {
    throw new DevstackError(`Maven (mvn) was not found on PATH (${r.error.code ?? r.error.message}); it downloads Kafka and Apicurio from Maven Central.`);
  }
  if (r.status !== 0) {
    throw new DevstackError(`mvn ${args.join(' ')} failed (exit ${r.status}):\n${(r.stdout + r.stderr).trim().slice(-4000)}`);
  }
  log(`  mvn ${args[args.length - 1].replace(/^-D[^=]*=/, '')} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Finds the Quarkus launcher of the unpacked Apicurio app (its location changed between 3.x releases). */
function findRegistryJar(dir) {
  const direct = ['quarkus-run.jar', path.join('quarkus-app', 'quarkus-run.jar')].map((p) => path.join(dir, p)).find((p) => fs.existsSync(p));
  if (direct) return direct;
  const runner = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => /^apicurio-registry-app-.*-runner\.jar$/.test(f)) : undefined;
  return runner ? path.join(dir, runner) : undefined;
}

/**
 * Makes sure the Kafka jars and the Apicurio app are in the cache, fetching them through Maven when missing or when
 * the POM changed. Returns the Kafka classpath and the registry launcher jar.
 */
async function ensureArtifacts(log = () => {}) {
  const c = cachePaths();
  const hash = pomHash(c.pom);
  const kafkaStamp = path.join(c.kafka, '.stamp');
  const registryStamp = path.join(c.registry, '.stamp');
  const fresh = (stamp) => fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash;

  if (!fresh(kafkaStamp) || !fresh(registryStamp)) {
    await withLock(c.lock, async () => {
      if (!fresh(kafkaStamp)) {
        log(`fetching Apache Kafka ${versions.kafka} jars through Maven (cached in ~/.m2 after the first time)...`);
        fs.rmSync(c.kafka, { recursive: true, force: true });
        runMaven(['-f', c.pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${path.join(c.kafka, 'libs')}`], log);
        fs.writeFileSync(kafkaStamp, hash + '\n');
      }
      if (!fresh(registryStamp)) {
        log(`fetching Apicurio Registry ${versions.apicurio} through Maven (about 160 MB the first time)...`);
        fs.rmSync(c.registry, { recursive: true, force: true });
        // Run outside any project: inside one, Maven insists on the app's parent POM, which Central does not serve.
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'devstack-mvn-'));
        try {
          runMaven(
            [
              `org.apache.maven.plugins:maven-dependency-plugin:${DEPENDENCY_PLUGIN}:unpack`,
              `-Dartifact=io.apicurio:apicurio-registry-app:${versions.apicurio}:tar.gz:all`,
              `-DoutputDirectory=${c.registry}`,
            ],
            log,
            scratch,
          );
        } finally {
          fs.rmSync(scratch, { recursive: true, force: true });
        }
        if (!findRegistryJar(c.registry)) throw new DevstackError(`no quarkus-run.jar or *-runner.jar found in ${c.registry}`);
        fs.writeFileSync(registryStamp, hash + '\n');
      }
    }, { onWait: (pid) => log(`waiting for pid ${pid}, which is fetching the stack artifacts...`) });
  }
  return { kafkaClasspath: path.join(c.kafka, 'libs', '*'), registryJar: findRegistryJar(c.registry) };
}

module.exports = { DevstackError, findJava, ensureArtifacts, findRegistryJar };

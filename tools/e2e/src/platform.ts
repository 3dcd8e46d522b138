/**
 * The platform launcher: the infrastructure (devstack profile), the migrations, the five services and the MT5 broker
 * simulator, each as its own process with its own log file, started in order and awaited on their readiness
 * endpoints; stopped with SIGTERM, then SIGKILL.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '@tradebridge/contracts';
import { envFor, up, type ProfileName } from '@tradebridge/devstack';

/** The processes of the platform. */
export const SERVICES = ['signal', 'risk', 'execution', 'sync', 'audit'] as const;
export type ServiceName = (typeof SERVICES)[number];
export type ProcessName = ServiceName | 'sim';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Default ports of the dev profile (the services' own defaults; the simulator's CLI default). */
export const DEFAULT_PORTS: Record<ProcessName, number> = { signal: 3001, risk: 3002, execution: 3003, sync: 3004, audit: 3005, sim: 7300 };

const PORT_ENV: Record<ServiceName, string> = {
  signal: 'SIGNAL_HTTP_PORT',
  risk: 'RISK_HTTP_PORT',
  execution: 'EXECUTION_HTTP_PORT',
  sync: 'SYNC_HTTP_PORT',
  audit: 'AUDIT_HTTP_PORT',
};
const HOST_ENV: Record<ServiceName, string> = {
  signal: 'SIGNAL_HTTP_HOST',
  risk: 'RISK_HTTP_HOST',
  execution: 'EXECUTION_HTTP_HOST',
  sync: 'SYNC_HTTP_HOST',
  audit: 'AUDIT_HTTP_HOST',
};
/** Consumer group variable of each Kafka-consuming service. */
const GROUP_ENV: Partial<Record<ServiceName, string>> = {
  risk: 'RISK_CONSUMER_GROUP',
  execution: 'EXECUTION_GROUP_ID',
  sync: 'SYNC_GROUP_ID',
  audit: 'AUDIT_CONSUMER_GROUP',
};

export interface SimOptions {
  seed?: number;
  /** `real` (default): market time follows the wall clock. */
  clock?: 'real' | 'manual';
  startTime?: string;
  tickMs?: number;
  /** Fixed broker latency on every demo account the CLI creates (accounts created later get it through a fault). */
  latencyMs?: number;
}

export interface PlatformOptions {
  /** devstack profile whose Kafka, registry and PostgreSQL the platform uses. */
  profile: ProfileName;
  /** Ports; 0 picks a free one. Default: DEFAULT_PORTS for dev, free ports for test. */
  ports?: Partial<Record<ProcessName, number>>;
  /** Database of the services; default the profile's database. */
  databaseUrl?: string;
  /** Prefix of physical topic names (and of the consumer groups); default none. */
  topicPrefix?: string;
  /** Where the process logs go; default .devstack/<profile>/logs. */
  logsDir?: string;
  /** Where account credentials are written for execution and sync; default .devstack/<profile>/secrets. */
  secretsDir?: string;
  /** Compile the workspace first (incremental tsc -b); default true. */
  build?: boolean;
  /** Start the devstack profile (idempotent); default true. */
  startInfra?: boolean;
  /** Run the migrations of every service before starting them; default true. */
  migrate?: boolean;
  /** Environment for every process, and per process. */
  env?: Record<string, string>;
  serviceEnv?: Partial<Record<ProcessName, Record<string, string>>>;
  sim?: SimOptions;
  /** Readiness deadline per process; default 600 s (a 2-core machine under load takes minutes to boot five services). */
  readyTimeoutMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** Raised when a process does not become ready; the message names its log file and shows its tail. */
export class PlatformError extends Error {}

interface Managed {
  readonly name: ProcessName;
  readonly port: number;
  readonly logFile: string;
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  child?: ChildProcess;
  exited?: Promise<void>;
}

/** The signal service's admin token the launcher configures (the admin API is off without one). */
export const SIGNAL_ADMIN_TOKEN = 'e2e-signal-admin-token-0123456789';
export const EXECUTION_OPERATOR_TOKEN = 'e2e-execution-operator-token-0123456789';

/** A running platform. */
export class Platform {
  private readonly procs = new Map<ProcessName, Managed>();
  private stopping = false;

  private constructor(
    readonly profile: ProfileName,
    readonly infra: { kafkaBrokers: string[]; schemaRegistryUrl: string; databaseUrl: string },
    readonly topicPrefix: string,
    readonly logsDir: string,
    readonly secretsDir: string,
    private readonly options: PlatformOptions,
  ) {}

  /** Starts everything and resolves once every process answers its readiness endpoint. */
  static async start(options: PlatformOptions): Promise<Platform> {
    const log = options.log ?? (() => undefined);
    const profileDir = path.join(REPO_ROOT, '.devstack', options.profile);
    if (options.build ?? true) {
      log('compiling the workspace (tsc -b tsconfig.build.json, incremental)');
      // A compile error somewhere must not stop the platform from starting what is already built: warn and go on.
      await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(REPO_ROOT, 'tsconfig.build.json')], 'tsc -b tsconfig.build.json').catch((error: Error) =>
        log(`WARNING: the build reported errors; starting the last compiled version (dist/) of each project:\n${error.message.split('\n').slice(0, 15).join('\n')}`),
      );
    }
    if (options.startInfra ?? true) {
      log(`infrastructure: devstack profile ${options.profile} (Kafka, schema registry, PostgreSQL)`);
      await up(options.profile, { log: (l: string) => log(`  ${l}`) });
    }
    const env = envFor(options.profile);
    const infra = {
      kafkaBrokers: env.KAFKA_BROKERS.split(','),
      schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
      databaseUrl: options.databaseUrl ?? env.DATABASE_URL,
    };
    const logsDir = options.logsDir ?? path.join(profileDir, 'logs');
    const secretsDir = options.secretsDir ?? path.join(profileDir, 'secrets');
    fs.mkdirSync(logsDir, { recursive: true });
    fs.mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
    const platform = new Platform(options.profile, infra, options.topicPrefix ?? '', logsDir, secretsDir, options);

    if (options.migrate ?? true) {
      log('migrations: every service schema (libs/persistence cli migrate --all)');
      await run(process.execPath, [path.join(REPO_ROOT, 'libs/persistence/dist/cli.js'), 'migrate', '--all', '--url', infra.databaseUrl], 'migrations');
    }
    log('topics: creating the platform topics when missing and waiting for their partition leaders');
    await createTopics(infra.kafkaBrokers, options.topicPrefix ?? '');
    await platform.define();
    try {
      // The simulator first (execution and sync talk to it), then the services; all awaited in parallel.
      await platform.launch('sim');
      await Promise.all(SERVICES.map((s) => platform.launch(s)));
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  /** Base URL of a process. */
  url(name: ProcessName): string {
    return `http://127.0.0.1:${this.procs.get(name)!.port}`;
  }

  logFile(name: ProcessName): string {
    return this.procs.get(name)!.logFile;
  }

  pid(name: ProcessName): number | undefined {
    return this.procs.get(name)?.child?.pid;
  }

  /** The consumer group a service uses. */
  group(name: ServiceName): string {
    return `${this.topicPrefix}${name}`;
  }

  /** Physical topic name of a logical one. */
  topic(logical: string): string {
    return `${this.topicPrefix}${logical}`;
  }

  /** Writes the credential of an account where execution and sync read it (`<secretsDir>/<ref>`). */
  writeSecret(ref: string, value: string): void {
    const file = path.join(this.secretsDir, ref);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, value, { mode: 0o600 });
  }

  /** Sends a signal to one process (default SIGKILL) and waits until it is gone. */
  async kill(name: ProcessName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.procs.get(name)!;
    if (p.child && p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
    await p.exited;
  }

  /** Starts a process again (after kill) and waits for its readiness. */
  async restart(name: ProcessName): Promise<void> {
    await this.kill(name, 'SIGTERM');
    await this.launch(name);
  }

  /** Stops every process: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const order: ProcessName[] = ['signal', 'risk', 'execution', 'sync', 'audit', 'sim'];
    await Promise.all(order.map((n) => this.terminate(n, graceMs)));
  }

  private async terminate(name: ProcessName, graceMs: number): Promise<void> {
    const p = this.procs.get(name);
    if (!p?.child || p.child.exitCode !== null || p.child.signalCode !== null) return;
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => p.child?.kill('SIGKILL'), graceMs);
    await p.exited;
    clearTimeout(timer);
  }

  private async define(): Promise<void> {
    const o = this.options;
    const testDefaults = o.profile === 'test';
    const base: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: this.infra.databaseUrl,
      KAFKA_BROKERS: this.infra.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: this.infra.schemaRegistryUrl,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      // The shared PostgreSQL allows 100 connections in all (other suites and the registry use some): small pools.
      SIGNAL_DB_POOL_SIZE: '4',
      RISK_DB_POOL_SIZE: '5',
      EXECUTION_DB_POOL_SIZE: '8',
      SYNC_DB_POOL_SIZE: '4',
      AUDIT_DB_POOL_SIZE: '4',
      ...o.env,
    };
    for (const name of [...SERVICES, 'sim'] as ProcessName[]) {
      const wanted = o.ports?.[name] ?? (testDefaults ? 0 : DEFAULT_PORTS[name]);
      const port = wanted === 0 ? await freePort() : wanted;
      const logFile = path.join(this.logsDir, `${name}.log`);
      const env: Record<string, string> = { ...base };
      let args: string[];
      if (name === 'sim') {
        const s = o.sim ?? {};
        args = [path.join(REPO_ROOT, 'tools/mt-sim/dist/bin/sim.js'), '--port', String(port), '--accounts', '0', '--clock', s.clock ?? 'real'];
        if (s.seed !== undefined) args.push('--seed', String(s.seed));
        if (s.startTime) args.push('--start-time', s.startTime);
        if (s.tickMs) args.push('--tick-ms', String(s.tickMs));
        if (s.latencyMs) args.push('--latency-ms', String(s.latencyMs));
      } else {
        args = [path.join(REPO_ROOT, 'services', name, 'dist/src/main.js')];
        env[PORT_ENV[name]] = String(port);
        env[HOST_ENV[name]] = '127.0.0.1';
        const group = GROUP_ENV[name];
        if (group) env[group] = this.group(name);
        if (name === 'signal') env.SIGNAL_ADMIN_TOKEN = SIGNAL_ADMIN_TOKEN;
        if (name === 'execution') {
          env.EXECUTION_SECRETS_DIR = this.secretsDir;
          env.EXECUTION_OPERATOR_TOKEN = EXECUTION_OPERATOR_TOKEN;
        }
        if (name === 'sync') env.SYNC_SECRETS_DIR = this.secretsDir;
      }
      Object.assign(env, o.serviceEnv?.[name]);
      this.procs.set(name, { name, port, logFile, args, env });
    }
  }

  private async launch(name: ProcessName, attempt = 1): Promise<void> {
    try {
      await this.launchOnce(name);
    } catch (error) {
      // A first start can trip over the broker still settling (e.g. partition leaders of topics created a moment ago);
      // one more try, after which the error (naming the log file) stands.
      if (attempt >= 2 || this.stopping || !(error instanceof PlatformError) || !/exited/.test(error.message)) throw error;
      (this.options.log ?? (() => undefined))(`${error.message.split('\n')[0]}; starting it once more`);
      await sleep(2_000);
      await this.launch(name, attempt + 1);
    }
  }

  private async launchOnce(name: ProcessName): Promise<void> {
    const p = this.procs.get(name)!;
    const log = this.options.log ?? (() => undefined);
    fs.appendFileSync(p.logFile, `\n===== e2e platform: starting ${name} on port ${p.port} at ${new Date().toISOString()}\n`);
    const fd = fs.openSync(p.logFile, 'a');
    const child = spawn(process.execPath, p.args, { cwd: REPO_ROOT, env: p.env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    p.child = child;
    p.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const readyPath = name === 'sim' ? '/health' : '/readyz';
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 600_000);
    const started = Date.now();
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new PlatformError(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${p.logFile}:\n${tail(p.logFile)}`);
      }
      if (await answers(`http://127.0.0.1:${p.port}${readyPath}`)) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new PlatformError(`${name} was not ready on http://127.0.0.1:${p.port}${readyPath} after ${Math.round((Date.now() - started) / 1000)} s; see ${p.logFile}:\n${tail(p.logFile)}`);
      }
      await sleep(250);
    }
    log(`${name.padEnd(9)} ready on ${this.url(name)} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid}, log ${path.relative(REPO_ROOT, p.logFile)})`);
  }
}

async function createTopics(brokers: string[], prefix: string): Promise<void> {
  const kafka = new Kafka({ brokers, clientId: 'tradebridge-e2e-topics', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin as never, undefined, { prefix });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix) && !t.startsWith('__'));
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.every((t) => t.partitions.every((p) => p.leader >= 0)) || Date.now() > deadline) return;
      await sleep(250);
    }
  } finally {
    await admin.disconnect();
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
  } catch {
    return '    (no log)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new PlatformError(`${what} failed: ${error.message}\n${stdout}${stderr}`.trim()));
      else resolve();
    });
  });
}

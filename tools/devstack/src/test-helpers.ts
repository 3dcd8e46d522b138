import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where integration tests find Kafka, the schema registry and PostgreSQL. */
export interface TestInfra {
  kafkaBrokers: string[];
  /** Confluent-compatible API root (Apicurio `/apis/ccompat/v7`): the `host` of @kafkajs/confluent-schema-registry. */
  schemaRegistryUrl: string;
  databaseUrl: string;
}

const TEST_DEFAULTS: TestInfra = Object.freeze({
  kafkaBrokers: ['127.0.0.1:19092'],
  schemaRegistryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7',
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/tradebridge_test',
});

/**
 * Reads KAFKA_BROKERS (comma-separated), SCHEMA_REGISTRY_URL and DATABASE_URL, defaulting to the test profile
 * of tools/devstack (which the Jest global setup starts and exports).
 */
export function testInfra(env: NodeJS.ProcessEnv = process.env): TestInfra {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  return {
    kafkaBrokers: brokers.length > 0 ? brokers : [...TEST_DEFAULTS.kafkaBrokers],
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL || TEST_DEFAULTS.schemaRegistryUrl,
    databaseUrl: env.DATABASE_URL || TEST_DEFAULTS.databaseUrl,
  };
}

let counter = 0;

/**
 * A name no other suite, worker or earlier run uses: `<prefix>-<time>-<pid>-<n>-<random>`, lower case, made only of
 * letters, digits, `-` and `_` (valid for Kafka topics, consumer groups and registry subjects).
 */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'test';
  counter += 1;
  return `${clean.slice(0, 60)}-${Date.now().toString(36)}-${process.pid.toString(36)}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** A database created for one suite; `drop()` removes it (terminating leftover connections). */
export interface FreshDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(databaseUrl: string, database: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function onServer<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates an empty database with a unique name on the test server (the server of `testInfra().databaseUrl`).
 * The name starts with `prefix` (letters, digits and `_` only), so leftovers are easy to spot and drop.
 */
export async function createFreshDatabase(prefix = 'tb_test', databaseUrl = testInfra().databaseUrl): Promise<FreshDatabase> {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'tb_test';
  const name = `${clean.slice(0, 36)}_${Date.now().toString(36)}_${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  const adminUrl = withDatabase(databaseUrl, 'postgres');
  await onServer(adminUrl, (c) => c.query(`create database "${name}"`));
  let dropped = false;
  return {
    name,
    url: withDatabase(databaseUrl, name),
    async drop() {
      if (dropped) return;
      await onServer(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`));
      dropped = true;
    },
  };
}

export interface WaitForOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  intervalMs?: number;
  /** What was awaited, for the error message. */
  message?: string;
}

/**
 * Polls `condition` until it returns a truthy value (which is returned) or the deadline passes. A condition that
 * throws counts as "not yet"; its last error is part of the timeout error.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 15_000, intervalMs = 100, message = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : lastError ? `; last error: ${String(lastError)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

// Benchmark (not a test): events/s ingested into PostgreSQL by the audit service (the raw batched insert path, and
// end to end from Kafka through the registry codec), and the trace query p50/p99 with a million events stored.
// Run from the repository root: `npm run bench:audit` (needs the test devstack: `npm run -s devstack -- up --profile
// test`). Writes bench/results/audit.json and bench/results/audit.md.
import { TOPIC_NAMES, createEventCodec, ensureTopics, intentId, type TopicName } from '@tradebridge/contracts';
import { createKafkaClient, silentLogger } from '@tradebridge/messaging';
import { createLogger } from '@tradebridge/observability';
import { createDb } from '@tradebridge/persistence';
import { createFreshDatabase, testInfra, uniqueName } from '@tradebridge/devstack';
import { sql, type Kysely } from 'kysely';
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { AUDIT_SCHEMA, type AuditDb } from '../src/adapters/postgres/audit.table';
import { appendRecords, countEvents } from '../src/adapters/postgres/events.repository';
import { TraceQueries } from '../src/application/trace/trace-queries';
import { toAuditRecord, type AuditRecord } from '../src/domain/audit-record';
import { loadConfig } from '../src/config';
import { migrateAudit, startAuditService } from '../src/service';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MIGRATIONS = path.resolve(__dirname, '..', 'migrations');
const FIXTURES = path.join(ROOT, 'libs', 'contracts', 'fixtures');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const logger = createLogger({ serviceName: 'audit-bench', level: 'silent' });

const fixture = (topic: TopicName): Record<string, any> => JSON.parse(readFileSync(path.join(FIXTURES, topic, 'v1.json'), 'utf8'));

function percentiles(samples: number[]): { p50: number; p90: number; p99: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), max: r(s[s.length - 1] ?? 0), n: s.length };
}

const FLOW_TOPICS: TopicName[] = ['risk.approved', 'execution.attempt.recorded', 'execution.order.placed', 'account.synced'];

/** A realistic event value of `topic` (from the frozen fixture) with fresh ids. */
function eventValue(topic: TopicName, i: number): Record<string, any> {
  const f = fixture(topic);
  const signalId = randomUUID();
  const accountId = `acc-${i % 500}`;
  return {
    ...f,
    meta: { ...f.meta, eventId: randomUUID(), correlationId: topic === 'account.synced' ? '' : signalId, occurredAtUs: Date.now() * 1000 + i },
    ...(topic === 'account.synced' ? { accountId } : { signalId, accountId, intentId: intentId(signalId, accountId) }),
  };
}

async function rawInsertPath(databaseUrl: string, total: number, batchSizes: number[]): Promise<Array<Record<string, number>>> {
  const results: Array<Record<string, number>> = [];
  for (const batch of batchSizes) {
    const db = await freshAuditDb(databaseUrl, `audit_bench_raw_${batch}`);
    const n = batch === 1 ? Math.min(total, 500) : total;
    const records: AuditRecord[] = [];
    for (let i = 0; i < n; i += 1) {
      const topic = FLOW_TOPICS[i % FLOW_TOPICS.length]!;
      const value = eventValue(topic, i);
      records.push(
        toAuditRecord(
          {
            topic,
            logicalTopic: topic,
            partition: i % 12,
            offset: String(i),
            key: value['accountId'],
            headers: { 'tb-event-id': value['meta'].eventId },
            timestampMs: Date.now(),
            deadLetter: false,
            raw: Buffer.alloc(0),
            decoded: { typeName: topic, schemaId: 1, value },
            decodeError: null,
          },
          new Date(),
        ),
      );
    }
    const started = performance.now();
    for (let i = 0; i < records.length; i += batch) await appendRecords(db.db, records.slice(i, i + batch));
    const seconds = (performance.now() - started) / 1000;
    const stored = await countEvents(db.db);
    results.push({ batchRows: batch, events: stored, seconds: Math.round(seconds * 100) / 100, eventsPerSecond: Math.round(stored / seconds) });
    process.stdout.write(`raw insert, ${batch} rows per transaction: ${Math.round(stored / seconds)} events/s (${stored} in ${seconds.toFixed(1)} s)\n`);
    await db.close();
  }
  return results;
}

async function freshAuditDb(baseUrl: string, prefix: string): Promise<{ url: string; db: Kysely<AuditDb>; close(): Promise<void> }> {
  const database = await createFreshDatabase(prefix, baseUrl);
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  await migrateAudit(config, logger, MIGRATIONS);
  const db = createDb<AuditDb>({ url: database.url, schema: AUDIT_SCHEMA, poolSize: 4, applicationName: 'audit-bench' });
  return {
    url: database.url,
    db,
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}

/** Publishes a backlog on every flow topic, then starts the service and times it draining the backlog. */
async function throughKafka(total: number): Promise<Record<string, number>> {
  const infra = testInfra();
  const database = await createFreshDatabase('audit_bench_kafka', infra.databaseUrl);
  const prefix = `${uniqueName('audbench')}.`;
  const kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: 'audit-bench', logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await ensureTopics(admin, [...TOPIC_NAMES], { prefix });
      break;
    } catch (error) {
      if (attempt >= 6) throw error;
      await new Promise((resolve) => setTimeout(resolve, 3_000 * attempt));
    }
  }
  await admin.disconnect();
  const codec = createEventCodec({ registryUrl: infra.schemaRegistryUrl, topicPrefix: prefix });
  await codec.registerAll();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const batch = 500;
  for (let i = 0; i < total; i += batch) {
    const byTopic = new Map<string, Array<{ key: string; value: Buffer }>>();
    for (let j = i; j < Math.min(total, i + batch); j += 1) {
      const topic = FLOW_TOPICS[j % FLOW_TOPICS.length]!;
      const value = eventValue(topic, j);
      const list = byTopic.get(topic) ?? [];
      list.push({ key: value['accountId'], value: await codec.encode(`${prefix}${topic}`, value) });
      byTopic.set(topic, list);
    }
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic: `${prefix}${topic}`, messages })) });
  }
  await producer.disconnect();
  const config = loadConfig({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    AUDIT_CONSUMER_GROUP: `${prefix}audit`,
    AUDIT_HTTP_PORT: '0',
    AUDIT_HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  await migrateAudit(config, logger, MIGRATIONS);
  const started = performance.now();
  const service = await startAuditService({ config, logger, registry: new Registry(), migrationsDir: MIGRATIONS, serveHttp: false });
  let stored = 0;
  let firstAt = 0;
  const deadline = Date.now() + 10 * 60_000;
  while (stored < total && Date.now() < deadline) {
    stored = await countEvents(service.db);
    if (stored > 0 && firstAt === 0) firstAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const end = performance.now();
  const txMetric = await service.registry.getSingleMetric('audit_batch_rows')?.get();
  const txCount = (txMetric?.values as Array<{ metricName?: string; value: number }> | undefined)?.find((v) => v.metricName === 'audit_batch_rows_count')?.value ?? 0;
  await service.close();
  await database.drop();
  const seconds = (end - started) / 1000;
  const steady = (end - firstAt) / 1000;
  const r = {
    events: stored,
    secondsIncludingGroupJoin: Math.round(seconds * 100) / 100,
    eventsPerSecond: Math.round(stored / seconds),
    eventsPerSecondAfterFirstRow: Math.round(stored / steady),
    insertTransactions: txCount,
    averageRowsPerTransaction: txCount > 0 ? Math.round(stored / txCount) : 0,
  };
  process.stdout.write(`through Kafka: ${r.eventsPerSecond} events/s including the group join, ${r.eventsPerSecondAfterFirstRow} events/s from the first row (${stored} events, ${txCount} transactions)\n`);
  return r;
}

/** Fills audit.events with a million synthetic rows (9 per signal) directly in SQL, then times the trace queries. */
async function traceQueries(databaseUrl: string, rows: number, samples: number): Promise<Record<string, unknown>> {
  const db = await freshAuditDb(databaseUrl, 'audit_bench_trace');
  const signals = Math.ceil(rows / 9);
  const started = performance.now();
  // Per signal: signal.generated, then for 2 accounts risk.approved, execution.attempt.recorded, execution.order.placed
  // and the account.synced that confirms it. Hashes are random: this data is for query timing, not for the verifier.
  const chunk = 100_000;
  for (let from = 0; from < signals; from += chunk) {
    const to = Math.min(signals, from + chunk) - 1;
    await sql`
      insert into audit.events (seq, event_id, topic, logical_topic, partition, kafka_offset, message_key, event_type, dead_letter,
        correlation_id, causation_id, account_id, intent_ids, producer, schema_id, schema_version, occurred_at, kafka_timestamp,
        ingested_at, payload, headers, prev_hash, row_hash)
      select g * 9 + k + 1, md5('e' || g || ':' || k), x.topic, x.topic, (g % 12)::int, g * 9 + k, x.account, x.topic, false,
             md5('s' || g)::uuid::text, '', x.account, x.intents, 'bench', 1, 1,
             timestamptz '2026-11-01' + g * interval '20 ms' + k * interval '1 ms', now(), now(),
             jsonb_build_object('meta', jsonb_build_object('eventId', md5('e' || g || ':' || k), 'occurredAtUs', 0),
                                'signalId', md5('s' || g)::uuid::text, 'accountId', x.account, 'symbol', 'EURUSD',
                                'acceptedAtUs', (extract(epoch from timestamptz '2026-11-01' + g * interval '20 ms') * 1000000)::bigint,
                                'intentId', x.intents[1], 'reason', '', 'changes', '[]'::jsonb),
             '{}'::jsonb, decode(md5('p' || g || k) || md5('q' || g || k), 'hex'), decode(md5('r' || g || k) || md5('t' || g || k), 'hex')
      from generate_series(${from}::bigint, ${to}::bigint) g
      cross join generate_series(0, 8) k
      cross join lateral (
        select case when k = 0 then 'signal.generated'
                    when k in (1, 5) then 'risk.approved'
                    when k in (2, 6) then 'execution.attempt.recorded'
                    when k in (3, 7) then 'execution.order.placed'
                    else 'account.synced' end as topic,
               case when k = 0 then null else 'acc-' || ((g + (k / 5)) % 2000) end as account,
               case when k = 0 then '{}'::text[] else array[md5('i' || g || ':' || (k / 5))] end as intents
      ) x`.execute(db.db);
  }
  await sql`analyze audit.events`.execute(db.db);
  const loadSeconds = (performance.now() - started) / 1000;
  const stored = await countEvents(db.db);
  const size = (await sql<{ s: string }>`select pg_size_pretty(pg_total_relation_size('audit.events')) as s`.execute(db.db)).rows[0]!.s;
  process.stdout.write(`loaded ${stored} rows in ${loadSeconds.toFixed(1)} s (${size})\n`);

  const queries = new TraceQueries(db.db);
  const pick = () => Math.floor(Math.random() * signals);
  const signalIdOf = async (g: number) => (await sql<{ id: string }>`select md5(${'s' + g})::uuid::text as id`.execute(db.db)).rows[0]!.id;
  for (let i = 0; i < 50; i += 1) await queries.signalTrace(await signalIdOf(pick()), 100, null); // warm-up
  const traceMs: number[] = [];
  let steps = 0;
  for (let i = 0; i < samples; i += 1) {
    const id = await signalIdOf(pick());
    const t = performance.now();
    const r = await queries.signalTrace(id, 100, null);
    traceMs.push(performance.now() - t);
    steps += r?.steps.length ?? 0;
  }
  const timelineMs: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const account = `acc-${i % 2000}`;
    const fromDate = new Date(Date.parse('2026-11-01T00:00:00Z') + Math.floor(Math.random() * 30) * 60_000);
    const t = performance.now();
    await queries.accountTimeline(account, fromDate, new Date(fromDate.getTime() + 3_600_000), 100, null);
    timelineMs.push(performance.now() - t);
  }
  await db.close();
  const trace = percentiles(traceMs);
  const timeline = percentiles(timelineMs);
  process.stdout.write(`trace query (${stored} rows): p50 ${trace.p50} ms p99 ${trace.p99} ms max ${trace.max} ms; ${steps / samples} steps per trace\n`);
  process.stdout.write(`account timeline (1 h window, 100 rows): p50 ${timeline.p50} ms p99 ${timeline.p99} ms\n`);
  return { rowsStored: stored, tableSize: size, loadSeconds: Math.round(loadSeconds), traceMs: trace, stepsPerTrace: steps / samples, accountTimelineMs: timeline };
}

async function main(): Promise<void> {
  const infra = testInfra();
  const total = env('BENCH_EVENTS', 50_000);
  const commit = (() => {
    try {
      return execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  // BENCH_STAGES=raw,kafka,trace (default all); stages not run keep their figures from the previous audit.json.
  const stages = new Set((process.env.BENCH_STAGES ?? 'raw,kafka,trace').split(','));
  const dir = path.join(ROOT, 'bench', 'results');
  const previous = (() => {
    try {
      return JSON.parse(readFileSync(path.join(dir, 'audit.json'), 'utf8')) as Record<string, any>;
    } catch {
      return {} as Record<string, any>;
    }
  })();
  const result: Record<string, any> = {
    benchmark: 'audit',
    commit,
    rawInsert: previous['rawInsert'] ?? [],
    throughKafka: previous['throughKafka'] ?? {},
    traceQuery: previous['traceQuery'] ?? {},
  };
  // Written after every stage, so a stage that fails (a broker gone) keeps the figures of the ones before it.
  const save = () => {
    result['at'] = new Date().toISOString();
    result['machine'] = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage1m: os.loadavg()[0] };
    const raw = result['rawInsert'] as Array<Record<string, number>>;
    result['batchingSpeedup'] = Math.round(((raw.find((r) => r.batchRows === 1_000)?.eventsPerSecond ?? 0) / (raw.find((r) => r.batchRows === 1)?.eventsPerSecond ?? 1)) * 10) / 10;
    const kafka = result['throughKafka'] as Record<string, number>;
    const t = result['traceQuery'] as { rowsStored?: number; traceMs?: Record<string, number>; accountTimelineMs?: Record<string, number> };
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'audit.json'), `${JSON.stringify(result, null, 2)}\n`);
    const md = [
      `# Audit benchmark (${result['at']}, commit ${commit}, ${result['machine'].cpus} CPUs)`,
      '',
      '| measure | value |',
      '| --- | --- |',
      ...raw.map((r) => `| raw insert, ${r.batchRows} rows per transaction | ${r.eventsPerSecond} events/s |`),
      `| batching speed-up (1,000 vs 1 row per transaction) | ${result['batchingSpeedup']}x |`,
      `| through Kafka (backlog of ${kafka['events'] ?? '-'}, incl. group join) | ${kafka['eventsPerSecond'] ?? 'not measured'} events/s |`,
      `| through Kafka, from the first stored row | ${kafka['eventsPerSecondAfterFirstRow'] ?? 'not measured'} events/s (${kafka['averageRowsPerTransaction'] ?? '-'} rows per transaction) |`,
      `| trace query with ${t.rowsStored ?? '-'} events: p50 / p99 / max | ${t.traceMs?.['p50']} / ${t.traceMs?.['p99']} / ${t.traceMs?.['max']} ms |`,
      `| account timeline (1 h, 100 rows): p50 / p99 | ${t.accountTimelineMs?.['p50']} / ${t.accountTimelineMs?.['p99']} ms |`,
      `| machine load average (1 min) when written | ${result['machine'].loadAverage1m?.toFixed(1)} on ${result['machine'].cpus} CPUs |`,
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'audit.md'), md);
    return md;
  };
  if (stages.has('raw')) {
    result['rawInsert'] = await rawInsertPath(infra.databaseUrl, total, [1, 100, 1_000, 2_000]);
    save();
  }
  if (stages.has('trace')) {
    result['traceQuery'] = await traceQueries(infra.databaseUrl, env('BENCH_TRACE_ROWS', 1_000_000), env('BENCH_TRACE_SAMPLES', 1_000));
    save();
  }
  if (stages.has('kafka')) {
    result['throughKafka'] = await throughKafka(env('BENCH_KAFKA_EVENTS', total));
  }
  process.stdout.write(`\n${save()}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

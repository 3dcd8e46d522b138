import { deadLetterHeaders, TOPIC_NAMES, DLQ_SUFFIX } from '@tradebridge/contracts';
import { silentLogger } from '@tradebridge/messaging';
import { createLogger } from '@tradebridge/observability';
import { waitFor } from '@tradebridge/devstack';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { rebuildAuditStore } from '../application/rebuild/rebuild';
import { verifyChain } from '../application/verify-chain/verify-chain';
import { migrateAudit } from '../service';
import { fixture, Harness, MIGRATIONS_DIR } from './harness';
import { publishFlow, type PublishedFlow } from './flow';

const SERVICE_DIR = path.resolve(__dirname, '..', '..');
const DOC = path.resolve(SERVICE_DIR, '..', '..', 'docs', 'analytics.md');

/** Every ```sql block of docs/analytics.md. */
function docSqlBlocks(): string[] {
  return [...readFileSync(DOC, 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

jest.setTimeout(180_000);

describe('audit store: exactly once, dead letters, append-only, analysts, rebuild and the hash chain', () => {
  let h: Harness;
  let flow: PublishedFlow;

  beforeAll(async () => {
    h = await Harness.start();
    flow = await publishFlow(h);
    await h.waitForCount(flow.published);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function groupCaughtUp(groupId: string): Promise<boolean> {
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      const topics = TOPIC_NAMES.flatMap((t) => [h.topic(t), h.topic(`${t}${DLQ_SUFFIX}`)]);
      const committed = await admin.fetchOffsets({ groupId, topics });
      for (const t of committed) {
        const ends = await admin.fetchTopicOffsets(t.topic);
        for (const p of ends) {
          if (p.high === '0') continue;
          const c = t.partitions.find((x) => x.partition === p.partition)?.offset ?? '-1';
          if (c === '-1' || BigInt(c) < BigInt(p.high)) return false;
        }
      }
      return true;
    } finally {
      await admin.disconnect();
    }
  }

  it('answers the analysts\' views from the stored flow', async () => {
    const latency = await h.query<Record<string, any>>(`select * from analytics.execution_latency_daily where account_id = '${flow.okAccount}'`);
    expect(latency).toEqual([expect.objectContaining({ orders: '1', p50_ms: 9, p99_ms: 9 })]);
    const fills = await h.query<Record<string, any>>(`select * from analytics.fills_per_signal where signal_id = '${flow.signalId}'`);
    expect(fills[0]).toMatchObject({ accounts: '2', approved: '1', risk_rejected: '1', placed: '1', filled: '1', execution_rejected: '0' });
    const rejections = await h.query<Record<string, any>>(`select * from analytics.rejections_by_reason where reason = 'RISK_MAX_OPEN_POSITIONS'`);
    expect(rejections[0]).toMatchObject({ stage: 'risk', rejections: '1' });
    const slippage = await h.query<Record<string, any>>(`select * from analytics.slippage where signal_id = '${flow.signalId}'`);
    expect(slippage[0]).toMatchObject({ slippage_points: '1', slippage_amount: '3.33' });
    const health = await h.query<Record<string, any>>(`select sum(syncs)::int as syncs, sum(heartbeats)::int as heartbeats from analytics.bridge_health where account_id = '${flow.okAccount}'`);
    expect(health[0]).toEqual({ syncs: 2, heartbeats: 1 });
  });

  it('stores an event published twice (same event id, another offset) once', async () => {
    const before = await h.count();
    const approved = { ...fixture('risk.approved'), meta: { ...fixture('risk.approved').meta, eventId: `dup-${Date.now()}`, occurredAtUs: Date.now() * 1000 }, accountId: 'acc-dup' };
    await h.publish('risk.approved', 'acc-dup', approved);
    await h.publish('risk.approved', 'acc-dup', approved);
    await waitFor(() => groupCaughtUp(h.config.consumerGroup), { timeoutMs: 30_000, message: 'audit group caught up' });
    expect(await h.count()).toBe(before + 1);
    const rows = await h.query<{ n: number }>(`select count(*)::int as n from audit.events where event_id = '${approved.meta.eventId}'`);
    expect(rows[0]!.n).toBe(1);
  });

  it('stores nothing twice when every offset is delivered again (a new group reads from the earliest offsets)', async () => {
    const before = await h.count();
    await h.service.close();
    // A new group reads every offset again from the earliest: each message is delivered a second time.
    await h.startService({ AUDIT_CONSUMER_GROUP: `${h.topicPrefix}audit-again` });
    await waitFor(() => groupCaughtUp(h.config.consumerGroup), { timeoutMs: 30_000, message: 'redelivery consumed' });
    expect(await h.count()).toBe(before);
    const metrics = await h.service.registry.getSingleMetricAsString('audit_duplicates_total');
    expect(Number(/audit_duplicates_total\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(before);
  });

  it('stores dead letters with their headers: decoded when the bytes are an event, raw with the reason when not', async () => {
    const value = { ...fixture('risk.approved'), meta: { ...fixture('risk.approved').meta, eventId: `dlq-${Date.now()}`, correlationId: flow.signalId, occurredAtUs: Date.now() * 1000 }, signalId: flow.signalId, accountId: 'acc-dlq' };
    const bytes = await h.codec.encode(h.topic('risk.approved'), value);
    const headers = deadLetterHeaders({ 'tb-event-id': value.meta.eventId }, {
      topic: h.topic('risk.approved'),
      partition: 1,
      offset: '42',
      consumerGroup: 'execution',
      error: new TypeError('handler exploded'),
      attempts: 5,
      failedAt: new Date(),
    });
    await h.publish('risk.approved', 'acc-dlq', value); // the original too: both are facts
    await h.raw.send({ topic: h.topic('risk.approved.dlq'), messages: [{ key: 'acc-dlq', value: bytes, headers: headers as Record<string, string> }] });
    await h.raw.send({ topic: h.topic('signal.generated.dlq'), messages: [{ key: 'src', value: Buffer.from('not protobuf at all'), headers: { 'dlq-original-topic': h.topic('signal.generated'), 'dlq-error': 'poison' } }] });
    await waitFor(async () => (await h.query(`select 1 from audit.events where dead_letter`)).length === 2, { timeoutMs: 30_000, message: 'dead letters stored' });
    const rows = await h.query<Record<string, any>>(`select * from audit.events where event_id = '${value.meta.eventId}' or logical_topic like '%.dlq' order by seq`);
    const original = rows.find((r) => !r.dead_letter)!;
    const decoded = rows.find((r) => r.dead_letter && r.logical_topic === 'risk.approved.dlq')!;
    const poison = rows.find((r) => r.logical_topic === 'signal.generated.dlq')!;
    expect(original.raw_value).toBeNull();
    expect(decoded).toMatchObject({ event_id: value.meta.eventId, event_type: 'tradebridge.events.risk_approved.v1.OrderIntentApproved', account_id: 'acc-dlq', correlation_id: flow.signalId, decode_error: null });
    expect(decoded.headers).toMatchObject({ 'dlq-original-topic': h.topic('risk.approved'), 'dlq-original-offset': '42', 'dlq-error': 'handler exploded', 'dlq-error-type': 'TypeError', 'dlq-consumer-group': 'execution', 'dlq-attempts': '5' });
    expect(Buffer.compare(decoded.raw_value, bytes)).toBe(0);
    expect(poison).toMatchObject({ event_type: 'undecodable', event_id: null, payload: null, message_key: 'src' });
    expect(poison.decode_error).toEqual(expect.stringContaining('Error'));
    expect(poison.raw_value.toString()).toBe('not protobuf at all');
    expect(poison.headers).toMatchObject({ 'dlq-error': 'poison' });
    // the dead letter shows in the signal's trace
    const trace = await h.get(`/v1/trace/${flow.signalId}?limit=500`);
    expect(trace.body.steps.map((s: any) => s.step)).toContain('dead_lettered');
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit.events, even to the table owner', async () => {
    for (const statement of ['update audit.events set producer = $$x$$', 'delete from audit.events', 'truncate audit.events']) {
      await expect(h.query(statement)).rejects.toThrow(/append-only/);
    }
    expect(await h.count()).toBeGreaterThan(0);
  });

  it('lets the analyst role read the analytics views and nothing more', async () => {
    const db = h.service.db;
    await db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      try {
        await sql`set local role tradebridge_analyst`.execute(conn);
        const rows = await sql<{ n: number }>`select count(*)::int as n from analytics.trade_logs`.execute(conn);
        expect(rows.rows[0]!.n).toBeGreaterThan(0);
        await sql`savepoint s`.execute(conn);
        await expect(sql`insert into audit.events (seq) values (999999)`.execute(conn)).rejects.toThrow(/permission denied/);
        await sql`rollback to savepoint s`.execute(conn);
        await expect(sql`create table analytics.mine (x int)`.execute(conn)).rejects.toThrow(/permission denied/);
      } finally {
        await sql`rollback`.execute(conn);
      }
    });
  });

  it('comments every column of every analytics view and of trade_logs', async () => {
    const missing = await h.query<{ view: string; column: string }>(`
      select c.relname as view, a.attname as column
      from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid and a.attnum > 0
      where ((n.nspname = 'analytics') or (n.nspname = 'audit' and c.relname in ('trade_logs', 'events'))) and c.relkind in ('v', 'r')
        and col_description(c.oid, a.attnum) is null and not a.attisdropped`);
    expect(missing).toEqual([]);
    const views = await h.query<{ n: number }>(`select count(*)::int as n from pg_views where schemaname = 'analytics'`);
    expect(views[0]!.n).toBeGreaterThanOrEqual(7);
  });

  it('runs every SQL block of docs/analytics.md as the analyst role', async () => {
    const blocks = docSqlBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const block of blocks) {
      await h.service.db.connection().execute(async (conn) => {
        await sql`begin`.execute(conn);
        try {
          await sql`set local role tradebridge_analyst`.execute(conn);
          await sql.raw(block).execute(conn);
        } catch (error) {
          throw new Error(`docs/analytics.md block failed: ${(error as Error).message}\n${block}`);
        } finally {
          await sql`rollback`.execute(conn);
        }
      });
    }
  });

  it('rebuilds the store from Kafka with the same rows (counts and event ids), and the service resumes after it without a gap', async () => {
    const key = `select coalesce(event_id, '-') || '|' || topic || '|' || partition || '|' || kafka_offset as k from audit.events order by 1`;
    const before = (await h.query<{ k: string }>(key)).map((r) => r.k);
    await h.service.close();
    const logger = createLogger({ serviceName: 'audit', level: 'silent' });
    const report = await rebuildAuditStore({ config: h.config, logger: silentLogger, migrate: () => migrateAudit(h.config, logger, MIGRATIONS_DIR), timeoutMs: 60_000 });
    expect(report.rowsBefore).toBe(before.length);
    expect(report.rowsAfter).toBe(before.length);
    await h.startService();
    expect((await h.query<{ k: string }>(key)).map((r) => r.k)).toEqual(before);
    expect(await verifyChain(h.service.db)).toMatchObject({ ok: true, rowsChecked: before.length });
    const next = await publishFlow(h);
    await h.waitForCount(before.length + next.published);
    await waitFor(() => groupCaughtUp(h.config.consumerGroup), { timeoutMs: 30_000, message: 'resumed group caught up' });
    expect(await h.count()).toBe(before.length + next.published);
  });

  it('names the tampered row: verify-chain finds a row changed by a superuser who disabled the trigger', async () => {
    expect(await verifyChain(h.service.db)).toMatchObject({ ok: true });
    const target = (await h.query<{ seq: string; event_id: string }>(`select seq, event_id from audit.events where logical_topic = 'risk.rejected' order by seq limit 1`))[0]!;
    await h.query(`alter table audit.events disable trigger events_no_update`);
    await h.query(`update audit.events set payload = jsonb_set(payload, '{detail}', '"all fine"') where seq = ${target.seq}`);
    await h.query(`alter table audit.events enable trigger events_no_update`);

    const result = await verifyChain(h.service.db, { pageSize: 3 });
    expect(result).toMatchObject({ ok: false, firstBroken: { seq: target.seq, eventId: target.event_id, reason: 'row_hash_mismatch' } });

    const cli = spawnSync(process.execPath, ['-r', '../../tools/register-ts.cjs', 'src/cli/verify-chain.ts'], {
      cwd: SERVICE_DIR,
      env: { ...process.env, ...h.env(), LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`chain BROKEN at seq ${target.seq}`);
    expect(JSON.parse(cli.stdout)).toMatchObject({ ok: false, firstBroken: { seq: target.seq } });
  });
});

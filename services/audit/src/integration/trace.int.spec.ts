import { randomUUID } from 'node:crypto';
import { Harness } from './harness';
import { publishFlow, type PublishedFlow } from './flow';

describe('audit: a signal published through real Kafka and the registry reads back as its trace', () => {
  let h: Harness;
  let flow: PublishedFlow;

  beforeAll(async () => {
    h = await Harness.start();
    flow = await publishFlow(h, { brokerLogin: '50012' });
    await h.waitForCount(flow.published);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores every event once with the envelope, account and intent as columns', async () => {
    const rows = await h.query<{ event_id: string; logical_topic: string; correlation_id: string; causation_id: string | null; account_id: string | null; producer: string; intent_ids: string[] }>(
      `select event_id, logical_topic, correlation_id, causation_id, account_id, producer, intent_ids from audit.events order by seq`,
    );
    expect(rows).toHaveLength(flow.published);
    const placed = rows.find((r) => r.event_id === flow.eventIds.placed)!;
    expect(placed).toMatchObject({
      logical_topic: 'execution.order.placed',
      correlation_id: flow.signalId,
      causation_id: flow.eventIds.approved,
      account_id: flow.okAccount,
      producer: 'execution',
    });
    expect(placed.intent_ids).toEqual([flow.intent]);
    expect(rows.find((r) => r.event_id === flow.eventIds.synced)!.intent_ids).toContain(flow.intent);
  });

  it('answers GET /v1/trace/{signalId} with the ordered steps and the latency of each', async () => {
    const res = await h.get(`/v1/trace/${flow.signalId}`);
    expect(res.status).toBe(200);
    const steps = res.body.steps as Array<Record<string, any>>;
    expect(steps.map((s) => [s.step, s.accountId])).toEqual([
      ['signal.accepted', null],
      ['risk.approved', flow.okAccount],
      ['risk.rejected', flow.rejectedAccount],
      ['execution.attempt', flow.okAccount],
      ['execution.attempt', flow.okAccount],
      ['execution.placed', flow.okAccount],
      ['sync.confirmed', flow.okAccount],
    ]);
    expect(steps.map((s) => s.sinceAcceptedMs)).toEqual([0, 2, 2.5, 5, 9, 9.5, 400]);
    expect(steps.map((s) => s.sincePreviousMs)).toEqual([null, 2, 2.5, 3, 4, 0.5, 390.5]);
    expect(steps[2]!.details).toMatchObject({ reason: 'RISK_MAX_OPEN_POSITIONS', detail: 'open positions 5 >= limit 5' });
    expect(steps[3]!.details).toMatchObject({ attempt: 1, outcome: 'ATTEMPT_OUTCOME_REJECTED' });
    expect(steps[6]!.details.changes).toEqual([expect.objectContaining({ intentId: flow.intent, kind: 'SYNC_CHANGE_KIND_POSITION_OPENED' })]);
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages the trace with cursors, and the pages put together are the whole trace', async () => {
    const whole = (await h.get(`/v1/trace/${flow.signalId}`)).body.steps.map((s: any) => s.seq);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await h.get(`/v1/trace/${flow.signalId}?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.steps.map((s: any) => s.seq));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(whole);
  });

  it('answers 404 for a signal it never saw and problem+json naming the field for bad parameters', async () => {
    const unknown = await h.get(`/v1/trace/${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toContain('application/problem+json');
    const bad = await h.get(`/v1/trace/not-a-uuid?limit=9999`);
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['signalId', 'limit']);
    const range = await h.get(`/v1/accounts/${flow.okAccount}/timeline?from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z`);
    expect(range.status).toBe(400);
    expect(range.body.errors[0]).toMatchObject({ field: 'from' });
  });

  it('answers an account timeline over a time range, paginated, with only that range', async () => {
    const from = new Date(flow.acceptedUs / 1000 - 1).toISOString();
    const to = new Date(flow.acceptedUs / 1000 + 100).toISOString();
    const first = await h.get(`/v1/accounts/${flow.okAccount}/timeline?from=${from}&to=${to}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.steps.map((s: any) => s.step)).toEqual(['sync.snapshot', 'risk.approved']);
    const second = await h.get(`/v1/accounts/${flow.okAccount}/timeline?from=${from}&to=${to}&limit=10&cursor=${first.body.nextCursor}`);
    // The sync confirmation at +400 ms is outside the range; the configuration a minute before too.
    expect(second.body.steps.map((s: any) => s.step)).toEqual(['execution.attempt', 'execution.attempt', 'execution.placed']);
    expect(second.body.steps[2].sinceAcceptedMs).toBe(9.5);
    expect(second.body.nextCursor).toBeNull();
  });

  it('shows one trade_logs row per signal and account: OK for the placed order, Error with the reason for the refused one', async () => {
    const rows = await h.query<Record<string, unknown>>(`select * from audit.trade_logs where signal = '${flow.signalId}' order by result desc`);
    expect(rows).toEqual([
      expect.objectContaining({ signal: flow.signalId, symbol: 'EURUSD', account_id: flow.okAccount, account_number: '50012', result: 'OK', error_reason: null }),
      expect.objectContaining({
        signal: flow.signalId,
        account_id: flow.rejectedAccount,
        account_number: flow.rejectedAccount,
        result: 'Error',
        error_reason: 'RISK_MAX_OPEN_POSITIONS: open positions 5 >= limit 5',
      }),
    ]);
    expect((rows[0]!['timestamp'] as Date).getTime()).toBe(Math.floor((flow.acceptedUs + 9_500) / 1000));
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    expect((await h.get('/healthz')).status).toBe(200);
    expect((await h.get('/readyz')).status).toBe(200);
    const metrics = await h.get('/metrics');
    expect(metrics.body).toContain('audit_events_stored_total');
  });
});

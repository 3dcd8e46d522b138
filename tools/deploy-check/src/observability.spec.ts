import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { baseMetricName, exportedMetricNames, metricNames, promqlProblems } from './promql';
import { repoPath } from './paths';

const alerts = parse(readFileSync(repoPath('deploy/observability/prometheus/alerts.yml'), 'utf8'));
const rules: any[] = alerts.groups.flatMap((g: any) => g.rules);
const dashboard = JSON.parse(readFileSync(repoPath('deploy/observability/grafana/dashboards/tradebridge-overview.json'), 'utf8'));
const panels: any[] = dashboard.panels.filter((p: any) => p.type !== 'row');
const dashboardExprs: string[] = panels.flatMap((p) => p.targets.map((t: any) => t.expr));
const operations = readFileSync(repoPath('docs/operations.md'), 'utf8');

/** GitHub's anchor of a Markdown heading. */
function anchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
      m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-'),
    ),
  );
}

describe('PromQL reading', () => {
  it('finds the metrics of an expression, not its functions, labels, ranges or strings', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, topic) (rate(a_ms_bucket{service="x", le!="+Inf"}[5m]))) / on (topic) group_left b_total > 1')).toEqual(['a_ms_bucket', 'b_total']);
    expect(metricNames('count(max by (account_id) (c == 0)) or vector(0)')).toEqual(['c']);
  });

  it('names structural problems', () => {
    expect(promqlProblems('sum(rate(x[5m])')).toContain('unclosed "("');
    expect(promqlProblems('rate(x[5 minutes])')).toContain('bad range "[5 minutes]"');
    expect(promqlProblems('summ(x)')).toContain('unknown function "summ"');
    expect(promqlProblems('x{service=sync}')).toContain('bad label matcher "service=sync"');
    expect(promqlProblems('sum by (le) (rate(x_bucket{a="b"}[5m]))')).toEqual([]);
  });

  it('knows the exported metrics, and not made-up ones', () => {
    const exported = exportedMetricNames();
    for (const name of ['execution_signal_to_broker_ack_ms', 'tradebridge_kafka_consumer_lag_messages', 'bridge_connection_state', 'sync_delay_ms', 'process_resident_memory_bytes']) {
      expect(exported).toContain(name);
    }
    expect(exported).not.toContain('execution_signal_to_broker_latency_seconds');
  });
});

describe('alert rules (deploy/observability/prometheus/alerts.yml)', () => {
  it('is a well-formed rule file', () => {
    expect(Array.isArray(alerts.groups)).toBe(true);
    const groupNames = alerts.groups.map((g: any) => g.name);
    expect(new Set(groupNames).size).toBe(groupNames.length);
    for (const g of alerts.groups) {
      expect(Object.keys(g).sort()).toEqual(['name', 'rules']);
      expect(g.rules.length).toBeGreaterThan(0);
    }
    for (const r of rules) {
      expect(Object.keys(r).filter((k) => !['alert', 'expr', 'for', 'labels', 'annotations', 'keep_firing_for'].includes(k))).toEqual([]);
      expect(r.alert).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(typeof r.expr).toBe('string');
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+(s|m|h)$/);
      expect(['critical', 'warning', 'info']).toContain(r.labels.severity);
      expect(r.annotations.summary).toBeTruthy();
      expect(r.annotations.description).toBeTruthy();
    }
  });

  it('has sane PromQL that compares against a threshold', () => {
    for (const r of rules) {
      expect({ alert: r.alert, problems: promqlProblems(r.expr) }).toEqual({ alert: r.alert, problems: [] });
      expect(r.expr).toMatch(/(>|<|==|>=|<=)\s*[\d.]+\s*$/m);
    }
  });

  it('uses only metrics the code exports', () => {
    const exported = exportedMetricNames();
    const unknown = rules.flatMap((r) => metricNames(r.expr).filter((m) => !exported.has(baseMetricName(m))).map((m) => `${r.alert}: ${m}`));
    expect(unknown).toEqual([]);
  });

  it('covers latency over 100 ms, rejection rate, sync delay, consumer lag, disconnected accounts and DLQ growth', () => {
    const byMetric = (metric: string) => rules.filter((r) => metricNames(r.expr).map(baseMetricName).includes(metric)).map((r) => r.alert);
    expect(rules.find((r) => r.alert === 'SignalToBrokerLatencyHigh')?.expr).toMatch(/histogram_quantile\(0\.99,.*execution_signal_to_broker_ack_ms_bucket[\s\S]*> 100\s*$/);
    expect(byMetric('execution_rejections_total').length).toBeGreaterThan(0);
    expect(byMetric('sync_delay_ms').length).toBeGreaterThan(0);
    expect(byMetric('tradebridge_kafka_consumer_lag_messages').length).toBeGreaterThan(0);
    expect(byMetric('bridge_connection_state').length).toBeGreaterThan(0);
    expect(byMetric('tradebridge_kafka_dead_lettered_messages_total').length).toBeGreaterThan(0);
  });

  it('links each alert to its runbook in docs/operations.md', () => {
    const headings = anchors(operations);
    for (const r of rules) {
      const m = /^docs\/operations\.md#([a-z0-9-]+)$/.exec(r.annotations.runbook_url);
      expect({ alert: r.alert, runbook: m !== null && headings.has(m[1]!) }).toEqual({ alert: r.alert, runbook: true });
    }
  });
});

describe('Grafana dashboard and provisioning', () => {
  const datasources = parse(readFileSync(repoPath('deploy/observability/grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
  const provider = parse(readFileSync(repoPath('deploy/observability/grafana/provisioning/dashboards/tradebridge.yml'), 'utf8'));

  it('is a dashboard Grafana can load, on the provisioned Prometheus datasource', () => {
    expect(dashboard).toMatchObject({ uid: expect.any(String), title: expect.any(String), schemaVersion: expect.any(Number) });
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const promUid = datasources.datasources.find((d: any) => d.type === 'prometheus').uid;
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: promUid });
      expect(p.gridPos).toEqual({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t).toMatchObject({ refId: expect.stringMatching(/^[A-Z]$/), expr: expect.any(String) });
    }
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });

  it('queries only metrics the code exports, with sane PromQL', () => {
    const exported = exportedMetricNames();
    expect(dashboardExprs.flatMap((e) => promqlProblems(e).map((p) => `${p} in ${e}`))).toEqual([]);
    expect(dashboardExprs.flatMap((e) => metricNames(e).filter((m) => !exported.has(baseMetricName(m))))).toEqual([]);
  });

  it('shows signal-to-broker latency, rejections, sync delay, consumer lag, disconnected accounts and DLQ growth', () => {
    const used = new Set(dashboardExprs.flatMap((e) => metricNames(e).map(baseMetricName)));
    for (const m of ['execution_signal_to_broker_ack_ms', 'execution_rejections_total', 'sync_delay_ms', 'tradebridge_kafka_consumer_lag_messages', 'bridge_connection_state', 'tradebridge_kafka_dead_lettered_messages_total']) {
      expect(used).toContain(m);
    }
  });
});

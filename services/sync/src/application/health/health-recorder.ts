import { isUuid } from '@tradebridge/contracts';
import type { Kysely } from 'kysely';
import { executionStats, insertHealthMetrics } from '../../adapters/postgres/sync.repository';
import type { HealthMetricRow, SyncDb } from '../../adapters/postgres/sync.table';
import type { SyncEngine } from '../sync-account/sync-engine';
import type { AlertMonitor } from './alert-monitor';

export interface HealthRecorderOptions {
  readonly db: Kysely<SyncDb>;
  readonly engine: SyncEngine;
  readonly alerts: AlertMonitor;
  readonly intervalMs: number;
  /** Window of execution results behind the rejection rate and latency. */
  readonly executionWindowMs: number;
  readonly now: () => number;
  readonly log: (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;
}

/**
 * Writes one sync.bridge_health_metrics row per owned account every interval, in batched inserts: connection state,
 * last heartbeat, broker latency and rejection rate of the execution results in the window, last sync delay. The same
 * figures feed the rejection-rate alert.
 */
export class HealthRecorder {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private warnedIds = new Set<string>();
  rowsWritten = 0;

  constructor(private readonly o: HealthRecorderOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.recordOnce()
        .catch((error: unknown) => this.o.log('warn', { error: (error as Error).message }, 'health metrics not written'))
        .finally(() => (this.running = undefined));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async recordOnce(): Promise<void> {
    const now = this.o.now();
    const ids = this.o.engine.ids();
    if (ids.length === 0) return;
    const stats = await executionStats(this.o.db, ids, new Date(now - this.o.executionWindowMs));
    const rows: HealthMetricRow[] = [];
    for (const id of ids) {
      const rt = this.o.engine.runtime(id);
      const conn = this.o.engine.connection(id);
      const s = stats.get(id);
      const rate = s && s.results > 0 ? s.rejected / s.results : undefined;
      this.o.alerts.rejectionRate(id, rate, s?.results ?? 0, now);
      if (!isUuid(id)) {
        if (!this.warnedIds.has(id)) this.o.log('warn', { accountId: id }, 'account id is not a UUID: no bridge_health_metrics row (account_id is a uuid column)');
        this.warnedIds.add(id);
        continue;
      }
      rows.push({
        account_id: id,
        connection_status: (conn?.state ?? 'DISCONNECTED').toLowerCase(),
        last_heartbeat: conn?.lastHeartbeatAt !== undefined ? new Date(conn.lastHeartbeatAt) : null,
        execution_latency_ms: s?.meanLatencyMs !== undefined ? Math.round(s.meanLatencyMs) : null,
        rejection_rate: rate !== undefined ? Math.round(rate * 10_000) / 100 : null,
        sync_delay_ms: rt?.lastSyncDelayMs !== undefined ? Math.round(rt.lastSyncDelayMs) : null,
        recorded_at: new Date(now),
      });
    }
    await insertHealthMetrics(this.o.db, rows);
    this.rowsWritten += rows.length;
  }
}

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the sync loop. */
export interface SyncMetrics {
  readonly cycles: Counter<'outcome'>;
  readonly skipped: Counter<'reason'>;
  readonly published: Counter<'heartbeat'>;
  readonly delay: Histogram<string>;
  readonly owned: Gauge<string>;
}

export function createSyncMetrics(registry: Registry): SyncMetrics {
  const registers = [registry];
  return {
    cycles: new Counter({ name: 'sync_cycles_total', help: 'Sync cycles by outcome (ok, deadline, unreachable, error).', labelNames: ['outcome'], registers }),
    skipped: new Counter({ name: 'sync_cycles_skipped_total', help: 'Sync cycles not run or not accepted, by reason (still_running, overrun, suspect_empty).', labelNames: ['reason'], registers }),
    published: new Counter({ name: 'sync_account_synced_published_total', help: 'account.synced events published (heartbeat=true when nothing changed).', labelNames: ['heartbeat'], registers }),
    delay: new Histogram({ name: 'sync_delay_ms', help: 'From the moment a sync was due to its snapshot being complete, in milliseconds.', buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000], registers }),
    owned: new Gauge({ name: 'sync_accounts_owned', help: 'Accounts this replica syncs (its share of the account.config partitions).', registers }),
  };
}

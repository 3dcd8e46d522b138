import { isBridgeClientId } from '@tradebridge/bridge';
import { deterministicId, envelope, eventId, type DiscrepancyDetected, type DiscrepancyKind } from '@tradebridge/contracts';
import type { Kysely } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import { loadOpenDiscrepancies, loadOpenExpected, markExpectedClosed, recordDiscrepancy, resolveDiscrepancy } from '../../adapters/postgres/sync.repository';
import type { SyncDb } from '../../adapters/postgres/sync.table';
import { EMPTY_RECONCILE_STATE, reconcile, type Discrepancy, type ReconcileState } from '../../domain/reconcile';
import type { SyncEngine } from '../sync-account/sync-engine';

export interface ReconcilerOptions {
  readonly db: Kysely<SyncDb>;
  readonly engine: SyncEngine;
  readonly publish: (event: DiscrepancyDetected) => Promise<void>;
  readonly registry: Registry;
  readonly intervalMs: number;
  readonly graceMs: number;
  /** A snapshot older than this is not reconciled (the account is not syncing right now). */
  readonly maxSnapshotAgeMs: number;
  readonly now: () => number;
  readonly log: (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;
}

/** The id of a discrepancy: the same account, kind and object give the same id for as long as it lasts. */
export function discrepancyIdOf(accountId: string, key: string): string {
  return deterministicId('discrepancy', accountId, key);
}

/**
 * Reconciles every owned account at a fixed interval: loads execution's open positions for all of them in one query,
 * compares each with the account's latest snapshot (the truth), and records and publishes each discrepancy once, and
 * its resolution once. Also hands the engine the clientId -> intent map, so snapshots name our intents.
 */
export class Reconciler {
  private readonly states = new Map<string, ReconcileState>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly found: Counter<'kind'>;
  /** Completed reconciliation runs (tests count runs instead of timing them). */
  runs = 0;

  constructor(private readonly o: ReconcilerOptions) {
    this.found = new Counter({ name: 'sync_discrepancies_detected_total', help: 'Reconciliation discrepancies found, by kind.', labelNames: ['kind'], registers: [o.registry] });
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) => this.o.log('warn', { error: (error as Error).message }, 'reconciliation run failed'))
        .finally(() => (this.running = undefined));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One reconciliation of every owned account. */
  async runOnce(): Promise<void> {
    const ids = this.o.engine.ids();
    for (const id of [...this.states.keys()]) if (!this.o.engine.has(id)) this.states.delete(id);
    const fresh = ids.filter((id) => !this.states.has(id));
    if (fresh.length > 0) {
      // Discrepancies already reported (by us before a restart, or by the replica that owned the account) stay quiet.
      const open = await loadOpenDiscrepancies(this.o.db, fresh);
      for (const id of fresh) this.states.set(id, { reported: new Map(), firstSeenMs: new Map() });
      for (const row of open) {
        const s = this.states.get(row.account_id)!;
        const key = `${row.kind.replace('DISCREPANCY_KIND_', '')}:${row.position_id}`;
        (s.reported as Map<string, Discrepancy>).set(key, {
          key,
          kind: row.kind as DiscrepancyKind,
          positionId: row.position_id,
          intentId: row.intent_id,
          signalId: row.signal_id,
          symbol: row.symbol,
          detail: row.detail,
        });
      }
    }
    const expected = await loadOpenExpected(this.o.db, ids);
    const now = this.o.now();
    for (const id of ids) {
      const exp = expected.get(id) ?? [];
      this.o.engine.setIntents(id, new Map(exp.filter((e) => e.clientId).map((e) => [e.clientId, e.intentId])));
      const rt = this.o.engine.runtime(id);
      const conn = this.o.engine.connection(id);
      if (!rt?.previous || rt.lastSyncedAtMs === undefined || now - rt.lastSyncedAtMs > this.o.maxSnapshotAgeMs || conn?.state === 'DISCONNECTED') continue;
      const recentlyClosed = this.o.engine.recentlyClosed(id);
      const closedExpected = exp.filter((e) => recentlyClosed.has(e.positionId)).map((e) => e.positionId);
      if (closedExpected.length > 0) await markExpectedClosed(this.o.db, id, closedExpected, new Date(now));
      const outcome = reconcile(this.states.get(id) ?? EMPTY_RECONCILE_STATE, {
        expected: exp,
        positions: rt.previous.positions,
        recentlyClosed,
        isOurClientId: (c) => !!c && isBridgeClientId(c),
        nowMs: now,
        graceMs: this.o.graceMs,
      });
      this.states.set(id, outcome.state);
      for (const d of outcome.detected) await this.report(id, d, false, now);
      for (const d of outcome.resolved) await this.report(id, d, true, now);
    }
    this.runs++;
  }

  private async report(accountId: string, d: Discrepancy, resolved: boolean, nowMs: number): Promise<void> {
    const discrepancyId = discrepancyIdOf(accountId, d.key);
    if (resolved) {
      await resolveDiscrepancy(this.o.db, discrepancyId, new Date(nowMs));
    } else {
      this.found.inc({ kind: d.kind });
      await recordDiscrepancy(this.o.db, {
        discrepancy_id: discrepancyId,
        account_id: accountId,
        kind: d.kind,
        position_id: d.positionId,
        intent_id: d.intentId,
        signal_id: d.signalId,
        symbol: d.symbol,
        expected_value: d.expected ?? null,
        actual_value: d.actual ?? null,
        detail: d.detail,
        first_detected_at: new Date(nowMs),
        last_detected_at: new Date(nowMs),
        resolved_at: null,
      });
    }
    await this.o.publish({
      meta: envelope({ eventId: eventId('account.discrepancy.detected', discrepancyId, resolved ? 'resolved' : 'detected', nowMs), correlationId: d.signalId, occurredAtUs: nowMs * 1000, producer: 'sync' }),
      discrepancyId,
      accountId,
      kind: d.kind,
      positionId: d.positionId,
      orderId: '',
      intentId: d.intentId,
      signalId: d.signalId,
      symbol: d.symbol,
      ...(d.expected !== undefined ? { expectedValue: d.expected } : {}),
      ...(d.actual !== undefined ? { actualValue: d.actual } : {}),
      detail: d.detail,
      detectedAtUs: nowMs * 1000,
      resolved,
    });
    this.o.log('info', { accountId, discrepancyId, kind: d.kind, positionId: d.positionId, resolved }, resolved ? 'discrepancy resolved' : 'discrepancy detected');
  }
}

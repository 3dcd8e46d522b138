/**
 * Use case: a signal arrives -> load the following accounts and the risk state -> decide -> record decisions,
 * intents, reservations and state changes in one transaction -> publish the events of what was newly decided.
 *
 * Exactly-once effect: the ledger is unique on the deterministic intent id, so a redelivered or replayed signal
 * inserts nothing and publishes no second approval. Publishing happens after the commit; whatever a crash left
 * unpublished for the signal is published on its redelivery (the consumer commits the offset only after this use
 * case returns), so no event is lost either.
 *
 * Decisions are serialised by a transaction-scoped advisory lock: two signals deciding at once would otherwise both
 * read the same free margin before either reservation is written.
 */
import { sql, type Kysely } from 'kysely';
import { withTransaction, type Clock } from '@tradebridge/persistence';
import {
  decide,
  effectiveState,
  type AccountDecision,
  type AccountView,
  type DecisionBatch,
  type IntentRecord,
  type OrderIntent,
  type RiskState,
  type Signal,
} from '../../domain';
import type { DecisionRow, NewDecisionRow, RiskDB } from '../../adapters/postgres/risk.table';
import {
  insertDecisions,
  insertIntents,
  insertReservations,
  loadUnpublishedDecisions,
  markDecisionsPublished,
  saveTradingStateChange,
} from '../../adapters/postgres/state.repository';
import type { DecisionSettings, RiskEventPublisher } from '../ports';
import { loadDecisionContext } from './load-context';

/** Advisory lock key serialising decisions (arbitrary, fixed). */
export const DECIDE_LOCK_KEY = 7_311_502;

export interface DecideSignalDeps {
  readonly db: Kysely<RiskDB>;
  readonly publisher: RiskEventPublisher;
  readonly settings: DecisionSettings;
  readonly clock: Clock;
}

export interface DecideSignalResult {
  readonly batch: DecisionBatch;
  /** Ledger rows this call inserted (replays insert none). */
  readonly recorded: readonly DecisionRow[];
  /** Rows published by this call (new ones, plus any a crash left unpublished). */
  readonly published: number;
}

export async function decideSignal(deps: DecideSignalDeps, signal: Signal): Promise<DecideSignalResult> {
  const now = deps.clock.now();
  const { batch, recorded, leftovers } = await withTransaction(deps.db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${DECIDE_LOCK_KEY})`.execute(trx);
    const ctx = await loadDecisionContext(trx, signal, deps.settings, now);
    const batch = decide(signal, ctx.views, ctx.state, now, {
      intentIdOf: deps.settings.intentIdOf,
      defaultTtlMs: deps.settings.defaultSignalTtlMs,
      defaultMaxSyncAgeMs: deps.settings.defaultMaxSyncAgeMs,
    });
    // Decisions an earlier delivery stored but could not publish (a crash or broker failure after the commit).
    const leftovers = await loadUnpublishedDecisions(trx, 100_000, signal.signalId);
    const recorded = await insertDecisions(trx, ledgerRows(signal, batch, ctx.views, ctx.state, ctx.tenantOf, now));
    const inserted = new Set(recorded.map((r) => r.intent_id));
    const approvedNow = batch.decisions.filter(
      (d): d is Extract<AccountDecision, { outcome: 'APPROVED' }> => d.outcome === 'APPROVED' && inserted.has(d.intentId),
    );
    await insertIntents(trx, approvedNow.map((d) => intentRecord(d.intent)));
    await insertReservations(
      trx,
      batch.reservations.filter((r) => inserted.has(r.intentId)),
    );
    for (const change of batch.stateChanges) await saveTradingStateChange(trx, change);
    return { batch, recorded, leftovers };
  });

  const pending = [...leftovers, ...recorded];
  if (pending.length > 0) {
    await deps.publisher.publishDecisions(pending);
    await markDecisionsPublished(
      deps.db,
      pending.map((r) => r.intent_id),
      deps.clock.now(),
    );
  }
  if (batch.stateChanges.length > 0) await deps.publisher.publishTradingStateChanges(batch.stateChanges);
  return { batch, recorded, published: pending.length };
}

/** Publishes every decision a crash left unpublished (run at start-up). */
export async function publishPendingDecisions(deps: Pick<DecideSignalDeps, 'db' | 'publisher' | 'clock'>): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await loadUnpublishedDecisions(deps.db, 500);
    if (rows.length === 0) return total;
    await deps.publisher.publishDecisions(rows);
    await markDecisionsPublished(
      deps.db,
      rows.map((r) => r.intent_id),
      deps.clock.now(),
    );
    total += rows.length;
  }
}

function intentRecord(intent: OrderIntent): IntentRecord {
  return {
    intentId: intent.intentId,
    signalId: intent.signalId,
    accountId: intent.accountId,
    kind: intent.kind,
    brokerSymbol: intent.brokerSymbol,
    ...(intent.kind === 'OPEN' ? { direction: intent.direction, volume: intent.volume } : {}),
    status: 'APPROVED',
    positions: [],
    orders: [],
  };
}

/** What the ledger keeps of the account as decided on. */
function accountViewSummary(view: AccountView | undefined, state: RiskState, sourceId: string, now: Date): Record<string, unknown> {
  if (!view) return {};
  const s = view.snapshot;
  const reservations = state.reservations.get(view.config.accountId) ?? [];
  return {
    currency: view.config.currency,
    configVersion: (view.config as { configVersion?: number }).configVersion,
    syncedAt: s?.syncedAt.toISOString() ?? null,
    connected: s?.connected ?? null,
    balance: s?.balance ?? null,
    equity: s?.equity ?? null,
    freeMargin: s?.freeMargin ?? null,
    leverage: s?.leverage ?? null,
    openPositions: s?.positions.length ?? null,
    pendingOrders: s?.orders.length ?? null,
    tradingState: effectiveState(state.tradingStates, view.config.accountId, sourceId, now).state,
    inFlightIntents: reservations.length,
    inFlightMargin: reservations.reduce((sum, r) => sum + r.marginInAccountCurrency, 0),
    anchors: view.anchors ?? null,
  };
}

/** One ledger row per approved or rejected decision (duplicates are not new decisions). */
export function ledgerRows(
  signal: Signal,
  batch: DecisionBatch,
  views: readonly AccountView[],
  state: RiskState,
  tenantOf: ReadonlyMap<string, string>,
  now: Date,
): NewDecisionRow[] {
  const viewOf = new Map(views.map((v) => [v.config.accountId, v]));
  const rows: NewDecisionRow[] = [];
  for (const d of batch.decisions) {
    if (d.outcome === 'DUPLICATE') continue;
    const common = {
      intent_id: d.intentId,
      signal_id: signal.signalId,
      account_id: d.accountId,
      subscription_id: d.subscriptionId,
      source_id: signal.sourceId,
      tenant_id: tenantOf.get(d.accountId) ?? signal.tenantId,
      action: signal.action,
      signal_symbol: signal.symbol,
      account_view: JSON.stringify(accountViewSummary(viewOf.get(d.accountId), state, signal.sourceId, now)),
      signal_accepted_at: signal.acceptedAt,
      decided_at: now,
    };
    if (d.outcome === 'APPROVED') {
      rows.push({
        ...common,
        outcome: 'APPROVED',
        reason: null,
        detail: null,
        failures: '[]',
        broker_symbol: d.intent.brokerSymbol,
        volume: d.intent.kind === 'OPEN' ? d.intent.volume : null,
        sizing: JSON.stringify(d.intent.kind === 'OPEN' ? d.intent.sizing : null),
        margin: JSON.stringify(d.intent.kind === 'OPEN' ? (d.intent.margin ?? null) : null),
        intent: JSON.stringify(d.intent),
      });
    } else {
      rows.push({
        ...common,
        outcome: 'REJECTED',
        reason: d.reason,
        detail: d.detail,
        failures: JSON.stringify(d.failures),
        broker_symbol: d.brokerSymbol ?? null,
        volume: d.sizing?.volume ?? null,
        sizing: JSON.stringify(d.sizing ?? null),
        margin: JSON.stringify(d.margin ?? null),
        intent: JSON.stringify(null),
      });
    }
  }
  return rows;
}

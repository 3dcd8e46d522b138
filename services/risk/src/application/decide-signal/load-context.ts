/**
 * Loads what decide needs for one signal: the following accounts with their synced view, and the risk state.
 */
import type { Kysely, Transaction } from 'kysely';
import {
  expireReservations,
  fleetExposure,
  intentKey,
  type AccountView,
  type IntentRecord,
  type Reservation,
  type RiskState,
  type Signal,
} from '../../domain';
import { listAccounts, loadFollowers } from '../../adapters/postgres/accounts.repository';
import type { RiskDB } from '../../adapters/postgres/risk.table';
import {
  decidedIntentIds,
  loadAllSnapshots,
  loadIntents,
  loadRates,
  loadReservations,
  loadSnapshots,
  loadSymbolSpecs,
  loadTradingStates,
  recentApprovals,
} from '../../adapters/postgres/state.repository';
import type { DecisionSettings } from '../ports';

type Db = Kysely<RiskDB> | Transaction<RiskDB>;

/** Accounts to decide on and the state to decide with. */
export interface DecisionContext {
  readonly views: AccountView[];
  readonly state: RiskState;
  /** Tenant of each account (for the ledger). */
  readonly tenantOf: ReadonlyMap<string, string>;
}

export async function loadDecisionContext(db: Db, signal: Signal, settings: DecisionSettings, now: Date): Promise<DecisionContext> {
  const followers = await loadFollowers(db, signal.sourceId);
  const ids = followers.map((f) => f.account.accountId);
  const referenced = signal.action === 'OPEN' ? [] : [signal.referencedSignalId];
  // With fleet caps every account's exposure counts, so all snapshots are loaded once and the followers' taken from them.
  const fleetWide = settings.fleetCaps.size > 0;
  const [snapshots, allAccounts, specs, rates, tradingStates, allReservations, intents, decided, recent] = await Promise.all([
    fleetWide ? loadAllSnapshots(db) : loadSnapshots(db, ids),
    fleetWide ? listAccounts(db) : Promise.resolve([]),
    loadSymbolSpecs(db, ids),
    loadRates(db),
    loadTradingStates(db),
    loadReservations(db),
    loadIntents(db, [signal.signalId, ...referenced], ids),
    decidedIntentIds(
      db,
      ids.map((id) => settings.intentIdOf(signal.signalId, id)),
    ),
    recentApprovals(db, ids, new Date(now.getTime() - 60_000)),
  ]);

  const live = expireReservations(allReservations, now, settings.reservationTtlMs);
  const reservations = new Map<string, Reservation[]>();
  for (const r of live) {
    const list = reservations.get(r.accountId) ?? [];
    list.push(r);
    reservations.set(r.accountId, list);
  }

  const intentMap = new Map<string, IntentRecord>();
  for (const i of intents) intentMap.set(intentKey(i.signalId, i.accountId), i);
  // A signal already decided for an account (approved or rejected) is a replay: mark it so decide skips it.
  for (const f of followers) {
    const id = settings.intentIdOf(signal.signalId, f.account.accountId);
    const key = intentKey(signal.signalId, f.account.accountId);
    const outcome = decided.get(id);
    if (outcome && !intentMap.has(key)) {
      intentMap.set(key, {
        intentId: id,
        signalId: signal.signalId,
        accountId: f.account.accountId,
        kind: signal.action,
        brokerSymbol: '',
        status: outcome === 'APPROVED' ? 'APPROVED' : 'REJECTED',
        positions: [],
        orders: [],
      });
    }
  }

  const fleet = fleetWide
    ? fleetExposure(
        allAccounts.map((a) => {
          const s = snapshots.get(a.accountId);
          return s ? { mapping: a.mapping, snapshot: s.snapshot } : { mapping: a.mapping };
        }),
        live,
      )
    : new Map<string, number>();

  const views: AccountView[] = followers.map(({ account, subscription }) => {
    const stored = snapshots.get(account.accountId);
    return {
      config: account,
      subscription,
      ...(stored ? { snapshot: stored.snapshot, anchors: stored.anchors } : {}),
      specs: specs.get(account.accountId) ?? new Map(),
    };
  });

  return {
    views,
    tenantOf: new Map(followers.map((f) => [f.account.accountId, f.account.tenantId])),
    state: {
      tradingStates,
      reservations,
      fleetExposure: fleet,
      fleetCaps: settings.fleetCaps,
      intents: intentMap,
      recentOrders: recent,
      rates,
    },
  };
}

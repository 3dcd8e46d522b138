/**
 * In-flight exposure. An approved order is invisible to the next sync for a while; until a sync or an execution
 * result covers it, its volume, margin and stop-loss risk are reserved against the account's (and the fleet's)
 * limits, so two signals in the same second cannot both spend the same free margin.
 *
 * A reservation is released when: execution reports the order rejected or expired; a sync lists a position or order
 * carrying its intent id; or execution reported it placed and a later sync (synced at or after the placement) has
 * been received, which therefore includes it. As a safety net it lapses after a TTL.
 */
import type { AccountSnapshot, SymbolMapping } from './account';
import { canonicalSymbol } from './routing';
import type { Direction } from './signal';
import { addVolumes } from './volume';

/** Exposure approved for an account but not yet covered by a sync. */
export interface Reservation {
  readonly intentId: string;
  readonly accountId: string;
  readonly signalId: string;
  /** Canonical symbol (for fleet caps) and broker symbol (for account limits). */
  readonly symbol: string;
  readonly brokerSymbol: string;
  readonly direction: Direction;
  readonly volume: number;
  readonly marginInAccountCurrency: number;
  /** Loss at the stop loss in the account currency, 0 when unknown. */
  readonly riskMoney: number;
  readonly createdAt: Date;
  /** Set when execution reported the order placed. */
  readonly placedAt?: Date;
}

/** Marks a reservation placed (execution accepted the order), or drops it (rejected or expired). */
export function onExecutionResult(
  reservations: readonly Reservation[],
  result: { readonly intentId: string; readonly outcome: 'PLACED' | 'REJECTED' | 'EXPIRED'; readonly at: Date },
): Reservation[] {
  const out: Reservation[] = [];
  for (const r of reservations) {
    if (r.intentId !== result.intentId) out.push(r);
    else if (result.outcome === 'PLACED') out.push({ ...r, placedAt: result.at });
  }
  return out;
}

/** Keeps only the account's reservations that a new sync does not cover yet. */
export function onSync(reservations: readonly Reservation[], snapshot: AccountSnapshot): Reservation[] {
  const visible = new Set<string>();
  for (const p of snapshot.positions) if (p.intentId) visible.add(p.intentId);
  for (const o of snapshot.orders) if (o.intentId) visible.add(o.intentId);
  return reservations.filter(
    (r) => !visible.has(r.intentId) && !(r.placedAt !== undefined && r.placedAt.getTime() <= snapshot.syncedAt.getTime()),
  );
}

/** Drops reservations older than `ttlMs`. */
export function expireReservations(reservations: readonly Reservation[], now: Date, ttlMs: number): Reservation[] {
  return reservations.filter((r) => now.getTime() - r.createdAt.getTime() < ttlMs);
}

/** An account's exposure: synced positions and pending orders plus in-flight reservations. */
export interface AccountExposure {
  /** Open positions + pending orders + in-flight opening orders. */
  readonly openCount: number;
  readonly volumeOn: (brokerSymbol: string) => number;
  readonly inFlightMargin: number;
  readonly inFlightRisk: number;
}

/** Sums an account's exposure from its last snapshot and its reservations. */
export function accountExposure(snapshot: AccountSnapshot, reservations: readonly Reservation[]): AccountExposure {
  const volumes = new Map<string, number>();
  const add = (symbol: string, volume: number): void => {
    volumes.set(symbol, addVolumes(volumes.get(symbol) ?? 0, volume));
  };
  for (const p of snapshot.positions) add(p.symbol, p.volume);
  for (const o of snapshot.orders) add(o.symbol, o.volume);
  let inFlightMargin = 0;
  let inFlightRisk = 0;
  for (const r of reservations) {
    add(r.brokerSymbol, r.volume);
    inFlightMargin += r.marginInAccountCurrency;
    inFlightRisk += r.riskMoney;
  }
  return {
    openCount: snapshot.positions.length + snapshot.orders.length + reservations.length,
    volumeOn: (symbol) => volumes.get(symbol) ?? 0,
    inFlightMargin,
    inFlightRisk,
  };
}

/**
 * Gross lots per canonical symbol across the fleet: every account's synced positions and pending orders (broker
 * symbols mapped back through the account's mapping) plus all reservations. Lots of one canonical symbol are taken as
 * comparable across brokers; caps are therefore set in standard lots of the canonical symbol.
 */
export function fleetExposure(
  accounts: Iterable<{ readonly mapping: SymbolMapping; readonly snapshot?: AccountSnapshot }>,
  reservations: Iterable<Reservation>,
): Map<string, number> {
  const totals = new Map<string, number>();
  const add = (symbol: string, volume: number): void => {
    totals.set(symbol, addVolumes(totals.get(symbol) ?? 0, volume));
  };
  for (const account of accounts) {
    if (!account.snapshot) continue;
    for (const p of account.snapshot.positions) add(canonicalSymbol(p.symbol, account.mapping), p.volume);
    for (const o of account.snapshot.orders) add(canonicalSymbol(o.symbol, account.mapping), o.volume);
  }
  for (const r of reservations) add(r.symbol, r.volume);
  return totals;
}

import type { DiscrepancyKind } from '@tradebridge/contracts';
import { samePrice, sameVolume, type Position } from './terminal-state';

/** A position execution reported open on an account (from execution.order.placed / execution.position.changed). */
export interface ExpectedPosition {
  readonly positionId: string;
  readonly intentId: string;
  readonly signalId: string;
  readonly clientId: string;
  readonly symbol: string;
  readonly volume: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  /** When execution last reported on it, epoch ms: differences younger than the grace period are not yet reported. */
  readonly reportedAtMs: number;
}

/** One difference between the terminal (the truth) and what execution reported. */
export interface Discrepancy {
  /** Stable per account, kind and object: `<kind>:<position id>`. */
  readonly key: string;
  readonly kind: DiscrepancyKind;
  readonly positionId: string;
  readonly intentId: string;
  readonly signalId: string;
  readonly symbol: string;
  readonly expected?: number;
  readonly actual?: number;
  readonly detail: string;
}

/** What reconciliation remembers per account between runs: what it reported, and since when it saw the rest. */
export interface ReconcileState {
  readonly reported: ReadonlyMap<string, Discrepancy>;
  readonly firstSeenMs: ReadonlyMap<string, number>;
}

export const EMPTY_RECONCILE_STATE: ReconcileState = { reported: new Map(), firstSeenMs: new Map() };

export interface ReconcileInput {
  readonly expected: readonly ExpectedPosition[];
  readonly positions: readonly Position[];
  /** Positions this service saw close on the terminal recently (they are gone for a known reason). */
  readonly recentlyClosed: ReadonlySet<string>;
  /** True for a clientId our bridge writes (`TB...`); positions without one were opened by hand or another tool. */
  readonly isOurClientId: (clientId: string | undefined) => boolean;
  readonly nowMs: number;
  /** How long a difference must persist before it is reported (events and the terminal are read at different times). */
  readonly graceMs: number;
}

export interface ReconcileOutcome {
  /** Newly found: publish and record each once. */
  readonly detected: Discrepancy[];
  /** Reported before and no longer true. */
  readonly resolved: Discrepancy[];
  readonly state: ReconcileState;
}

/**
 * Compares the terminal's positions with the positions execution reported. The terminal is the truth: every
 * difference becomes a discrepancy to report, never a correction. A discrepancy is reported once when it has
 * persisted for `graceMs` (a position opened by hand at once), stays quiet while it lasts, and is reported resolved
 * when it no longer holds.
 */
export function reconcile(state: ReconcileState, input: ReconcileInput): ReconcileOutcome {
  const candidates = new Map<string, { d: Discrepancy; sinceMs: number; immediate: boolean }>();
  const expectedById = new Map(input.expected.map((e) => [e.positionId, e]));
  const expectedByClientId = new Map(input.expected.filter((e) => e.clientId).map((e) => [e.clientId, e]));
  const onTerminal = new Set(input.positions.map((p) => p.id));

  for (const p of input.positions) {
    const e = expectedById.get(p.id) ?? (p.clientId ? expectedByClientId.get(p.clientId) : undefined);
    if (!e) {
      const ours = input.isOurClientId(p.clientId);
      add(candidates, {
        key: `UNKNOWN_POSITION:${p.id}`,
        kind: 'DISCREPANCY_KIND_UNKNOWN_POSITION',
        positionId: p.id,
        intentId: '',
        signalId: '',
        symbol: p.symbol,
        actual: p.volume,
        detail: ours
          ? `position ${p.id} carries our clientId ${p.clientId} but execution never reported it`
          : `position ${p.id} (${p.side} ${p.volume} ${p.symbol}) was not opened by Tradebridge${p.clientId ? ` (clientId ${p.clientId})` : ''}`,
      }, p.openedAt.getTime(), !ours);
      continue;
    }
    const common = { positionId: p.id, intentId: e.intentId, signalId: e.signalId, symbol: p.symbol };
    if (!sameVolume(e.volume, p.volume)) {
      add(candidates, { ...common, key: `VOLUME_MISMATCH:${p.id}`, kind: 'DISCREPANCY_KIND_VOLUME_MISMATCH', expected: e.volume, actual: p.volume, detail: `volume ${p.volume} on the terminal, ${e.volume} reported by execution` }, e.reportedAtMs, false);
    }
    if (!samePrice(e.stopLoss, p.stopLoss)) {
      add(candidates, { ...common, key: `STOP_LOSS_MISMATCH:${p.id}`, kind: 'DISCREPANCY_KIND_STOP_LOSS_MISMATCH', expected: e.stopLoss ?? 0, actual: p.stopLoss ?? 0, detail: `stop-loss ${p.stopLoss ?? 'none'} on the terminal, ${e.stopLoss ?? 'none'} reported by execution` }, e.reportedAtMs, false);
    }
    if (!samePrice(e.takeProfit, p.takeProfit)) {
      add(candidates, { ...common, key: `TAKE_PROFIT_MISMATCH:${p.id}`, kind: 'DISCREPANCY_KIND_TAKE_PROFIT_MISMATCH', expected: e.takeProfit ?? 0, actual: p.takeProfit ?? 0, detail: `take-profit ${p.takeProfit ?? 'none'} on the terminal, ${e.takeProfit ?? 'none'} reported by execution` }, e.reportedAtMs, false);
    }
  }
  for (const e of input.expected) {
    if (onTerminal.has(e.positionId) || input.recentlyClosed.has(e.positionId)) continue;
    if (e.clientId && input.positions.some((p) => p.clientId === e.clientId)) continue;
    add(candidates, {
      key: `MISSING_POSITION:${e.positionId}`,
      kind: 'DISCREPANCY_KIND_MISSING_POSITION',
      positionId: e.positionId,
      intentId: e.intentId,
      signalId: e.signalId,
      symbol: e.symbol,
      expected: e.volume,
      detail: `position ${e.positionId} reported open by execution is not on the terminal`,
    }, e.reportedAtMs, false);
  }

  const detected: Discrepancy[] = [];
  const reported = new Map<string, Discrepancy>();
  const firstSeenMs = new Map<string, number>();
  for (const [key, c] of candidates) {
    const already = state.reported.get(key);
    if (already) {
      reported.set(key, already);
      continue;
    }
    const first = state.firstSeenMs.get(key) ?? input.nowMs;
    if (c.immediate || input.nowMs - Math.max(first, Math.min(c.sinceMs, input.nowMs)) >= input.graceMs) {
      detected.push(c.d);
      reported.set(key, c.d);
    } else {
      firstSeenMs.set(key, first);
    }
  }
  const resolved = [...state.reported.values()].filter((d) => !candidates.has(d.key));
  return { detected, resolved, state: { reported, firstSeenMs } };
}

function add(
  into: Map<string, { d: Discrepancy; sinceMs: number; immediate: boolean }>,
  d: Discrepancy,
  sinceMs: number,
  immediate: boolean,
): void {
  into.set(d.key, { d, sinceMs, immediate });
}

/**
 * Trading states (the kill switch): per account, per signal source and fleet-wide. The effective state of an order is
 * the most restrictive of the three. ACTIVE lets everything pass; REDUCING lets only orders that cannot add exposure
 * pass (close, cancel, and SL/TP modifications, which change no volume); HALTED lets nothing pass.
 */

export type TradingStateValue = 'ACTIVE' | 'REDUCING' | 'HALTED';

export type TradingScope = 'FLEET' | 'ACCOUNT' | 'SOURCE';

/** Scope id of the fleet-wide state. */
export const FLEET_SCOPE_ID = '*';

/** A state set on one scope, by an operator or automatically. */
export interface TradingState {
  readonly scope: TradingScope;
  /** Account id, source id, or `*` for the fleet. */
  readonly scopeId: string;
  readonly state: TradingStateValue;
  readonly reason: string;
  readonly setBy: 'OPERATOR' | 'AUTO';
  readonly setAt: Date;
  /** After this time the state no longer applies (used for daily-loss halts that end with the trading day). */
  readonly expiresAt?: Date;
}

/** All states currently set. Missing entries mean ACTIVE. */
export interface TradingStates {
  readonly fleet?: TradingState;
  readonly accounts: ReadonlyMap<string, TradingState>;
  readonly sources: ReadonlyMap<string, TradingState>;
}

/** A transition to publish as `risk.trading_state.changed` and to store. */
export interface TradingStateChange {
  readonly scope: TradingScope;
  readonly scopeId: string;
  readonly from: TradingStateValue;
  readonly to: TradingStateValue;
  readonly reason: string;
  readonly setBy: 'OPERATOR' | 'AUTO';
  readonly at: Date;
  readonly expiresAt?: Date;
}

const SEVERITY: Readonly<Record<TradingStateValue, number>> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/** True when `a` lets fewer orders pass than `b`. */
export function isStricter(a: TradingStateValue, b: TradingStateValue): boolean {
  return SEVERITY[a] > SEVERITY[b];
}

function live(state: TradingState | undefined, now: Date): TradingState | undefined {
  if (!state) return undefined;
  if (state.expiresAt && state.expiresAt.getTime() <= now.getTime()) return undefined;
  return state;
}

/** The state that governs an order on `accountId` from `sourceId`, and the setting responsible for it. */
export function effectiveState(
  states: TradingStates,
  accountId: string,
  sourceId: string,
  now: Date,
): { readonly state: TradingStateValue; readonly because?: TradingState } {
  let result: { state: TradingStateValue; because?: TradingState } = { state: 'ACTIVE' };
  for (const candidate of [live(states.fleet, now), live(states.sources.get(sourceId), now), live(states.accounts.get(accountId), now)]) {
    if (candidate && isStricter(candidate.state, result.state)) result = { state: candidate.state, because: candidate };
  }
  return result;
}

/** Current value on one scope (ACTIVE when unset or expired). */
export function stateOf(states: TradingStates, scope: TradingScope, scopeId: string, now: Date): TradingStateValue {
  const state = scope === 'FLEET' ? states.fleet : scope === 'ACCOUNT' ? states.accounts.get(scopeId) : states.sources.get(scopeId);
  return live(state, now)?.state ?? 'ACTIVE';
}

/** Whether an order of this kind may pass a state. */
export function allows(state: TradingStateValue, orderKind: 'OPEN' | 'MODIFY' | 'CLOSE' | 'CANCEL'): boolean {
  switch (state) {
    case 'ACTIVE':
      return true;
    case 'REDUCING':
      return orderKind !== 'OPEN';
    case 'HALTED':
      return false;
    default: {
      const _exhaustive: never = state;
      throw new Error(`unknown trading state ${String(_exhaustive)}`);
    }
  }
}

/** A command setting a state on one scope (the kill switch API builds these). */
export interface SetTradingState {
  readonly scope: TradingScope;
  readonly scopeId: string;
  readonly state: TradingStateValue;
  readonly reason: string;
  readonly setBy: 'OPERATOR' | 'AUTO';
  readonly expiresAt?: Date;
}

/**
 * Applies a state command: returns the new states and the change, or no change when the scope is already in that
 * state. Automatic commands only ever tighten a state; operators may set any state.
 */
export function applyTradingState(
  states: TradingStates,
  command: SetTradingState,
  now: Date,
): { readonly states: TradingStates; readonly change?: TradingStateChange } {
  const scopeId = command.scope === 'FLEET' ? FLEET_SCOPE_ID : command.scopeId;
  const from = stateOf(states, command.scope, scopeId, now);
  if (from === command.state) return { states };
  if (command.setBy === 'AUTO' && !isStricter(command.state, from)) return { states };
  const next: TradingState = {
    scope: command.scope,
    scopeId,
    state: command.state,
    reason: command.reason,
    setBy: command.setBy,
    setAt: now,
    ...(command.expiresAt ? { expiresAt: command.expiresAt } : {}),
  };
  const change: TradingStateChange = {
    scope: command.scope,
    scopeId,
    from,
    to: command.state,
    reason: command.reason,
    setBy: command.setBy,
    at: now,
    ...(command.expiresAt ? { expiresAt: command.expiresAt } : {}),
  };
  switch (command.scope) {
    case 'FLEET':
      return { states: { ...states, fleet: next }, change };
    case 'ACCOUNT':
      return { states: { ...states, accounts: new Map(states.accounts).set(scopeId, next) }, change };
    case 'SOURCE':
      return { states: { ...states, sources: new Map(states.sources).set(scopeId, next) }, change };
    default: {
      const _exhaustive: never = command.scope;
      throw new Error(`unknown scope ${String(_exhaustive)}`);
    }
  }
}

/** No state set anywhere: everything ACTIVE. */
export const ALL_ACTIVE: TradingStates = { accounts: new Map(), sources: new Map() };

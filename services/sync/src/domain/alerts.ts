import type { AlertKind } from '@tradebridge/contracts';

/**
 * When an alert starts and when it clears. Hysteresis: an alert raises when the value crosses `raiseAt` and has
 * stayed there for `forMs`, and clears only when it is back past `clearAt` (a band, so a value hovering at the
 * threshold does not raise and clear every second).
 */
export interface AlertRule {
  readonly kind: AlertKind;
  /** `above`: raise when value > raiseAt, clear when value < clearAt. `below`: the opposite. */
  readonly direction: 'above' | 'below';
  readonly raiseAt: number;
  readonly clearAt: number;
  /** How long the condition must hold before the alert raises, ms (0: at once). */
  readonly forMs: number;
}

/** Per account and rule: whether the alert is up, since when the condition holds, and the episode's start. */
export interface AlertState {
  readonly active: boolean;
  readonly pendingSinceMs?: number;
  /** Epoch ms the current episode was raised (names the episode; the clearing event repeats it). */
  readonly raisedAtMs?: number;
}

export const ALERT_IDLE: AlertState = { active: false };

export type AlertTransition = { readonly type: 'raised' | 'cleared'; readonly raisedAtMs: number; readonly observed: number };

/**
 * One evaluation of a rule. `observed` undefined means "no reading" (e.g. no margin in use): the state does not
 * change. Returns the next state and, when the alert starts or clears, the transition to publish.
 */
export function evaluateAlert(rule: AlertRule, state: AlertState, observed: number | undefined, nowMs: number): { state: AlertState; transition?: AlertTransition } {
  if (observed === undefined || Number.isNaN(observed)) return { state };
  const breached = rule.direction === 'above' ? observed > rule.raiseAt : observed < rule.raiseAt;
  const recovered = rule.direction === 'above' ? observed < rule.clearAt : observed > rule.clearAt;
  if (state.active) {
    if (recovered) return { state: ALERT_IDLE, transition: { type: 'cleared', raisedAtMs: state.raisedAtMs ?? nowMs, observed } };
    return { state };
  }
  if (!breached) return { state: ALERT_IDLE };
  const since = state.pendingSinceMs ?? nowMs;
  if (nowMs - since >= rule.forMs) {
    return { state: { active: true, raisedAtMs: nowMs }, transition: { type: 'raised', raisedAtMs: nowMs, observed } };
  }
  return { state: { active: false, pendingSinceMs: since } };
}

import type { QualitySnapshot } from './quality-window';

/** Health of one account's connection to its terminal. */
export type ConnectionState = 'CONNECTED' | 'DEGRADED' | 'DISCONNECTED';

/** Thresholds that turn call outcomes into a connection state. */
export interface HealthThresholds {
  /** Consecutive connectivity failures after which the account counts as disconnected. */
  readonly disconnectedAfterFailures: number;
  /** Error rate in the window above which the connection is degraded (0..1). */
  readonly degradedErrorRate: number;
  /** Round-trip p95 above which the connection is degraded, ms. */
  readonly degradedRttP95Ms: number;
  /** Minimum calls in the window before error rate and latency are judged. */
  readonly minCallsForRates: number;
}

/** Defaults: 3 failures in a row disconnect, >20 % errors or p95 > 1 s degrade once 5 calls are in the window. */
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = Object.freeze({
  disconnectedAfterFailures: 3,
  degradedErrorRate: 0.2,
  degradedRttP95Ms: 1000,
  minCallsForRates: 5,
});

/** What is known about a connection at one moment. */
export interface HealthInputs {
  readonly consecutiveFailures: number;
  /** True when no endpoint can take a request (every circuit open). */
  readonly allCircuitsOpen: boolean;
  /** True when the last answer refused the account's credentials (401/403, account not found). */
  readonly authFailed: boolean;
  /** True when the requests go to a secondary endpoint because the primary failed. */
  readonly onSecondary: boolean;
  /** True until the first call or heartbeat has succeeded. */
  readonly neverConnected: boolean;
  readonly quality: QualitySnapshot;
}

/** Why a connection is in its state, for transition events and logs. */
export type HealthReason =
  | 'circuit_open'
  | 'auth_failed'
  | 'consecutive_failures'
  | 'not_yet_connected'
  | 'failover'
  | 'last_call_failed'
  | 'error_rate'
  | 'latency'
  | 'healthy';

/** Derives the connection state and its reason from heartbeats and call results. */
export function deriveConnectionState(inputs: HealthInputs, t: HealthThresholds): { state: ConnectionState; reason: HealthReason } {
  if (inputs.allCircuitsOpen) return { state: 'DISCONNECTED', reason: 'circuit_open' };
  if (inputs.authFailed) return { state: 'DISCONNECTED', reason: 'auth_failed' };
  if (inputs.consecutiveFailures >= t.disconnectedAfterFailures) return { state: 'DISCONNECTED', reason: 'consecutive_failures' };
  if (inputs.neverConnected) return { state: 'DISCONNECTED', reason: 'not_yet_connected' };
  if (inputs.onSecondary) return { state: 'DEGRADED', reason: 'failover' };
  if (inputs.consecutiveFailures > 0) return { state: 'DEGRADED', reason: 'last_call_failed' };
  const q = inputs.quality;
  if (q.calls >= t.minCallsForRates) {
    if (q.errorRate > t.degradedErrorRate) return { state: 'DEGRADED', reason: 'error_rate' };
    if (q.rttP95Ms !== undefined && q.rttP95Ms > t.degradedRttP95Ms) return { state: 'DEGRADED', reason: 'latency' };
  }
  return { state: 'CONNECTED', reason: 'healthy' };
}

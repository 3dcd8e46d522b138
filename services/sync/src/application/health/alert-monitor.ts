import { deterministicId, envelope, eventId, type AlertKind, type AlertRaised, type AlertSeverity } from '@tradebridge/contracts';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ALERT_IDLE, evaluateAlert, type AlertRule, type AlertState } from '../../domain/alerts';

/** Thresholds of the alerts the sync service raises. */
export interface AlertThresholds {
  /** Margin level in percent under which MARGIN_LEVEL_LOW raises. */
  readonly marginLevelPercent: number;
  /** Seconds an account may stay DISCONNECTED before ACCOUNT_DISCONNECTED raises. */
  readonly disconnectedSeconds: number;
  /** Sync delay in ms over which SYNC_DELAY_HIGH raises (held for `syncDelayForMs`). */
  readonly syncDelayMs: number;
  readonly syncDelayForMs: number;
  /** Rejection rate (0..1) over which REJECTION_RATE_HIGH raises, given at least `rejectionMinResults` results. */
  readonly rejectionRate: number;
  readonly rejectionMinResults: number;
}

const SEVERITY: Record<string, AlertSeverity> = {
  ALERT_KIND_MARGIN_LEVEL_LOW: 'ALERT_SEVERITY_CRITICAL',
  ALERT_KIND_ACCOUNT_DISCONNECTED: 'ALERT_SEVERITY_CRITICAL',
  ALERT_KIND_SYNC_DELAY_HIGH: 'ALERT_SEVERITY_WARNING',
  ALERT_KIND_REJECTION_RATE_HIGH: 'ALERT_SEVERITY_WARNING',
};

/**
 * Evaluates the alert rules per account with hysteresis and publishes each start and end once (account.alert.raised,
 * resolved=true on the end, same alert id), and keeps `sync_alerts_active{kind}` for Prometheus.
 */
export class AlertMonitor {
  private readonly states = new Map<string, AlertState>();
  private readonly rules: Record<'margin' | 'disconnected' | 'delay' | 'rejection', AlertRule>;
  private readonly raised: Counter<'kind'>;

  constructor(
    readonly thresholds: AlertThresholds,
    private readonly publish: (alert: AlertRaised) => Promise<void>,
    registry: Registry,
    private readonly log: (fields: Record<string, unknown>, message: string) => void,
  ) {
    this.rules = {
      margin: { kind: 'ALERT_KIND_MARGIN_LEVEL_LOW', direction: 'below', raiseAt: thresholds.marginLevelPercent, clearAt: thresholds.marginLevelPercent * 1.1, forMs: 0 },
      disconnected: { kind: 'ALERT_KIND_ACCOUNT_DISCONNECTED', direction: 'above', raiseAt: thresholds.disconnectedSeconds, clearAt: 0.001, forMs: 0 },
      delay: { kind: 'ALERT_KIND_SYNC_DELAY_HIGH', direction: 'above', raiseAt: thresholds.syncDelayMs, clearAt: thresholds.syncDelayMs * 0.75, forMs: thresholds.syncDelayForMs },
      rejection: { kind: 'ALERT_KIND_REJECTION_RATE_HIGH', direction: 'above', raiseAt: thresholds.rejectionRate, clearAt: thresholds.rejectionRate * 0.5, forMs: 0 },
    };
    const registers = [registry];
    this.raised = new Counter({ name: 'sync_alerts_raised_total', help: 'Alerts raised by kind.', labelNames: ['kind'], registers });
    const states = this.states;
    new Gauge({
      name: 'sync_alerts_active',
      help: 'Alerts currently active, by kind.',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const [key, s] of states) if (s.active) counts.set(key.split('|')[1]!, (counts.get(key.split('|')[1]!) ?? 0) + 1);
        for (const [kind, n] of counts) this.set({ kind }, n);
      },
    });
  }

  marginLevel(accountId: string, marginLevel: number | undefined, nowMs: number): void {
    // No margin in use: nothing can be low; an active alert clears.
    this.evaluate(accountId, this.rules.margin, marginLevel ?? Number.POSITIVE_INFINITY, nowMs);
  }

  disconnectedFor(accountId: string, seconds: number, nowMs: number): void {
    this.evaluate(accountId, this.rules.disconnected, seconds, nowMs);
  }

  syncDelay(accountId: string, delayMs: number, nowMs: number): void {
    this.evaluate(accountId, this.rules.delay, delayMs, nowMs);
  }

  rejectionRate(accountId: string, rate: number | undefined, results: number, nowMs: number): void {
    this.evaluate(accountId, this.rules.rejection, results >= this.thresholds.rejectionMinResults ? rate : rate === undefined ? 0 : undefined, nowMs);
  }

  /** Forgets an account released to another replica (its alerts are that replica's now). */
  forget(accountId: string): void {
    for (const key of [...this.states.keys()]) if (key.startsWith(`${accountId}|`)) this.states.delete(key);
  }

  isActive(accountId: string, kind: AlertKind): boolean {
    return this.states.get(`${accountId}|${kind}`)?.active ?? false;
  }

  private evaluate(accountId: string, rule: AlertRule, observed: number | undefined, nowMs: number): void {
    const key = `${accountId}|${rule.kind}`;
    const { state, transition } = evaluateAlert(rule, this.states.get(key) ?? ALERT_IDLE, observed, nowMs);
    if (state === ALERT_IDLE) this.states.delete(key);
    else this.states.set(key, state);
    if (!transition) return;
    if (transition.type === 'raised') this.raised.inc({ kind: rule.kind });
    const alertId = deterministicId('alert', accountId, rule.kind, transition.raisedAtMs);
    const resolved = transition.type === 'cleared';
    const alert: AlertRaised = {
      meta: envelope({ eventId: eventId('account.alert.raised', alertId, resolved ? 'cleared' : 'raised'), correlationId: '', occurredAtUs: nowMs * 1000, producer: 'sync' }),
      alertId,
      accountId,
      kind: rule.kind,
      severity: SEVERITY[rule.kind] ?? 'ALERT_SEVERITY_WARNING',
      resolved,
      threshold: resolved ? rule.clearAt : rule.raiseAt,
      observed: Number.isFinite(transition.observed) ? transition.observed : 0,
      detail: `${rule.kind} ${resolved ? 'cleared' : 'raised'}: observed ${Number.isFinite(transition.observed) ? round(transition.observed) : 'none'}, threshold ${round(resolved ? rule.clearAt : rule.raiseAt)}`,
      raisedAtUs: transition.raisedAtMs * 1000,
    };
    this.publish(alert).catch((error: unknown) => this.log({ accountId, kind: rule.kind, error: (error as Error).message }, 'alert not published'));
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

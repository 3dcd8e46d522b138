import type { ConnectionTransition } from '@tradebridge/bridge';
import { envelope, type AccountConnectionChanged, type ConnectionState } from '@tradebridge/contracts';
import type { SyncEngine } from '../sync-account/sync-engine';
import type { AlertMonitor } from './alert-monitor';

const STATE: Record<ConnectionTransition['to'], ConnectionState> = {
  CONNECTED: 'CONNECTION_STATE_CONNECTED',
  DEGRADED: 'CONNECTION_STATE_DEGRADED',
  DISCONNECTED: 'CONNECTION_STATE_DISCONNECTED',
};

/**
 * Publishes every connection state transition of an owned account (account.connection.changed) as the bridge's
 * ConnectionManager reports it, and feeds the "disconnected longer than N s" alert every second.
 */
export class ConnectionMonitor {
  private readonly disconnectedSince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: SyncEngine,
    private readonly accountOf: (brokerAccountId: string) => string | undefined,
    private readonly publish: (event: AccountConnectionChanged) => Promise<void>,
    private readonly alerts: AlertMonitor,
    private readonly newEventId: () => string,
    private readonly now: () => number,
    private readonly log: (fields: Record<string, unknown>, message: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A transition from the ConnectionManager. */
  onTransition(t: ConnectionTransition): void {
    const accountId = this.accountOf(t.accountId);
    if (!accountId) return;
    if (t.to === 'DISCONNECTED') {
      if (!this.disconnectedSince.has(accountId)) this.disconnectedSince.set(accountId, t.at);
    } else {
      this.disconnectedSince.delete(accountId);
      this.alerts.disconnectedFor(accountId, 0, t.at);
    }
    const snap = this.engine.connection(accountId);
    const failures = snap ? Math.max(0, ...snap.endpoints.map((e) => e.consecutiveFailures)) : 0;
    const openUntil = snap?.endpoints.map((e) => e.openUntil).filter((x): x is number => x !== undefined) ?? [];
    const event: AccountConnectionChanged = {
      meta: envelope({ eventId: this.newEventId(), correlationId: '', occurredAtUs: t.at * 1000, producer: 'sync' }),
      accountId,
      state: STATE[t.to],
      previousState: STATE[t.from],
      reason: t.reason,
      changedAtUs: t.at * 1000,
      ...(snap?.lastHeartbeatAt !== undefined ? { lastHeartbeatAtUs: snap.lastHeartbeatAt * 1000 } : {}),
      consecutiveFailures: failures,
      endpoint: snap?.activeEndpoint ?? '',
      ...(t.to === 'DISCONNECTED' && openUntil.length > 0 ? { nextAttemptAtUs: Math.min(...openUntil) * 1000 } : {}),
    };
    this.publish(event).catch((error: unknown) => this.log({ accountId, error: (error as Error).message }, 'connection change not published'));
  }

  /** Forgets an account released to another replica. */
  forget(accountId: string): void {
    this.disconnectedSince.delete(accountId);
  }

  private tick(): void {
    const now = this.now();
    for (const id of this.engine.ids()) {
      const since = this.disconnectedSince.get(id);
      this.alerts.disconnectedFor(id, since === undefined ? 0 : (now - since) / 1000, now);
    }
  }
}

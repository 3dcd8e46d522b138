import { intentId } from '@tradebridge/contracts';
import { randomUUID } from 'node:crypto';
import { fixture, type Harness } from './harness';

/** The real events of one signal's path, published through the contracts' codec with controlled times. */
export interface PublishedFlow {
  readonly signalId: string;
  readonly acceptedUs: number;
  readonly okAccount: string;
  readonly rejectedAccount: string;
  readonly intent: string;
  /** Events published (including one heartbeat that mentions nothing of the signal). */
  readonly published: number;
  readonly eventIds: Record<string, string>;
}

const meta = (eventId: string, correlationId: string, causationId: string, occurredAtUs: number, producer: string) => ({
  eventId,
  correlationId,
  causationId,
  occurredAtUs,
  producer,
  schemaVersion: 1,
});

/**
 * Publishes signal.generated, risk.approved for one account and risk.rejected for another, two execution attempts
 * (a requote, then success), execution.order.placed and the account.synced that shows the position, with each step
 * at a known offset (in µs) from the signal's acceptance.
 */
export async function publishFlow(h: Harness, options: { acceptedUs?: number; brokerLogin?: string } = {}): Promise<PublishedFlow> {
  const signalId = randomUUID();
  const t0 = options.acceptedUs ?? Date.now() * 1000;
  const okAccount = `acc-${randomUUID().slice(0, 8)}`;
  const rejectedAccount = `acc-${randomUUID().slice(0, 8)}`;
  const intent = intentId(signalId, okAccount);
  const ids = {
    signal: randomUUID(),
    approved: randomUUID(),
    rejected: randomUUID(),
    attempt1: randomUUID(),
    attempt2: randomUUID(),
    placed: randomUUID(),
    heartbeat: randomUUID(),
    synced: randomUUID(),
    config: randomUUID(),
  };
  const latency = { signalAcceptedAtUs: t0, riskDecidedAtUs: t0 + 2_000, executionReceivedAtUs: t0 + 3_000, brokerSentAtUs: t0 + 5_000, brokerAcknowledgedAtUs: t0 + 9_000 };

  await h.publish('account.config', okAccount, {
    ...fixture('account.config'),
    meta: meta(ids.config, '', '', t0 - 60_000_000, 'risk'),
    accountId: okAccount,
    brokerLogin: options.brokerLogin ?? '50012',
  });
  await h.publish('signal.generated', 'source-1', {
    ...fixture('signal.generated'),
    meta: meta(ids.signal, signalId, '', t0, 'signal'),
    signalId,
    symbol: 'EURUSD',
    acceptedAtUs: t0,
    receivedAtUs: t0 - 500,
  });
  await h.publish('account.synced', okAccount, {
    ...fixture('account.synced'),
    meta: meta(ids.heartbeat, '', '', t0 + 1_000, 'sync'),
    accountId: okAccount,
    heartbeat: true,
    changes: [],
    snapshot: { ...fixture('account.synced').snapshot, positions: [], orders: [] },
  });
  await h.publish('risk.approved', okAccount, {
    ...fixture('risk.approved'),
    meta: meta(ids.approved, signalId, ids.signal, t0 + 2_000, 'risk'),
    intentId: intent,
    signalId,
    accountId: okAccount,
    signalAcceptedAtUs: t0,
    decidedAtUs: t0 + 2_000,
  });
  await h.publish('risk.rejected', rejectedAccount, {
    ...fixture('risk.rejected'),
    meta: meta(ids.rejected, signalId, ids.signal, t0 + 2_500, 'risk'),
    intentId: intentId(signalId, rejectedAccount),
    signalId,
    accountId: rejectedAccount,
    reason: 'RISK_MAX_OPEN_POSITIONS',
    detail: 'open positions 5 >= limit 5',
    signalAcceptedAtUs: t0,
    decidedAtUs: t0 + 2_500,
  });
  const attempt = (id: string, n: number, at: number, outcome: string) => ({
    ...fixture('execution.attempt.recorded'),
    meta: meta(id, signalId, ids.approved, at, 'execution'),
    intentId: intent,
    signalId,
    accountId: okAccount,
    attempt: n,
    outcome,
  });
  await h.publish('execution.attempt.recorded', okAccount, attempt(ids.attempt1, 1, t0 + 5_000, 'ATTEMPT_OUTCOME_REJECTED'));
  await h.publish('execution.attempt.recorded', okAccount, attempt(ids.attempt2, 2, t0 + 9_000, 'ATTEMPT_OUTCOME_SUCCESS'));
  await h.publish('execution.order.placed', okAccount, {
    ...fixture('execution.order.placed'),
    meta: meta(ids.placed, signalId, ids.approved, t0 + 9_500, 'execution'),
    intentId: intent,
    signalId,
    accountId: okAccount,
    status: 'PLACEMENT_STATUS_FILLED',
    orderType: 'ORDER_TYPE_MARKET',
    requestedPrice: 1.085,
    fillPrice: 1.0851,
    slippagePoints: 1,
    slippageAmount: 3.33,
    latency,
  });
  const synced = fixture('account.synced');
  await h.publish('account.synced', okAccount, {
    ...synced,
    meta: meta(ids.synced, '', '', t0 + 400_000, 'sync'),
    accountId: okAccount,
    heartbeat: false,
    changes: [{ ...(synced.changes?.[0] ?? {}), kind: 'SYNC_CHANGE_KIND_POSITION_OPENED', intentId: intent }],
  });
  return { signalId, acceptedUs: t0, okAccount, rejectedAccount, intent, published: 9, eventIds: ids };
}

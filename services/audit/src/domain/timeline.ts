/** What a step of a trace is, named for the people reading it. */
export type StepKind =
  | 'signal.accepted'
  | 'risk.approved'
  | 'risk.rejected'
  | 'execution.attempt'
  | 'execution.placed'
  | 'execution.rejected'
  | 'execution.position_changed'
  | 'sync.confirmed'
  | 'sync.snapshot'
  | 'dead_lettered'
  | 'other';

/** A stored event as the timeline reads it. */
export interface TimelineEvent {
  readonly seq: string;
  readonly eventId: string | null;
  readonly logicalTopic: string;
  readonly eventType: string;
  readonly accountId: string | null;
  readonly occurredAtUs: number;
  readonly payload: Record<string, unknown> | null;
}

/** One step of a timeline as the API answers it. */
export interface TimelineStep {
  readonly seq: string;
  readonly step: StepKind;
  readonly topic: string;
  readonly eventId: string | null;
  readonly accountId: string | null;
  readonly intentId: string | null;
  readonly occurredAt: string;
  /** Milliseconds from the signal's accepted_at to this step (null when the signal is not known). */
  readonly sinceAcceptedMs: number | null;
  /** Milliseconds from the previous step of the same account (or from the acceptance for an account's first step). */
  readonly sincePreviousMs: number | null;
  /** The facts of the step: decision reason, attempt outcome, platform code, fill price, ... */
  readonly details: Record<string, unknown>;
}

/** Names the step a stored event represents in a signal's timeline. */
export function stepKind(logicalTopic: string, inSignalTrace: boolean): StepKind {
  if (logicalTopic.endsWith('.dlq')) return 'dead_lettered';
  switch (logicalTopic) {
    case 'signal.generated':
      return 'signal.accepted';
    case 'risk.approved':
      return 'risk.approved';
    case 'risk.rejected':
      return 'risk.rejected';
    case 'execution.attempt.recorded':
      return 'execution.attempt';
    case 'execution.order.placed':
      return 'execution.placed';
    case 'execution.order.rejected':
      return 'execution.rejected';
    case 'execution.position.changed':
      return 'execution.position_changed';
    case 'account.synced':
      return inSignalTrace ? 'sync.confirmed' : 'sync.snapshot';
    default:
      return 'other';
  }
}

function pick(p: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (p[k] !== undefined && p[k] !== '' && p[k] !== null) out[k] = p[k];
  return out;
}

/** The facts worth showing for a step, taken from its payload (never the whole snapshot of a sync). */
export function stepDetails(kind: StepKind, p: Record<string, unknown> | null, intentIds: readonly string[] = []): Record<string, unknown> {
  if (!p) return {};
  switch (kind) {
    case 'signal.accepted':
      return pick(p, ['sourceId', 'externalId', 'action', 'orderType', 'symbol', 'side', 'entryPrice', 'stopLoss', 'takeProfits', 'channel']);
    case 'risk.approved':
      return pick(p, ['kind', 'leg', 'brokerSymbol', 'side', 'orderType', 'volume', 'entryPrice', 'stopLoss', 'takeProfit']);
    case 'risk.rejected':
      return pick(p, ['reason', 'detail', 'kind', 'leg', 'signalSymbol', 'brokerSymbol', 'facts']);
    case 'execution.attempt':
      return pick(p, ['attempt', 'action', 'outcome', 'platformCode', 'handlingClass', 'price', 'volume', 'brokerRoundTripUs', 'note']);
    case 'execution.placed':
      return pick(p, ['status', 'brokerOrderId', 'brokerPositionId', 'symbol', 'side', 'filledVolume', 'requestedPrice', 'fillPrice', 'slippagePoints', 'slippageAmount', 'attempts', 'platformCode']);
    case 'execution.rejected':
      return pick(p, ['reason', 'detail', 'attempts', 'platformCode', 'handlingClass', 'actor']);
    case 'execution.position_changed':
      return pick(p, ['change', 'brokerPositionId', 'volumeBefore', 'volumeAfter', 'closePrice', 'realizedProfit', 'platformCode']);
    case 'sync.confirmed': {
      const changes = ((p['changes'] as Record<string, unknown>[] | undefined) ?? []).filter((c) => intentIds.includes(String(c['intentId'] ?? '')));
      return { sequence: p['sequence'], syncDelayMs: p['syncDelayMs'], changes };
    }
    case 'sync.snapshot':
      return pick(p, ['sequence', 'heartbeat', 'syncDelayMs', 'changes']);
    default:
      return {};
  }
}

/** Milliseconds between two microsecond timestamps, rounded to the microsecond. */
export function msBetween(fromUs: number, toUs: number): number {
  return Math.round(toUs - fromUs) / 1000;
}

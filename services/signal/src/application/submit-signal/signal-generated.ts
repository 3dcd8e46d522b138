import { OrderType, Side, SignalAction, SignalChannel, envelope, type SignalGenerated } from '@tradebridge/contracts';
import { signalGeneratedEventId, type ValidatedSignal } from '../../domain';

/** The facts besides the validated signal that the event carries. */
export interface SignalGeneratedFacts {
  readonly signalId: string;
  readonly sourceId: string;
  readonly channel: 'api' | 'tradingview';
  /** Request arrival, microseconds since the epoch: the zero of every platform latency. */
  readonly receivedAtUs: number;
  /** The signal id a modify/close/cancel acts on, resolved from its reference. */
  readonly referencedSignalId: string | null;
}

const ACTIONS = { open: SignalAction.OPEN, modify: SignalAction.MODIFY, close: SignalAction.CLOSE, cancel: SignalAction.CANCEL } as const;
const ORDER_TYPES = { market: OrderType.MARKET, limit: OrderType.LIMIT, stop: OrderType.STOP, stop_limit: OrderType.STOP_LIMIT } as const;
const SIDES = { buy: Side.BUY, sell: Side.SELL } as const;

const usOf = (iso: string | null): number | undefined => (iso === null ? undefined : Date.parse(iso) * 1000);
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/**
 * Builds the `signal.generated` event of an accepted signal. Its event id is derived from the signal id, so the event
 * is the same bytes-for-meaning however often the outbox relay has to publish it.
 *
 * accepted_at_us and received_at_us both carry the request arrival time: the platform measures every latency from the
 * moment a signal reached it, not from when it was stored.
 */
export function buildSignalGenerated(signal: ValidatedSignal, facts: SignalGeneratedFacts): SignalGenerated {
  const base: SignalGenerated = {
    meta: envelope({ eventId: signalGeneratedEventId(facts.signalId), correlationId: facts.signalId, occurredAtUs: facts.receivedAtUs, producer: 'signal' }),
    signalId: facts.signalId,
    sourceId: facts.sourceId,
    externalId: signal.externalId ?? '',
    action: ACTIONS[signal.action],
    orderType: OrderType.UNSPECIFIED,
    symbol: signal.symbol ?? '',
    side: Side.UNSPECIFIED,
    takeProfits: [],
    deadlineAtUs: usOf(signal.expiresAt),
    comment: signal.comment ?? '',
    referencedSignalId: facts.referencedSignalId ?? '',
    newTakeProfits: [],
    moveToBreakEven: false,
    acceptedAtUs: facts.receivedAtUs,
    receivedAtUs: facts.receivedAtUs,
    sourceSentAtUs: usOf(signal.sourceTimestamp),
    providerCurrency: '',
    tenantId: '',
    userId: '',
    channel: facts.channel === 'api' ? SignalChannel.API : SignalChannel.TRADINGVIEW,
  };
  switch (signal.action) {
    case 'open':
      return {
        ...base,
        orderType: ORDER_TYPES[signal.orderType],
        side: SIDES[signal.direction],
        entryPrice: opt(signal.orderType === 'market' ? (signal.referencePrice ?? signal.entryPrice) : signal.entryPrice),
        stopLimitPrice: opt(signal.stopLimitPrice),
        stopLoss: opt(signal.stopLoss),
        takeProfits: [...signal.takeProfits],
        maxSlippagePoints: opt(signal.maxSlippagePoints),
        orderExpiresAtUs: signal.orderType === 'market' ? undefined : usOf(signal.expiresAt),
        volumeHint: opt(signal.volumeHint),
        riskPercentHint: opt(signal.riskPercentHint),
      };
    case 'modify':
      return {
        ...base,
        newStopLoss: opt(signal.stopLoss),
        newTakeProfits: [...signal.takeProfits],
        moveToBreakEven: signal.breakEven,
        trailingDistance: opt(signal.trailingDistance),
      };
    case 'close':
      return { ...base, closeFraction: signal.fraction, maxSlippagePoints: opt(signal.maxSlippagePoints) };
    case 'cancel':
      return base;
    default: {
      const _exhaustive: never = signal;
      return _exhaustive;
    }
  }
}

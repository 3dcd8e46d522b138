import {
  causedBy,
  eventId,
  type AttemptRecorded,
  type OrderIntentApproved,
  type OrderPlaced,
  type OrderRejected,
  type PositionChanged,
  type TopicName,
} from '@tradebridge/contracts';
import type { HandlingClass, TradeResult } from '@tradebridge/bridge';
import type { ExecReason } from '../../domain/strategy';

/** An event execution publishes as the result of an intent; stored with the intent and republished as it is. */
export interface ResultEvent {
  readonly topic: TopicName;
  readonly key: string;
  readonly value: OrderPlaced | OrderRejected | PositionChanged;
}

/** The code part of a broker answer, as events carry it. */
export interface CodeFacts {
  readonly code: number;
  readonly codeId: string;
  readonly message: string;
  readonly platform: 'mt5' | 'mt4' | 'metaapi';
  readonly handling: HandlingClass;
}

export const NO_CODE: CodeFacts = { code: 0, codeId: '', message: '', platform: 'metaapi', handling: 'success' };

export function codeOf(result: TradeResult): CodeFacts {
  return { code: result.code, codeId: result.codeId, message: result.message, platform: result.platform, handling: result.handling };
}

export function platformCode(c: CodeFacts): OrderPlaced['platformCode'] {
  const table = c.codeId === '' ? 'PLATFORM_CODE_TABLE_UNSPECIFIED' : c.platform === 'mt5' ? 'PLATFORM_CODE_TABLE_MT5_RETCODE' : c.platform === 'mt4' ? 'PLATFORM_CODE_TABLE_MT4_ERROR' : 'PLATFORM_CODE_TABLE_METAAPI';
  return { code: c.code, name: c.codeId, message: c.message.slice(0, 500), table };
}

export function handlingClassOf(h: HandlingClass | undefined): OrderRejected['handlingClass'] {
  switch (h) {
    case undefined:
      return 'HANDLING_CLASS_UNSPECIFIED';
    case 'success':
      return 'HANDLING_CLASS_SUCCESS';
    case 'retry_fresh_price':
      return 'HANDLING_CLASS_RETRY_FRESH_PRICE';
    case 'retry_backoff':
      return 'HANDLING_CLASS_RETRY_AFTER_BACKOFF';
    case 'modify_and_retry':
      return 'HANDLING_CLASS_MODIFY_AND_RETRY';
    case 'retry_later':
      return 'HANDLING_CLASS_RETRY_LATER';
    case 'outcome_unknown':
      return 'HANDLING_CLASS_OUTCOME_UNKNOWN';
    // The contract's FATAL covers "no retry" answers, account-level or request-level.
    case 'fatal':
    case 'rejected_final':
      return 'HANDLING_CLASS_FATAL';
    default: {
      const exhaustive: never = h;
      return exhaustive;
    }
  }
}

/** The four timestamps of the latency split (microseconds). */
export interface Timeline {
  readonly signalAcceptedAtUs: number;
  readonly riskDecidedAtUs: number;
  readonly executionReceivedAtUs: number;
  readonly brokerSentAtUs?: number;
  readonly brokerAcknowledgedAtUs?: number;
}

function latency(t: Timeline): OrderPlaced['latency'] {
  return {
    signalAcceptedAtUs: t.signalAcceptedAtUs,
    riskDecidedAtUs: t.riskDecidedAtUs,
    executionReceivedAtUs: t.executionReceivedAtUs,
    ...(t.brokerSentAtUs === undefined ? {} : { brokerSentAtUs: Math.round(t.brokerSentAtUs) }),
    ...(t.brokerAcknowledgedAtUs === undefined ? {} : { brokerAcknowledgedAtUs: Math.round(t.brokerAcknowledgedAtUs) }),
  };
}

function meta(intent: OrderIntentApproved, topic: TopicName, nowUs: number, ...parts: string[]) {
  return causedBy(intent.meta, {
    eventId: eventId(topic, intent.intentId, ...parts),
    occurredAtUs: Math.round(nowUs),
    producer: 'execution',
    correlationId: intent.meta.correlationId || intent.signalId,
  });
}

/** Facts of an accepted order. */
export interface PlacedFacts {
  readonly status: OrderPlaced['status'];
  readonly brokerOrderId: string;
  readonly brokerPositionId: string;
  readonly brokerDealId: string;
  readonly clientId: string;
  readonly volume: number;
  readonly filledVolume: number;
  readonly requestedPrice?: number;
  readonly fillPrice?: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly slippagePoints?: number;
  readonly slippageAmount?: number;
  readonly accountCurrency: string;
  readonly attempts: number;
  readonly code: CodeFacts;
  readonly timeline: Timeline;
}

export function orderPlaced(intent: OrderIntentApproved, f: PlacedFacts, nowUs: number): ResultEvent {
  const value: OrderPlaced = {
    meta: meta(intent, 'execution.order.placed', nowUs),
    intentId: intent.intentId,
    signalId: intent.signalId,
    accountId: intent.accountId,
    kind: intent.kind,
    leg: intent.leg,
    status: f.status,
    brokerOrderId: f.brokerOrderId,
    brokerPositionId: f.brokerPositionId,
    brokerDealId: f.brokerDealId,
    clientId: f.clientId,
    symbol: intent.brokerSymbol,
    side: intent.side,
    orderType: intent.orderType,
    requestedVolume: f.volume,
    filledVolume: f.filledVolume,
    requestedPrice: f.requestedPrice ?? 0,
    ...(f.fillPrice === undefined ? {} : { fillPrice: f.fillPrice }),
    ...(f.stopLoss === undefined ? {} : { stopLoss: f.stopLoss }),
    ...(f.takeProfit === undefined ? {} : { takeProfit: f.takeProfit }),
    ...(f.slippagePoints === undefined ? {} : { slippagePoints: f.slippagePoints }),
    ...(f.slippageAmount === undefined ? {} : { slippageAmount: f.slippageAmount }),
    accountCurrency: f.accountCurrency,
    attempts: f.attempts,
    platformCode: platformCode(f.code),
    latency: latency(f.timeline),
    magicNumber: intent.magicNumber,
    comment: intent.comment,
    ...(intent.orderExpiresAtUs === undefined ? {} : { orderExpiresAtUs: intent.orderExpiresAtUs }),
  };
  return { topic: 'execution.order.placed', key: intent.accountId, value };
}

/** Facts of a final rejection. */
export interface RejectedFacts {
  readonly reason: ExecReason;
  readonly detail: string;
  readonly attempts: number;
  readonly code?: CodeFacts;
  readonly volume: number;
  readonly clientId: string;
  readonly actor: string;
  readonly timeline: Timeline;
}

export function orderRejected(intent: OrderIntentApproved, f: RejectedFacts, nowUs: number): ResultEvent {
  const value: OrderRejected = {
    meta: meta(intent, 'execution.order.rejected', nowUs),
    intentId: intent.intentId,
    signalId: intent.signalId,
    accountId: intent.accountId,
    kind: intent.kind,
    leg: intent.leg,
    reason: f.reason,
    detail: f.detail.slice(0, 2000),
    symbol: intent.brokerSymbol,
    side: intent.side,
    orderType: intent.orderType,
    requestedVolume: f.volume,
    ...(intent.entryPrice === undefined ? {} : { requestedPrice: intent.entryPrice }),
    attempts: f.attempts,
    platformCode: platformCode(f.code ?? { ...NO_CODE, codeId: '' }),
    handlingClass: handlingClassOf(f.code?.handling),
    latency: latency(f.timeline),
    rejectedAtUs: Math.round(nowUs),
    actor: f.actor,
    clientId: f.clientId,
  };
  return { topic: 'execution.order.rejected', key: intent.accountId, value };
}

/** Facts of one position or order change made for a management intent. */
export interface ChangeFacts {
  readonly change: PositionChanged['change'];
  readonly targetKey: string;
  readonly brokerPositionId: string;
  readonly brokerOrderId: string;
  readonly openingIntentId: string;
  readonly side: PositionChanged['side'];
  readonly volumeBefore: number;
  readonly volumeAfter: number;
  readonly closePrice?: number;
  readonly stopLossBefore?: number;
  readonly stopLossAfter?: number;
  readonly takeProfitBefore?: number;
  readonly takeProfitAfter?: number;
  readonly entryPriceAfter?: number;
  readonly closeByPositionId: string;
  readonly attempts: number;
  readonly code: CodeFacts;
  readonly timeline: Timeline;
  readonly accountCurrency: string;
}

export function positionChanged(intent: OrderIntentApproved, f: ChangeFacts, nowUs: number): ResultEvent {
  const opt = (name: string, v: number | undefined) => (v === undefined ? {} : { [name]: v });
  const value: PositionChanged = {
    meta: meta(intent, 'execution.position.changed', nowUs, f.targetKey),
    intentId: intent.intentId,
    signalId: intent.signalId,
    accountId: intent.accountId,
    change: f.change,
    brokerPositionId: f.brokerPositionId,
    brokerOrderId: f.brokerOrderId,
    brokerDealId: '',
    openingIntentId: f.openingIntentId,
    symbol: intent.brokerSymbol,
    side: f.side,
    volumeBefore: f.volumeBefore,
    volumeAfter: f.volumeAfter,
    ...opt('closePrice', f.closePrice),
    ...opt('stopLossBefore', f.stopLossBefore),
    ...opt('stopLossAfter', f.stopLossAfter),
    ...opt('takeProfitBefore', f.takeProfitBefore),
    ...opt('takeProfitAfter', f.takeProfitAfter),
    ...opt('entryPriceAfter', f.entryPriceAfter),
    closeByPositionId: f.closeByPositionId,
    attempts: f.attempts,
    platformCode: platformCode(f.code),
    latency: latency(f.timeline),
    accountCurrency: f.accountCurrency,
  };
  return { topic: 'execution.position.changed', key: intent.accountId, value };
}

/** Facts of one broker interaction. */
export interface AttemptFacts {
  readonly seq: number;
  readonly action: AttemptRecorded['action'];
  readonly outcome: AttemptRecorded['outcome'];
  readonly code: CodeFacts;
  readonly volume: number;
  readonly price?: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly clientId: string;
  readonly brokerPositionId: string;
  readonly brokerOrderId: string;
  readonly startedAtUs: number;
  readonly finishedAtUs: number;
  readonly roundTripUs: number;
  readonly nextAttemptAtUs?: number;
  readonly note: string;
}

export function attemptRecorded(intent: OrderIntentApproved, f: AttemptFacts): AttemptRecorded {
  return {
    meta: meta(intent, 'execution.attempt.recorded', f.finishedAtUs, String(f.seq)),
    intentId: intent.intentId,
    signalId: intent.signalId,
    accountId: intent.accountId,
    attempt: f.seq,
    action: f.action,
    outcome: f.outcome,
    platformCode: platformCode(f.code),
    handlingClass: handlingClassOf(f.code.codeId === '' ? undefined : f.code.handling),
    symbol: intent.brokerSymbol,
    side: intent.side,
    orderType: intent.orderType,
    volume: f.volume,
    ...(f.price === undefined ? {} : { price: f.price }),
    ...(f.stopLoss === undefined ? {} : { stopLoss: f.stopLoss }),
    ...(f.takeProfit === undefined ? {} : { takeProfit: f.takeProfit }),
    maxSlippagePoints: intent.maxSlippagePoints,
    clientId: f.clientId,
    brokerPositionId: f.brokerPositionId,
    brokerOrderId: f.brokerOrderId,
    startedAtUs: Math.round(f.startedAtUs),
    finishedAtUs: Math.round(f.finishedAtUs),
    brokerRoundTripUs: Math.round(f.roundTripUs),
    ...(f.nextAttemptAtUs === undefined ? {} : { nextAttemptAtUs: Math.round(f.nextAttemptAtUs) }),
    note: f.note.slice(0, 500),
    endpoint: '',
  };
}

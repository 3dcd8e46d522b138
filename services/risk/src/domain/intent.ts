/**
 * Order intents: what the risk service approves for one account, one per signal and account, keyed by a
 * deterministic id. Execution turns each into broker requests.
 */
import type { Direction, EntryKind } from './signal';
import type { SizingExplanation } from './sizing';
import type { MarginEstimate } from './symbol';

interface IntentBase {
  readonly intentId: string;
  readonly signalId: string;
  readonly sourceId: string;
  readonly accountId: string;
  /** Canonical and broker symbol. */
  readonly symbol: string;
  readonly brokerSymbol: string;
  /** No broker request may leave after this time. */
  readonly deadline: Date;
}

/** Opens a position or places a pending order. */
export interface OpenIntent extends IntentBase {
  readonly kind: 'OPEN';
  readonly direction: Direction;
  readonly entry: EntryKind;
  readonly entryPrice?: number;
  readonly stopLimitPrice?: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly volume: number;
  readonly maxSlippagePoints?: number;
  /** Pending orders: good-till-date expiration on the broker; absent = good till cancelled. */
  readonly orderExpiresAt?: Date;
  /** True when the account copies this source in reverse. */
  readonly reversed: boolean;
  readonly sizing: SizingExplanation;
  readonly margin?: MarginEstimate;
  readonly comment?: string;
}

/** Positions and pending orders a management intent acts on, from the intent that opened them. */
interface ManagementBase extends IntentBase {
  /** The intent (of the referenced signal on this account) whose positions and orders are managed. */
  readonly targetIntentId: string;
  /**
   * True when the targeted opening intent was approved but execution has not reported it yet; execution, which
   * handles an account's intents in order, resolves the targets from its own records.
   */
  readonly awaitingOpen: boolean;
}

/** New SL/TP for positions and pending orders. */
export interface ModifyIntent extends ManagementBase {
  readonly kind: 'MODIFY';
  readonly positions: readonly { readonly positionId: string; readonly stopLoss?: number; readonly takeProfit?: number }[];
  readonly orders: readonly { readonly orderId: string; readonly stopLoss?: number; readonly takeProfit?: number }[];
  /** Set for a signal-level SL/TP change applied to targets execution resolves itself (awaitingOpen). */
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly moveToBreakEven: boolean;
  readonly trailingDistance?: number;
}

/** Closes positions fully or partly. */
export interface CloseIntent extends ManagementBase {
  readonly kind: 'CLOSE';
  readonly fraction: number;
  readonly positions: readonly { readonly positionId: string; readonly volume: number; readonly full: boolean }[];
}

/** Cancels pending orders. */
export interface CancelIntent extends ManagementBase {
  readonly kind: 'CANCEL';
  readonly orders: readonly { readonly orderId: string }[];
}

/** Anything approved. */
export type OrderIntent = OpenIntent | ModifyIntent | CloseIntent | CancelIntent;

/** What the risk service remembers about an intent it approved (for dedupe and for routing later management). */
export interface IntentRecord {
  readonly intentId: string;
  readonly signalId: string;
  readonly accountId: string;
  readonly kind: OrderIntent['kind'];
  readonly brokerSymbol: string;
  readonly direction?: Direction;
  readonly volume?: number;
  /** APPROVED until execution reports; REJECTED/EXPIRED are final and own nothing. */
  readonly status: 'APPROVED' | 'PLACED' | 'REJECTED' | 'EXPIRED';
  /** Positions and pending orders execution reported for it, and when. */
  readonly positions: readonly { readonly positionId: string; readonly volume: number; readonly openPrice: number }[];
  readonly orders: readonly { readonly orderId: string; readonly volume: number; readonly openPrice: number }[];
  readonly reportedAt?: Date;
}

/** Key of an intent record: signal and account. */
export function intentKey(signalId: string, accountId: string): string {
  return `${signalId}/${accountId}`;
}

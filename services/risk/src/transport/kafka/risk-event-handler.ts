/**
 * Kafka handler of the risk service: validates each consumed event, builds the command and calls its use case.
 * Messages for one key are handled in order (the consumer runner's key-ordered scheduling); the offset is committed
 * only after the use case returned, so a crash means redelivery, and the use cases are idempotent.
 */
import type { Kysely } from 'kysely';
import {
  ConnectionState,
  ExecutionRejectionReason,
  fromMicros,
  type AccountConnectionChanged,
  type AccountSynced,
  type OrderPlaced,
  type OrderRejected,
  type SignalGenerated,
} from '@tradebridge/contracts';
import { PermanentError, type ConsumedEvent, type EventHandler } from '@tradebridge/messaging';
import { WriteBatcher, type Clock } from '@tradebridge/persistence';
import { signalFromEvent, snapshotFromSynced, UnusableSignalError } from '../../adapters/kafka/mappers';
import type { RiskDB } from '../../adapters/postgres/risk.table';
import { decideSignal } from '../../application/decide-signal/decide-signal';
import type { DecisionSettings, RiskEventPublisher } from '../../application/ports';
import { applyAccountSyncs, applyConnectionChange, applyExecutionReport, type AccountSyncItem } from '../../application/sync/apply-sync';

/** Logical topics the risk service consumes. */
export const RISK_INPUT_TOPICS = ['signal.generated', 'account.synced', 'account.connection.changed', 'execution.order.placed', 'execution.order.rejected'] as const;

export interface RiskHandlerDeps {
  readonly db: Kysely<RiskDB>;
  readonly publisher: RiskEventPublisher;
  readonly settings: DecisionSettings;
  readonly clock: Clock;
  readonly topicPrefix: string;
  /** Called after each signal is decided (metrics). */
  readonly onDecided?: (signalId: string, approved: number, rejected: number, ms: number) => void;
}

export function riskEventHandler(deps: RiskHandlerDeps): EventHandler {
  // Syncs of different accounts handled at the same time are stored together (one transaction, a few statements);
  // each message is still committed only after its own sync is stored.
  const syncs = new WriteBatcher<AccountSyncItem, void>({
    flush: async (items) => {
      await applyAccountSyncs(deps.db, items);
      return items.map(() => undefined);
    },
  });
  const logical = (topic: string): string => (topic.startsWith(deps.topicPrefix) ? topic.slice(deps.topicPrefix.length) : topic);
  return async (event: ConsumedEvent) => {
    const topic = logical(event.topic);
    switch (topic) {
      case 'signal.generated': {
        let signal;
        try {
          signal = signalFromEvent(event.value as SignalGenerated);
        } catch (error) {
          if (error instanceof UnusableSignalError) throw new PermanentError(error.message, { cause: error });
          throw error;
        }
        const started = performance.now();
        const result = await decideSignal(deps, signal);
        const approved = result.batch.decisions.filter((d) => d.outcome === 'APPROVED').length;
        const rejected = result.batch.decisions.filter((d) => d.outcome === 'REJECTED').length;
        deps.onDecided?.(signal.signalId, approved, rejected, performance.now() - started);
        return;
      }
      case 'account.synced': {
        const e = event.value as AccountSynced;
        const mapped = snapshotFromSynced(e);
        if (mapped) await syncs.submit({ accountId: e.accountId, snapshot: mapped.snapshot, rates: mapped.rates });
        return;
      }
      case 'account.connection.changed': {
        const e = event.value as AccountConnectionChanged;
        if (e.state === ConnectionState.CONNECTED || e.state === ConnectionState.DISCONNECTED) {
          await applyConnectionChange(deps.db, e.accountId, e.state === ConnectionState.CONNECTED);
        }
        return;
      }
      case 'execution.order.placed': {
        const e = event.value as OrderPlaced;
        const price = e.fillPrice ?? e.requestedPrice;
        await applyExecutionReport(deps.db, {
          intentId: e.intentId,
          accountId: e.accountId,
          outcome: 'PLACED',
          ...(e.brokerPositionId ? { position: { positionId: e.brokerPositionId, volume: e.filledVolume || e.requestedVolume, openPrice: price } } : {}),
          ...(!e.brokerPositionId && e.brokerOrderId ? { order: { orderId: e.brokerOrderId, volume: e.requestedVolume, openPrice: price } } : {}),
          at: fromMicros(e.meta.occurredAtUs),
        });
        return;
      }
      case 'execution.order.rejected': {
        const e = event.value as OrderRejected;
        await applyExecutionReport(deps.db, {
          intentId: e.intentId,
          accountId: e.accountId,
          outcome: e.reason === ExecutionRejectionReason.EXEC_DEADLINE_EXPIRED ? 'EXPIRED' : 'REJECTED',
          at: fromMicros(e.rejectedAtUs || e.meta.occurredAtUs),
        });
        return;
      }
      default:
        throw new PermanentError(`the risk service does not consume ${event.topic}`);
    }
  };
}

import { TOPICS } from '@tradebridge/contracts';
import type { Kysely } from 'kysely';
import { findByExternalId, findReferenced, insertSignalWithOutbox } from '../../adapters/postgres/signals.repository';
import type { SignalDb } from '../../adapters/postgres/signal.table';
import { checkReference, isoFromEpochMicros, type FieldError, type ValidatedSignal } from '../../domain';
import { buildSignalGenerated } from './signal-generated';

/** Command: store an accepted signal once and queue its event. */
export interface SubmitSignal {
  /** A fresh UUID; kept only if the signal turns out to be new. */
  readonly newSignalId: string;
  readonly sourceId: string;
  readonly channel: 'api' | 'tradingview';
  readonly signal: ValidatedSignal;
  /** Request arrival, microseconds since the epoch. */
  readonly receivedAtUs: number;
}

export type SubmitOutcome =
  | { readonly kind: 'created'; readonly signalId: string }
  | { readonly kind: 'duplicate'; readonly signalId: string; readonly status: string }
  | { readonly kind: 'rejected'; readonly errors: readonly FieldError[] };

/** Something that wants to know that new outbox rows were committed (the relay). */
export interface OutboxWaker {
  wake(): void;
}

/**
 * Stores a validated signal and its `signal.generated` outbox row in one transaction (one statement), or returns the
 * original signal id when the source already sent this external id. The unique (source_id, external_id) constraint
 * decides races: a concurrent duplicate blocks on it until the first commits, then inserts nothing, so at most one
 * row and one event ever exist per external id, across restarts too.
 */
export async function submitSignal(db: Kysely<SignalDb>, waker: OutboxWaker, cmd: SubmitSignal): Promise<SubmitOutcome> {
  const { signal } = cmd;
  let refSignalId: string | null = null;
  if (signal.action !== 'open') {
    // Stored signals never change what a reference checks (action, symbol, direction, order type), so this read
    // needs no transaction with the write below.
    const referenced = await findReferenced(db, cmd.sourceId, signal.ref);
    const errors = checkReference(signal, referenced);
    if (errors.length > 0) {
      const duplicate = signal.externalId === null ? undefined : await findByExternalId(db, cmd.sourceId, signal.externalId);
      return duplicate !== undefined ? { kind: 'duplicate', signalId: duplicate.signal_id, status: duplicate.status } : { kind: 'rejected', errors };
    }
    refSignalId = referenced?.signalId ?? null;
  }

  const open = signal.action === 'open' ? signal : null;
  const event = buildSignalGenerated(signal, {
    signalId: cmd.newSignalId,
    sourceId: cmd.sourceId,
    channel: cmd.channel,
    receivedAtUs: cmd.receivedAtUs,
    referencedSignalId: refSignalId,
  });
  const stored = await insertSignalWithOutbox(
    db,
    {
      signal_id: cmd.newSignalId,
      source_id: cmd.sourceId,
      external_id: signal.externalId,
      channel: cmd.channel,
      action: signal.action,
      symbol: signal.symbol,
      direction: open?.direction ?? null,
      order_type: open?.orderType ?? null,
      entry_price: open?.entryPrice ?? null,
      stop_limit_price: open?.stopLimitPrice ?? null,
      reference_price: open?.referencePrice ?? null,
      stop_loss: signal.action === 'open' || signal.action === 'modify' ? signal.stopLoss : null,
      take_profits: signal.action === 'open' || signal.action === 'modify' ? [...signal.takeProfits] : [],
      close_fraction: signal.action === 'close' ? signal.fraction : null,
      ref_signal_id: refSignalId,
      expires_at: signal.expiresAt,
      source_timestamp: signal.sourceTimestamp,
      payload: JSON.stringify(signal),
      accepted_at: isoFromEpochMicros(cmd.receivedAtUs),
    },
    { event_id: event.meta.eventId, topic: TOPICS['signal.generated'].name, message_key: cmd.sourceId, payload: JSON.stringify(event) },
  );
  if (stored.created) {
    waker.wake();
    return { kind: 'created', signalId: cmd.newSignalId };
  }
  // A duplicate: the row is there, but a concurrent first writer may have committed after this statement's snapshot.
  const existing = stored.existing ?? (await findByExternalId(db, cmd.sourceId, signal.externalId ?? ''));
  if (existing === undefined) throw new Error('signal insert conflicted but no row holds its external id');
  return { kind: 'duplicate', signalId: existing.signal_id, status: existing.status };
}

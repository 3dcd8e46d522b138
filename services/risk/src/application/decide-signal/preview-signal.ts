/**
 * Use case: what would happen to a signal, per account, without recording or publishing anything. Runs the same
 * decide as the real path on the same loaded state.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '@tradebridge/persistence';
import { decide, type DecisionBatch, type Signal } from '../../domain';
import type { RiskDB } from '../../adapters/postgres/risk.table';
import type { DecisionSettings } from '../ports';
import { loadDecisionContext } from './load-context';

export async function previewSignal(deps: { db: Kysely<RiskDB>; settings: DecisionSettings; clock: Clock }, signal: Signal): Promise<DecisionBatch> {
  const now = deps.clock.now();
  const ctx = await loadDecisionContext(deps.db, signal, deps.settings, now);
  return decide(signal, ctx.views, ctx.state, now, {
    intentIdOf: deps.settings.intentIdOf,
    defaultTtlMs: deps.settings.defaultSignalTtlMs,
    defaultMaxSyncAgeMs: deps.settings.defaultMaxSyncAgeMs,
  });
}

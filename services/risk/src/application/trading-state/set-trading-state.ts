/**
 * Use case: the kill switch. Sets ACTIVE, REDUCING or HALTED on the fleet, an account or a source, records the
 * transition and publishes `risk.trading_state.changed`.
 */
import { sql, type Kysely } from 'kysely';
import { withTransaction, type Clock } from '@tradebridge/persistence';
import { applyTradingState, type SetTradingState, type TradingStateChange, type TradingStates } from '../../domain';
import type { RiskDB } from '../../adapters/postgres/risk.table';
import { loadTradingStates, saveTradingStateChange } from '../../adapters/postgres/state.repository';
import { DECIDE_LOCK_KEY } from '../decide-signal/decide-signal';
import type { RiskEventPublisher } from '../ports';

export async function setTradingState(
  deps: { db: Kysely<RiskDB>; publisher: RiskEventPublisher; clock: Clock },
  command: SetTradingState,
): Promise<TradingStateChange | undefined> {
  const now = deps.clock.now();
  const change = await withTransaction(deps.db, async (trx) => {
    // Taken with the decisions' lock: a HALT returns only once no decision that read the old state is in flight.
    await sql`select pg_advisory_xact_lock(${DECIDE_LOCK_KEY})`.execute(trx);
    const applied = applyTradingState(await loadTradingStates(trx), command, now);
    if (applied.change) await saveTradingStateChange(trx, applied.change);
    return applied.change;
  });
  if (change) await deps.publisher.publishTradingStateChanges([change]);
  return change;
}

export async function currentTradingStates(db: Kysely<RiskDB>): Promise<TradingStates> {
  return loadTradingStates(db);
}

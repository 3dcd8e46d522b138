import type { Kysely } from 'kysely';
import type { Clock } from '@tradebridge/persistence';
import type { RiskDB } from '../../adapters/postgres/risk.table';
import type { DecisionSettings, RiskEventPublisher } from '../../application/ports';

/** Injection token of the HTTP layer's dependencies. */
export const RISK_HTTP_DEPS = Symbol('RISK_HTTP_DEPS');

export interface RiskHttpDeps {
  readonly db: Kysely<RiskDB>;
  readonly publisher: RiskEventPublisher;
  readonly clock: Clock;
  readonly settings: DecisionSettings;
}

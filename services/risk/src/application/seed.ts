/**
 * Start-up seeding: the default symbol catalog, without overwriting specifications an operator changed.
 */
import type { Kysely } from 'kysely';
import type { RiskDB } from '../adapters/postgres/risk.table';
import { DEFAULT_SPEC_ACCOUNT } from '../adapters/postgres/state.repository';
import { DEFAULT_SYMBOL_SPECS } from './symbol-catalog';

export async function seedDefaultSymbolSpecs(db: Kysely<RiskDB>): Promise<void> {
  await db
    .insertInto('symbol_specs')
    .values(DEFAULT_SYMBOL_SPECS.map((spec) => ({ account_id: DEFAULT_SPEC_ACCOUNT, broker_symbol: spec.symbol, spec: JSON.stringify(spec) })))
    .onConflict((oc) => oc.columns(['account_id', 'broker_symbol']).doNothing())
    .execute();
}

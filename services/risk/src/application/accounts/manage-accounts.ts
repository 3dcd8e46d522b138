/**
 * Use cases: create, update, disable and list accounts and subscriptions. Every change is published on the
 * compacted `account.config` topic (the whole account with its subscriptions, never credentials) after it commits.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { withTransaction, type Clock } from '@tradebridge/persistence';
import type { AccountLimits, SizingConfig, SymbolMapping, TradeFilters } from '../../domain';
import {
  getAccount,
  getSubscription,
  insertAccount,
  insertSubscription,
  listSubscriptions,
  updateAccount,
  updateSubscription,
} from '../../adapters/postgres/accounts.repository';
import type { RiskDB } from '../../adapters/postgres/risk.table';
import type { AccountRecord, BridgeSettings, SubscriptionRecord } from '../model';
import type { RiskEventPublisher } from '../ports';

export interface AccountDeps {
  readonly db: Kysely<RiskDB>;
  readonly publisher: RiskEventPublisher;
  readonly clock: Clock;
}

/** Fields a caller sets on an account. */
export interface AccountInput {
  readonly tenantId: string;
  readonly ownerUserId: string;
  readonly displayName: string;
  readonly platform: 'MT4' | 'MT5';
  readonly currency: string;
  readonly brokerLogin: string;
  readonly brokerServer: string;
  readonly bridge: BridgeSettings;
  readonly enabled: boolean;
  readonly autoTrading: boolean;
  readonly sizing: SizingConfig;
  readonly limits: AccountLimits;
  readonly mapping: SymbolMapping;
  readonly filters: TradeFilters;
  readonly magicNumber: number;
}

/** Fields a caller sets on a subscription. */
export interface SubscriptionInput {
  readonly sourceId: string;
  readonly enabled: boolean;
  readonly sizing?: SizingConfig;
  readonly reverse: boolean;
  readonly filters?: TradeFilters;
}

export class NotFoundError extends Error {
  constructor(readonly what: string, readonly id: string) {
    super(`${what} ${id} not found`);
  }
}

export class ConflictError extends Error {}

async function publish(deps: AccountDeps, account: AccountRecord): Promise<void> {
  await deps.publisher.publishAccountConfig(account, await listSubscriptions(deps.db, { accountId: account.accountId }));
}

export async function createAccount(deps: AccountDeps, input: AccountInput, accountId: string = randomUUID()): Promise<AccountRecord> {
  const now = deps.clock.now();
  const account = await insertAccount(deps.db, { ...input, accountId, configVersion: 1, createdAt: now, updatedAt: now });
  await publish(deps, account);
  return account;
}

/** Applies `change` to the stored account and stores the result. */
export async function updateAccountWith(
  deps: AccountDeps,
  accountId: string,
  change: (current: AccountRecord) => AccountRecord,
): Promise<AccountRecord> {
  const updated = await withTransaction(deps.db, async (trx) => {
    const current = await getAccount(trx, accountId, true);
    if (!current) throw new NotFoundError('account', accountId);
    return updateAccount(trx, { ...change(current), accountId, updatedAt: deps.clock.now() });
  });
  if (!updated) throw new NotFoundError('account', accountId);
  await publish(deps, updated);
  return updated;
}

export async function replaceAccount(deps: AccountDeps, accountId: string, input: AccountInput): Promise<AccountRecord> {
  return updateAccountWith(deps, accountId, (current) => ({ ...current, ...input }));
}

export async function disableAccount(deps: AccountDeps, accountId: string): Promise<AccountRecord> {
  return updateAccountWith(deps, accountId, (current) => ({ ...current, enabled: false, autoTrading: false }));
}

export async function createSubscription(
  deps: AccountDeps,
  accountId: string,
  input: SubscriptionInput,
  subscriptionId: string = randomUUID(),
): Promise<SubscriptionRecord> {
  const account = await getAccount(deps.db, accountId);
  if (!account) throw new NotFoundError('account', accountId);
  const existing = await listSubscriptions(deps.db, { accountId, sourceId: input.sourceId });
  if (existing.length > 0) throw new ConflictError(`account ${accountId} already subscribes to source ${input.sourceId}`);
  const now = deps.clock.now();
  const created = await insertSubscription(deps.db, { ...input, subscriptionId, accountId, createdAt: now, updatedAt: now });
  await publish(deps, (await bumpVersion(deps, accountId))!);
  return created;
}

export async function replaceSubscription(deps: AccountDeps, subscriptionId: string, input: Omit<SubscriptionInput, 'sourceId'>): Promise<SubscriptionRecord> {
  const current = await getSubscription(deps.db, subscriptionId);
  if (!current) throw new NotFoundError('subscription', subscriptionId);
  const next: SubscriptionRecord = {
    subscriptionId,
    accountId: current.accountId,
    sourceId: current.sourceId,
    enabled: input.enabled,
    reverse: input.reverse,
    ...(input.sizing ? { sizing: input.sizing } : {}),
    ...(input.filters ? { filters: input.filters } : {}),
    createdAt: current.createdAt,
    updatedAt: deps.clock.now(),
  };
  const updated = (await updateSubscription(deps.db, next))!;
  await publish(deps, (await bumpVersion(deps, current.accountId))!);
  return updated;
}

/** A subscription change is an account configuration change: its version moves too. */
async function bumpVersion(deps: AccountDeps, accountId: string): Promise<AccountRecord | undefined> {
  const current = await getAccount(deps.db, accountId);
  return current ? updateAccount(deps.db, { ...current, updatedAt: deps.clock.now() }) : undefined;
}

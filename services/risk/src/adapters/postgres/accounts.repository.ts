/**
 * Accounts and subscriptions.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AccountLimits, SizingConfig, SymbolMapping, TradeFilters } from '../../domain';
import type { AccountRecord, SubscriptionRecord } from '../../application/model';
import type { AccountRow, RiskDB, SubscriptionRow } from './risk.table';

type Db = Kysely<RiskDB> | Transaction<RiskDB>;

export function accountFromRow(row: AccountRow): AccountRecord {
  return {
    accountId: row.account_id,
    tenantId: row.tenant_id,
    ownerUserId: row.owner_user_id,
    displayName: row.display_name,
    platform: row.platform,
    currency: row.currency,
    brokerLogin: row.broker_login,
    brokerServer: row.broker_server,
    bridge: {
      kind: row.bridge_kind,
      metaapiAccountId: row.metaapi_account_id,
      region: row.region,
      baseUrl: row.base_url,
      failoverBaseUrl: row.failover_base_url,
      credentialsSecretRef: row.credentials_secret_ref,
    },
    enabled: row.enabled,
    autoTrading: row.auto_trading,
    sizing: row.sizing as SizingConfig,
    limits: row.limits as AccountLimits,
    mapping: row.symbol_mapping as SymbolMapping,
    filters: row.filters as TradeFilters,
    magicNumber: row.magic_number,
    configVersion: Number(row.config_version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function accountColumns(a: AccountRecord) {
  return {
    tenant_id: a.tenantId,
    owner_user_id: a.ownerUserId,
    display_name: a.displayName,
    platform: a.platform,
    currency: a.currency,
    broker_login: a.brokerLogin,
    broker_server: a.brokerServer,
    bridge_kind: a.bridge.kind,
    metaapi_account_id: a.bridge.metaapiAccountId,
    region: a.bridge.region,
    base_url: a.bridge.baseUrl,
    failover_base_url: a.bridge.failoverBaseUrl,
    credentials_secret_ref: a.bridge.credentialsSecretRef,
    enabled: a.enabled,
    auto_trading: a.autoTrading,
    sizing: JSON.stringify(a.sizing),
    limits: JSON.stringify(a.limits),
    symbol_mapping: JSON.stringify(a.mapping),
    filters: JSON.stringify(a.filters),
    magic_number: a.magicNumber,
  };
}

/** Inserts a new account (version 1). */
export async function insertAccount(db: Db, account: AccountRecord): Promise<AccountRecord> {
  const row = await db
    .insertInto('accounts')
    .values({ account_id: account.accountId, ...accountColumns(account), config_version: 1, created_at: account.createdAt, updated_at: account.updatedAt })
    .returningAll()
    .executeTakeFirstOrThrow();
  return accountFromRow(row);
}

/** Replaces an account's settings and bumps its version; undefined when it does not exist. */
export async function updateAccount(db: Db, account: AccountRecord): Promise<AccountRecord | undefined> {
  const row = await db
    .updateTable('accounts')
    .set({ ...accountColumns(account), config_version: sql<number>`config_version + 1` as never, updated_at: account.updatedAt })
    .where('account_id', '=', account.accountId)
    .returningAll()
    .executeTakeFirst();
  return row ? accountFromRow(row) : undefined;
}

export async function getAccount(db: Db, accountId: string, forUpdate = false): Promise<AccountRecord | undefined> {
  let query = db.selectFrom('accounts').selectAll().where('account_id', '=', accountId);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? accountFromRow(row) : undefined;
}

/** Accounts by id; ids without an account are absent from the map. */
export async function getAccounts(db: Db, accountIds: readonly string[]): Promise<Map<string, AccountRecord>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db.selectFrom('accounts').selectAll().where('account_id', 'in', accountIds).execute();
  return new Map(rows.map((r) => [r.account_id, accountFromRow(r)]));
}

export async function listAccounts(db: Db, filter: { tenantId?: string; ownerUserId?: string } = {}): Promise<AccountRecord[]> {
  let query = db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('account_id');
  if (filter.tenantId) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.ownerUserId) query = query.where('owner_user_id', '=', filter.ownerUserId);
  return (await query.execute()).map(accountFromRow);
}

export function subscriptionFromRow(row: SubscriptionRow): SubscriptionRecord {
  return {
    subscriptionId: row.subscription_id,
    accountId: row.account_id,
    sourceId: row.source_id,
    enabled: row.enabled,
    ...(row.sizing ? { sizing: row.sizing as SizingConfig } : {}),
    reverse: row.reverse,
    ...(row.filters ? { filters: row.filters as TradeFilters } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function subscriptionColumns(s: SubscriptionRecord) {
  return {
    enabled: s.enabled,
    sizing: JSON.stringify(s.sizing ?? null),
    reverse: s.reverse,
    filters: JSON.stringify(s.filters ?? null),
  };
}

export async function insertSubscription(db: Db, s: SubscriptionRecord): Promise<SubscriptionRecord> {
  const row = await db
    .insertInto('subscriptions')
    .values({ subscription_id: s.subscriptionId, account_id: s.accountId, source_id: s.sourceId, ...subscriptionColumns(s), created_at: s.createdAt, updated_at: s.updatedAt })
    .returningAll()
    .executeTakeFirstOrThrow();
  return subscriptionFromRow(row);
}

export async function updateSubscription(db: Db, s: SubscriptionRecord): Promise<SubscriptionRecord | undefined> {
  const row = await db
    .updateTable('subscriptions')
    .set({ ...subscriptionColumns(s), updated_at: s.updatedAt })
    .where('subscription_id', '=', s.subscriptionId)
    .returningAll()
    .executeTakeFirst();
  return row ? subscriptionFromRow(row) : undefined;
}

export async function getSubscription(db: Db, subscriptionId: string): Promise<SubscriptionRecord | undefined> {
  const row = await db.selectFrom('subscriptions').selectAll().where('subscription_id', '=', subscriptionId).executeTakeFirst();
  return row ? subscriptionFromRow(row) : undefined;
}

export async function listSubscriptions(db: Db, filter: { accountId?: string; sourceId?: string; enabledOnly?: boolean } = {}): Promise<SubscriptionRecord[]> {
  let query = db.selectFrom('subscriptions').selectAll().orderBy('created_at').orderBy('subscription_id');
  if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
  if (filter.sourceId) query = query.where('source_id', '=', filter.sourceId);
  if (filter.enabledOnly) query = query.where('enabled', '=', true);
  return (await query.execute()).map(subscriptionFromRow);
}

/** Every enabled subscription to a source, with its account (enabled or not: a disabled account is rejected with a reason). */
export async function loadFollowers(db: Db, sourceId: string): Promise<{ account: AccountRecord; subscription: SubscriptionRecord }[]> {
  const subscriptions = await listSubscriptions(db, { sourceId, enabledOnly: true });
  if (subscriptions.length === 0) return [];
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where(
      'account_id',
      'in',
      subscriptions.map((s) => s.accountId),
    )
    .execute();
  const accounts = new Map(rows.map((r) => [r.account_id, accountFromRow(r)]));
  return subscriptions
    .filter((s) => accounts.has(s.accountId))
    .map((subscription) => ({ account: accounts.get(subscription.accountId)!, subscription }))
    .sort((a, b) => (a.account.accountId < b.account.accountId ? -1 : a.account.accountId > b.account.accountId ? 1 : 0));
}

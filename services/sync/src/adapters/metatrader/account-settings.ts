import type { AccountConfigured } from '@tradebridge/contracts';

/** What the sync service needs of an account's configuration. */
export interface SyncAccountSettings {
  readonly accountId: string;
  readonly platform: 'mt4' | 'mt5';
  /** The account id on the MetaApi side (the simulator's id), used in request paths. */
  readonly brokerAccountId: string;
  readonly region?: string;
  readonly baseUrl?: string;
  readonly failoverBaseUrl?: string;
  readonly credentialsSecretRef: string;
  /** Changes when anything that needs a new connection changes. */
  readonly fingerprint: string;
}

/**
 * The account to sync, or undefined when it must not be synced: deleted, disabled, or without a bridge configuration.
 * A tombstone (null value) is a deletion too.
 */
export function syncSettingsOf(accountId: string, value: AccountConfigured | null): SyncAccountSettings | undefined {
  if (value === null || value.deleted || !value.enabled || !value.bridge || !value.bridge.credentialsSecretRef) return undefined;
  const b = value.bridge;
  const settings = {
    accountId,
    platform: value.platform === 'PLATFORM_MT4' ? ('mt4' as const) : ('mt5' as const),
    brokerAccountId: b.metaapiAccountId || accountId,
    ...(b.region ? { region: b.region } : {}),
    ...(b.baseUrl ? { baseUrl: b.baseUrl } : {}),
    ...(b.failoverBaseUrl ? { failoverBaseUrl: b.failoverBaseUrl } : {}),
    credentialsSecretRef: b.credentialsSecretRef,
  };
  return { ...settings, fingerprint: JSON.stringify(settings) };
}

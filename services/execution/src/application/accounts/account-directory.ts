import type { AccountConfigured } from '@tradebridge/contracts';

/** What execution needs to know about an account, from its latest configuration on account.config. */
export interface AccountView {
  readonly accountId: string;
  readonly platform: 'mt4' | 'mt5';
  readonly enabled: boolean;
  readonly bridge: {
    readonly kind: 'metaapi' | 'simulator';
    /** The account id at the bridge (MetaApi account id, or the simulator's account id). */
    readonly brokerAccountId: string;
    readonly region: string;
    readonly baseUrl: string;
    readonly failoverBaseUrl: string;
    readonly credentialsSecretRef: string;
  };
  readonly configVersion: number;
}

/** Listener of configuration changes. */
export type AccountChangeListener = (accountId: string, view: AccountView | undefined, previous: AccountView | undefined) => void;

/**
 * Execution's view of every account, built from the compacted account.config topic (latest value per key; a
 * `deleted` configuration or a tombstone removes the account). Pure state; the Kafka consumer feeds it.
 */
export class AccountDirectory {
  private readonly accounts = new Map<string, AccountView>();
  private readonly listeners: AccountChangeListener[] = [];

  onChange(listener: AccountChangeListener): void {
    this.listeners.push(listener);
  }

  get(accountId: string): AccountView | undefined {
    return this.accounts.get(accountId);
  }

  /** Every known account. */
  views(): AccountView[] {
    return [...this.accounts.values()];
  }

  get size(): number {
    return this.accounts.size;
  }

  /** Applies one account.config message; `value` null is a tombstone for `key`. Older versions never replace newer ones. */
  apply(key: string | null, value: AccountConfigured | null): void {
    const accountId = value?.accountId || key;
    if (!accountId) return;
    const previous = this.accounts.get(accountId);
    if (value === null || value.deleted) {
      if (previous === undefined) return;
      this.accounts.delete(accountId);
      this.emit(accountId, undefined, previous);
      return;
    }
    if (previous !== undefined && value.configVersion < previous.configVersion) return;
    const view = toView(value);
    this.accounts.set(accountId, view);
    this.emit(accountId, view, previous);
  }

  private emit(accountId: string, view: AccountView | undefined, previous: AccountView | undefined): void {
    for (const listener of this.listeners) listener(accountId, view, previous);
  }
}

function toView(c: AccountConfigured): AccountView {
  const bridge = c.bridge;
  return Object.freeze({
    accountId: c.accountId,
    platform: c.platform === 'PLATFORM_MT4' ? 'mt4' : 'mt5',
    enabled: c.enabled,
    bridge: Object.freeze({
      kind: bridge?.kind === 'BRIDGE_KIND_SIMULATOR' ? 'simulator' : 'metaapi',
      brokerAccountId: bridge?.metaapiAccountId || c.accountId,
      region: bridge?.region ?? '',
      baseUrl: bridge?.baseUrl ?? '',
      failoverBaseUrl: bridge?.failoverBaseUrl ?? '',
      credentialsSecretRef: bridge?.credentialsSecretRef ?? '',
    }),
    configVersion: c.configVersion,
  });
}

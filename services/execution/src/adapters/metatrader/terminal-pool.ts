import { ConnectionManager, type TradingTerminal } from '@tradebridge/bridge';
import type { AccountView } from '../../application/accounts/account-directory';
import type { SecretResolver } from '@tradebridge/bridge';

/** Settings of the terminals the pool opens. */
export interface TerminalPoolOptions {
  readonly manager: ConnectionManager;
  readonly secrets: SecretResolver;
  readonly tradeTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly confirmFills: boolean;
  readonly historyLookbackMs: number;
}

interface Entry {
  readonly fingerprint: string;
  readonly brokerAccountId: string;
  readonly ready: Promise<TradingTerminal>;
}

/**
 * One connection per account, reused by every order (never one per order), opened through the bridge's
 * ConnectionManager: a shared keep-alive pool and a circuit breaker per account, so a dead account fails fast and
 * never slows the others. A changed bridge configuration (new token reference, new URL) replaces the connection.
 */
export class TerminalPool {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: TerminalPoolOptions) {}

  /** The account's terminal, connecting it on first use. Rejects (naming the secret reference) when credentials are missing. */
  terminalFor(view: AccountView): Promise<TradingTerminal> {
    const fingerprint = JSON.stringify([view.platform, view.bridge]);
    const existing = this.entries.get(view.accountId);
    if (existing && existing.fingerprint === fingerprint) return existing.ready;
    if (existing) this.drop(view.accountId);
    const brokerAccountId = view.bridge.brokerAccountId;
    const ready = (async () => {
      const token = this.options.secrets.resolve(view.bridge.credentialsSecretRef);
      return this.options.manager.add({
        accountId: brokerAccountId,
        token,
        platform: view.platform,
        ...(view.bridge.region ? { region: view.bridge.region } : {}),
        ...(view.bridge.baseUrl ? { baseUrl: view.bridge.baseUrl } : {}),
        ...(view.bridge.failoverBaseUrl ? { secondaryBaseUrl: view.bridge.failoverBaseUrl } : {}),
        timeouts: { tradeMs: this.options.tradeTimeoutMs, readMs: this.options.readTimeoutMs },
        confirmFills: this.options.confirmFills,
        historyLookbackMs: this.options.historyLookbackMs,
      });
    })();
    const entry: Entry = { fingerprint, brokerAccountId, ready };
    this.entries.set(view.accountId, entry);
    ready.catch(() => {
      if (this.entries.get(view.accountId) === entry) this.entries.delete(view.accountId);
    });
    return ready;
  }

  /** Opens the account's connection in the background so its first order does not pay for it. */
  prewarm(view: AccountView): void {
    this.terminalFor(view).catch(() => undefined);
  }

  /** Closes the account's connection (account deleted or reconfigured). */
  drop(accountId: string): void {
    const entry = this.entries.get(accountId);
    if (!entry) return;
    this.entries.delete(accountId);
    this.options.manager.remove(entry.brokerAccountId);
  }

  async close(): Promise<void> {
    this.entries.clear();
    await this.options.manager.close();
  }
}

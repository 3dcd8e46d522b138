import type { AccountInput } from '../domain/account-spec';
import type { FaultSpec } from '../domain/faults';
import type { LedgerEntry, LedgerFilter } from '../domain/ledger';
import type { TriggerEvent } from '../domain/triggers';
import type { AccountConfig, SymbolSpec, TradeResponse } from '../domain/types';

/** An account as the admin API shows it: settings plus current numbers. */
export interface AccountView extends AccountConfig {
  balance: number;
  equity: number;
  margin: number;
  freeMargin: number;
  marginLevel?: number;
  positions: number;
  orders: number;
  faults: number;
}

/** The market clock as the admin API shows it. */
export interface ClockView {
  time: string;
  brokerTime: string;
  tick: number;
  clock: 'real' | 'manual';
  tickMs: number;
}

/** Current quotes of every symbol. */
export interface MarketView extends ClockView {
  symbols: { symbol: string; bid: number; ask: number; tradeMode: string }[];
}

/** One quote change for setPrices. */
export interface PriceChange {
  symbol: string;
  bid?: number;
  ask?: number;
  movePoints?: number;
}

/** An installed fault. */
export interface FaultView extends FaultSpec {
  faultId: string;
  remaining?: number;
  hits: number;
}

/** Raised when the admin API answers with an error status. */
export class SimAdminError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`mt-sim admin API answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** A typed client of the simulator's `/admin` API (README "Admin API"). */
export class SimAdminClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly adminToken?: string,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.adminToken !== undefined) headers['x-admin-token'] = this.adminToken;
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(`${this.base}/admin${path}`, init);
    const text = await res.text();
    const parsed: unknown = text.length > 0 ? JSON.parse(text) : undefined;
    if (!res.ok) throw new SimAdminError(res.status, parsed);
    return parsed as T;
  }

  health(): Promise<{ status: string; time: string; accounts: number }> {
    return this.call('GET', '/health');
  }

  async createAccounts(accounts: AccountInput[]): Promise<AccountView[]> {
    return (await this.call<{ accounts: AccountView[] }>('POST', '/accounts', { accounts })).accounts;
  }

  async createAccount(account: AccountInput): Promise<AccountView> {
    return (await this.createAccounts([account]))[0]!;
  }

  async listAccounts(): Promise<AccountView[]> {
    return (await this.call<{ accounts: AccountView[] }>('GET', '/accounts')).accounts;
  }

  getAccount(id: string): Promise<AccountView> {
    return this.call('GET', `/accounts/${encodeURIComponent(id)}`);
  }

  updateAccount(id: string, patch: Partial<Omit<AccountConfig, 'id' | 'platform' | 'marginMode' | 'currency' | 'login'>>): Promise<AccountView> {
    return this.call('PATCH', `/accounts/${encodeURIComponent(id)}`, patch);
  }

  deleteAccount(id: string): Promise<{ deleted: boolean }> {
    return this.call('DELETE', `/accounts/${encodeURIComponent(id)}`);
  }

  /** Sets the balance (books the difference as a balance deal). */
  setBalance(id: string, balance: number): Promise<AccountView> {
    return this.call('POST', `/accounts/${encodeURIComponent(id)}/balance`, { balance });
  }

  /** Deposits (positive) or withdraws (negative) an amount. */
  deposit(id: string, amount: number, comment?: string): Promise<AccountView> {
    return this.call('POST', `/accounts/${encodeURIComponent(id)}/balance`, comment === undefined ? { amount } : { amount, comment });
  }

  market(): Promise<MarketView> {
    return this.call('GET', '/market');
  }

  /** Sets one quote (ask defaults to bid + the symbol's spread) and runs the triggers. */
  setPrice(symbol: string, bid: number, ask?: number): Promise<MarketView & { events: TriggerEvent[] }> {
    return this.call('POST', '/market/prices', ask === undefined ? { symbol, bid } : { symbol, bid, ask });
  }

  setPrices(prices: PriceChange[]): Promise<MarketView & { events: TriggerEvent[] }> {
    return this.call('POST', '/market/prices', { prices });
  }

  /** Shifts bid and ask of a symbol by a number of points. */
  movePrice(symbol: string, points: number): Promise<MarketView & { events: TriggerEvent[] }> {
    return this.call('POST', '/market/prices', { symbol, movePoints: points });
  }

  patchSymbol(symbol: string, patch: Partial<SymbolSpec>): Promise<SymbolSpec> {
    return this.call('PATCH', `/market/symbols/${encodeURIComponent(symbol)}`, patch);
  }

  clock(): Promise<ClockView> {
    return this.call('GET', '/clock');
  }

  advanceClock(by: { ms?: number; ticks?: number; movePrices?: boolean }): Promise<ClockView & { events: TriggerEvent[] }> {
    return this.call('POST', '/clock/advance', by);
  }

  setClock(time: string | Date, movePrices = true): Promise<ClockView & { events: TriggerEvent[] }> {
    return this.call('POST', '/clock/set', { time: typeof time === 'string' ? time : time.toISOString(), movePrices });
  }

  async injectFault(accountId: string, fault: FaultSpec): Promise<string> {
    return (await this.call<{ faultId: string }>('POST', `/accounts/${encodeURIComponent(accountId)}/faults`, fault)).faultId;
  }

  /** Installs the same fault on many accounts (default: all existing accounts); returns the fault id per account. */
  async injectFaultEverywhere(fault: FaultSpec, accounts?: string[]): Promise<Record<string, string>> {
    return (await this.call<{ faultIds: Record<string, string> }>('POST', '/faults', accounts ? { ...fault, accounts } : fault)).faultIds;
  }

  /** Removes every fault of every account. */
  async clearAllFaults(): Promise<number> {
    return (await this.call<{ cleared: number }>('DELETE', '/faults')).cleared;
  }

  /**
   * Executes a trade as a person at the terminal would (reasons *_CLIENT; ledger source "terminal"), for example to
   * open a position the platform did not send.
   */
  manualTrade(accountId: string, trade: Record<string, unknown>): Promise<TradeResponse> {
    return this.call('POST', `/accounts/${encodeURIComponent(accountId)}/trade`, trade);
  }

  async listFaults(accountId: string): Promise<FaultView[]> {
    return (await this.call<{ faults: FaultView[] }>('GET', `/accounts/${encodeURIComponent(accountId)}/faults`)).faults;
  }

  async clearFaults(accountId: string): Promise<number> {
    return (await this.call<{ cleared: number }>('DELETE', `/accounts/${encodeURIComponent(accountId)}/faults`)).cleared;
  }

  async removeFault(accountId: string, faultId: string): Promise<void> {
    await this.call('DELETE', `/accounts/${encodeURIComponent(accountId)}/faults/${encodeURIComponent(faultId)}`);
  }

  ledger(filter: LedgerFilter & { offset?: number; limit?: number } = {}): Promise<{ entries: LedgerEntry[]; count: number }> {
    return this.call('GET', `/ledger${queryString(filter)}`);
  }

  ledgerCount(filter: LedgerFilter = {}): Promise<{ received: number; executed: number }> {
    return this.call('GET', `/ledger/count${queryString(filter)}`);
  }

  /** Forgets ledger entries (of one account, or all); for long-running demos. */
  async clearLedger(accountId?: string): Promise<number> {
    return (await this.call<{ cleared: number }>('DELETE', `/ledger${queryString({ accountId })}`)).cleared;
  }

  reset(options: { seed?: number } = {}): Promise<ClockView & { reset: true }> {
    return this.call('POST', '/reset', options);
  }
}

function queryString(params: object): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [string, string | number | boolean][];
  if (entries.length === 0) return '';
  return '?' + entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

/**
 * Reads a simulated terminal through the simulator's MetaApi REST API (the same public API the bridge uses), and
 * counts its ledger through the admin API: what the broker really holds, independent of what the platform reports.
 */
import type { SimAdminClient } from '@tradebridge/mt-sim';
import type { FleetAccount } from './fleet';
import { http } from './fleet';

export interface TerminalPosition {
  id: string;
  symbol: string;
  type: string;
  volume: number;
  stopLoss?: number;
  takeProfit?: number;
  clientId?: string;
  comment?: string;
}

export interface TerminalOrder {
  id: string;
  symbol: string;
  type: string;
  state: string;
  volume?: number;
  currentVolume?: number;
  openPrice?: number;
  clientId?: string;
}

async function read<T>(simUrl: string, account: FleetAccount, path: string): Promise<T> {
  const res = await http<T>('GET', `${simUrl}/users/current/accounts/${encodeURIComponent(account.simId)}${path}`, undefined, { 'auth-token': account.token });
  if (res.status !== 200) throw new Error(`GET ${path} of ${account.simId}: HTTP ${res.status}`);
  return res.body;
}

export const positionsOf = (simUrl: string, a: FleetAccount) => read<TerminalPosition[]>(simUrl, a, '/positions');
export const ordersOf = (simUrl: string, a: FleetAccount) => read<TerminalOrder[]>(simUrl, a, '/orders');

/** History orders of the last `lookbackMs` (wall clock; the simulator runs a real clock in these runs). */
export async function historyOrdersOf(simUrl: string, a: FleetAccount, lookbackMs = 3_600_000): Promise<TerminalOrder[]> {
  const from = new Date(Date.now() - lookbackMs).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  return (await read<{ historyOrders: TerminalOrder[] }>(simUrl, a, `/history-orders/time/${from}/${to}`)).historyOrders;
}

/**
 * Ledger check: for each client id (one per order intent) the number of trade requests the broker executed. Exactly
 * one per intent is the rule; returns the intents executed twice or more (duplicates) and the count of executed trades.
 */
export async function executedByClientId(sim: SimAdminClient, accountIds?: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const wanted = accountIds ? new Set(accountIds) : undefined;
  for (let offset = 0; ; offset += 5_000) {
    const { entries } = await sim.ledger({ executed: true, limit: 5_000, offset });
    for (const e of entries) {
      if (e.source !== 'api' || (wanted && !wanted.has(e.accountId))) continue;
      const key = `${e.accountId}/${e.clientId ?? ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (entries.length < 5_000) break;
  }
  return counts;
}

import type { AccountInfo, Deal, Order, Position } from '@tradebridge/bridge';
import type { TerminalState } from './terminal-state';

// Builders for the domain specs: plain data with sensible defaults and overrides.

export const T0 = Date.parse('2026-11-23T10:00:00Z');

export function account(over: Partial<AccountInfo> = {}): AccountInfo {
  return { platform: 'mt5', broker: 'Sim', server: 'Sim-Demo', currency: 'USD', balance: 10_000, equity: 10_000, margin: 0, freeMargin: 10_000, leverage: 100, credit: 0, tradeAllowed: true, investorMode: false, ...over };
}

export function position(id: string, over: Partial<Position> = {}): Position {
  return { id, symbol: 'EURUSD', side: 'buy', volume: 0.1, openPrice: 1.1, currentPrice: 1.1, profit: 0, swap: 0, commission: 0, openedAt: new Date(T0), ...over };
}

export function order(id: string, over: Partial<Order> = {}): Order {
  return { id, type: 'buy_limit', state: 'placed', symbol: 'EURUSD', volume: 0.1, openPrice: 1.09, placedAt: new Date(T0), ...over };
}

export function deal(id: string, over: Partial<Deal> = {}): Deal {
  return { id, type: 'sell', entry: 'out', symbol: 'EURUSD', volume: 0.1, price: 1.1, profit: 0, time: new Date(T0 + 1_000), ...over };
}

export function state(positions: Position[] = [], orders: Order[] = [], acc: Partial<AccountInfo> = {}): TerminalState {
  return { account: account(acc), positions, orders };
}

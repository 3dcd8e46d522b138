import type { AccountInfo, Deal, Order, OrderState, Position } from '@tradebridge/bridge';

/** What one sync cycle read from a terminal: account figures, open positions and pending orders. */
export interface TerminalState {
  readonly account: AccountInfo;
  readonly positions: readonly Position[];
  readonly orders: readonly Order[];
}

export type { AccountInfo, Deal, Order, OrderState, Position };

/** Deal reasons (DEAL_REASON_*) that say the broker, not a person or an expert, closed the position. */
export const DEAL_REASON = { SL: 'DEAL_REASON_SL', TP: 'DEAL_REASON_TP', SO: 'DEAL_REASON_SO' } as const;

/** True when two optional prices are the same level (absent and 0 both mean "no stop"). */
export function samePrice(a: number | undefined, b: number | undefined): boolean {
  const x = a ?? 0;
  const y = b ?? 0;
  if (x === y) return true;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y), 1);
}

/** True when two volumes in lots are equal within float noise. */
export function sameVolume(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-9;
}

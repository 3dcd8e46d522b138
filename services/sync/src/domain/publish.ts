import type { TerminalState } from './terminal-state';

/**
 * A compact fingerprint of what consumers see in a snapshot (figures, positions with their prices and stops, orders),
 * so "anything changed" is one string comparison.
 */
export function fingerprint(s: TerminalState): string {
  const a = s.account;
  const parts: (string | number | undefined)[] = [a.balance, a.equity, a.margin, a.freeMargin, a.marginLevel, a.credit, a.leverage, String(a.tradeAllowed)];
  for (const p of s.positions) parts.push('p', p.id, p.volume, p.stopLoss, p.takeProfit, p.currentPrice, p.profit, p.swap, p.commission);
  for (const o of s.orders) parts.push('o', o.id, o.type, o.volume, o.currentVolume, o.openPrice, o.stopLimitPrice, o.stopLoss, o.takeProfit);
  return parts.map((x) => (x === undefined ? '' : String(x))).join('|');
}

/** Publish when anything changed, and otherwise once the heartbeat interval has passed since the last publish. */
export function shouldPublish(input: { changed: boolean; lastPublishedAtMs: number | undefined; nowMs: number; heartbeatMs: number }): { publish: boolean; heartbeat: boolean } {
  if (input.changed) return { publish: true, heartbeat: false };
  if (input.lastPublishedAtMs === undefined || input.nowMs - input.lastPublishedAtMs >= input.heartbeatMs) return { publish: true, heartbeat: true };
  return { publish: false, heartbeat: false };
}

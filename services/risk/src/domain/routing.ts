/**
 * Per-account symbol mapping, filters and reverse copying.
 */
import type { SymbolMapping, TradeFilters } from './account';
import { RejectionReason, type CheckFailure } from './rejection';
import { opposite, type Direction, type EntryKind } from './signal';

/** Broker symbol of a canonical symbol on an account: explicit map first, else prefix + symbol + suffix. */
export function brokerSymbol(canonical: string, mapping: SymbolMapping): string {
  const explicit = mapping.explicit?.[canonical];
  if (explicit !== undefined) return explicit;
  return `${mapping.prefix ?? ''}${canonical}${mapping.suffix ?? ''}`;
}

/** Canonical symbol of a broker symbol (the inverse of `brokerSymbol`); the broker name itself when nothing matches. */
export function canonicalSymbol(broker: string, mapping: SymbolMapping): string {
  for (const [canonical, mapped] of Object.entries(mapping.explicit ?? {})) {
    if (mapped === broker) return canonical;
  }
  const prefix = mapping.prefix ?? '';
  const suffix = mapping.suffix ?? '';
  if (broker.length > prefix.length + suffix.length && broker.startsWith(prefix) && broker.endsWith(suffix)) {
    return broker.slice(prefix.length, broker.length - suffix.length);
  }
  return broker;
}

/** Checks a canonical symbol and (for opening orders) a direction against a filter set. */
export function checkFilters(
  filters: TradeFilters | undefined,
  symbol: string,
  direction: Direction | undefined,
  scope: string,
): CheckFailure | undefined {
  if (!filters) return undefined;
  if (filters.blockedSymbols?.includes(symbol)) {
    return { reason: RejectionReason.SYMBOL_NOT_ALLOWED, detail: `${symbol} is blocked by the ${scope} filter` };
  }
  if (filters.allowedSymbols && filters.allowedSymbols.length > 0 && !filters.allowedSymbols.includes(symbol)) {
    return {
      reason: RejectionReason.SYMBOL_NOT_ALLOWED,
      detail: `${symbol} is not in the ${scope}'s allowed symbols (${filters.allowedSymbols.join(', ')})`,
    };
  }
  if (direction && filters.allowedDirections && filters.allowedDirections.length > 0 && !filters.allowedDirections.includes(direction)) {
    return {
      reason: RejectionReason.FILTERED,
      detail: `${direction} orders are not allowed by the ${scope} filter (allowed: ${filters.allowedDirections.join(', ')})`,
    };
  }
  return undefined;
}

/** An opening order's side and prices, as the provider sent it or as reversed for an account. */
export interface OrderSides {
  readonly direction: Direction;
  readonly entry: EntryKind;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
}

/**
 * Reverses an opening order: the opposite direction, the provider's take profit becomes the stop loss and its stop
 * loss the take profit (the same price levels, seen from the other side). A buy limit (below the market) becomes a
 * sell stop at the same price and a buy stop becomes a sell limit; stop-limit orders have no mirror and are refused.
 */
export function reverseSides(sides: OrderSides): OrderSides | CheckFailure {
  let entry: EntryKind;
  switch (sides.entry) {
    case 'MARKET':
      entry = 'MARKET';
      break;
    case 'LIMIT':
      entry = 'STOP';
      break;
    case 'STOP':
      entry = 'LIMIT';
      break;
    case 'STOP_LIMIT':
      return { reason: RejectionReason.FILTERED, detail: 'a stop-limit order cannot be copied in reverse' };
    default: {
      const _exhaustive: never = sides.entry;
      throw new Error(`unknown entry ${String(_exhaustive)}`);
    }
  }
  return {
    direction: opposite(sides.direction),
    entry,
    ...(sides.takeProfit !== undefined ? { stopLoss: sides.takeProfit } : {}),
    ...(sides.stopLoss !== undefined ? { takeProfit: sides.stopLoss } : {}),
  };
}

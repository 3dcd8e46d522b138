// Helpers for the engine's unit tests: an engine at a fixed market time, accounts, and trades from raw JSON.
import type { Account } from '../domain/account';
import type { AccountInput } from '../domain/account-spec';
import { Engine, TradeResult } from '../domain/engine';
import { validateTrade } from '../domain/validate';

/** Monday 2026-01-05 10:00 UTC = 12:00 broker time: every symbol's session is open. */
export const MONDAY_NOON_BROKER = Date.parse('2026-01-05T10:00:00.000Z');

/** Creates an engine whose market clock starts at `startTime`. */
export function newEngine(startTime = MONDAY_NOON_BROKER, seed = 7): Engine {
  return new Engine({ seed, startTime, tickMs: 250 });
}

/** Creates an account on the engine. */
export function newAccount(engine: Engine, input: AccountInput = {}): Account {
  return engine.createAccount(input).account;
}

/** Validates a raw MetatraderTrade body and executes it; throws on validation errors. */
export function trade(engine: Engine, account: Account, body: Record<string, unknown>): TradeResult {
  const v = validateTrade(body);
  if (!v.ok) throw new Error(`invalid trade: ${JSON.stringify(v.errors)}`);
  return engine.trade(account, v.value);
}

/** Sets a zero-spread quote (bid = ask) unless an ask is given. */
export function quote(engine: Engine, symbol: string, bid: number, ask = bid): void {
  engine.setPrices([{ symbol, bid, ask }]);
}

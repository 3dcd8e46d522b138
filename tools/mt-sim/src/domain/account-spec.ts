import { DEFAULT_SYMBOLS } from './symbols';
import type { AccountConfig, SymbolSpec } from './types';
import { FieldError, FieldReader, Validated } from './validate';

/** Account settings as the admin API accepts them; everything but the platform has a default. */
export type AccountInput = Partial<AccountConfig> & { balance?: number };

export const SUPPORTED_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'NZD'] as const;

const SPEC_TEMPLATE: SymbolSpec = DEFAULT_SYMBOLS[0]!;

/** Validates a symbol override map: known symbols, known fields, values of the right JSON type. */
export function validateSymbolOverrides(raw: unknown, parameter: string, errors: FieldError[]): Record<string, Partial<SymbolSpec>> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push({ parameter, value: raw, message: `${parameter} must be an object keyed by symbol` });
    return undefined;
  }
  const out: Record<string, Partial<SymbolSpec>> = {};
  for (const [symbol, override] of Object.entries(raw as Record<string, unknown>)) {
    const problem = validateSpecPatch(override, `${parameter}.${symbol}`, errors);
    if (problem) out[symbol] = problem;
  }
  return out;
}

/** Validates a partial symbol spec (field names and JSON types as in the default spec). */
export function validateSpecPatch(raw: unknown, parameter: string, errors: FieldError[]): Partial<SymbolSpec> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push({ parameter, value: raw, message: `${parameter} must be an object of symbol specification fields` });
    return undefined;
  }
  const before = errors.length;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === 'symbol' || !(key in SPEC_TEMPLATE)) {
      errors.push({ parameter: `${parameter}.${key}`, value, message: `unknown or read-only symbol field ${key}` });
      continue;
    }
    const template = (SPEC_TEMPLATE as unknown as Record<string, unknown>)[key];
    const ok = Array.isArray(template) ? Array.isArray(value) : typeof value === typeof template && (typeof value !== 'number' || Number.isFinite(value));
    if (!ok) errors.push({ parameter: `${parameter}.${key}`, value, message: `${key} must be ${Array.isArray(template) ? 'an array' : `a ${typeof template}`}` });
  }
  return errors.length === before ? (raw as Partial<SymbolSpec>) : undefined;
}

/** Validates the body of an account creation, reporting every bad field at once. */
export function validateAccountInput(body: unknown, parameterPrefix = ''): Validated<AccountInput> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ parameter: parameterPrefix || 'body', value: body, message: 'account must be a JSON object' }] };
  }
  const r = new FieldReader(body as Record<string, unknown>);
  const out: AccountInput = {};
  const set = <K extends keyof AccountInput>(k: K, v: AccountInput[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('id', r.string('id', { maxLength: 64, pattern: /^[A-Za-z0-9._-]+$/ }));
  set('platform', r.oneOf('platform', ['mt5', 'mt4'] as const));
  set('marginMode', r.oneOf('marginMode', ['hedging', 'netting'] as const));
  set('currency', r.oneOf('currency', SUPPORTED_CURRENCIES));
  set('balance', r.number('balance', { min: 0 }));
  set('leverage', r.number('leverage', { positive: true, integer: true, max: 10_000 }));
  set('token', r.string('token', { maxLength: 512 }));
  set('tradeAllowed', r.boolean('tradeAllowed'));
  set('investorMode', r.boolean('investorMode'));
  set('autoTradingEnabled', r.boolean('autoTradingEnabled'));
  set('hedgeProhibited', r.boolean('hedgeProhibited'));
  set('stopOutLevel', r.number('stopOutLevel', { min: 0 }));
  set('marginCallLevel', r.number('marginCallLevel', { min: 0 }));
  set('commissionPerLot', r.number('commissionPerLot', { min: 0 }));
  set('slippagePoints', r.number('slippagePoints', { min: 0, integer: true }));
  set('rateLimitPerSecond', r.number('rateLimitPerSecond', { min: 0 }));
  set('tradeErrorStyle', r.oneOf('tradeErrorStyle', ['response', 'http-error'] as const));
  set('name', r.string('name', { maxLength: 128 }));
  set('login', r.string('login', { maxLength: 32 }));
  const errors = r.errors;
  set('symbols', validateSymbolOverrides(r.raw('symbols'), 'symbols', errors));
  if (out.platform === 'mt4' && out.marginMode === 'netting') {
    errors.push({ parameter: 'marginMode', value: 'netting', message: 'MT4 accounts are always hedging' });
  }
  if (errors.length > 0) {
    return { ok: false, errors: parameterPrefix ? errors.map((e) => ({ ...e, parameter: `${parameterPrefix}.${e.parameter}` })) : errors };
  }
  return { ok: true, value: out };
}

/** Fills in the defaults of an account (README "AccountSpec"). */
export function accountConfig(input: AccountInput, id: string): AccountConfig {
  const platform = input.platform ?? 'mt5';
  return {
    id,
    platform,
    marginMode: platform === 'mt4' ? 'hedging' : (input.marginMode ?? 'hedging'),
    currency: input.currency ?? 'USD',
    leverage: input.leverage ?? 100,
    token: input.token ?? 'sim-token',
    tradeAllowed: input.tradeAllowed ?? true,
    investorMode: input.investorMode ?? false,
    autoTradingEnabled: input.autoTradingEnabled ?? true,
    hedgeProhibited: input.hedgeProhibited ?? false,
    stopOutLevel: input.stopOutLevel ?? 50,
    marginCallLevel: input.marginCallLevel ?? 100,
    commissionPerLot: input.commissionPerLot ?? 0,
    slippagePoints: input.slippagePoints ?? 0,
    rateLimitPerSecond: input.rateLimitPerSecond ?? 0,
    tradeErrorStyle: input.tradeErrorStyle ?? 'response',
    name: input.name ?? `Simulated account ${id}`,
    login: input.login ?? String(7_000_000 + (hashId(id) % 1_000_000)),
    symbols: input.symbols ?? {},
  };
}

function hashId(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h;
}

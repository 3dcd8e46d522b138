import { FieldError, fieldError } from './field-error';
import { numberFromText } from './numbers';
import { SIGNAL_LIMITS, isUuid } from './validate-signal';

/**
 * A TradingView alert translated onto the JSON signal model, ready for `validateSignal`. `aliases` maps each model
 * field back to the name the sender used, so errors can name the sender's own field (`sl`, not `stopLoss`).
 */
export interface TranslatedAlert {
  readonly body: Record<string, unknown>;
  readonly aliases: ReadonlyMap<string, string>;
  /** The `passphrase` member of a JSON alert, which TradingView users put in the body; never part of the signal. */
  readonly passphrase: string | null;
}

export type TranslationOutcome =
  | { readonly ok: true; readonly alert: TranslatedAlert }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

type Target =
  | 'symbol'
  | 'orderType'
  | 'direction'
  | 'entryPrice'
  | 'stopLimitPrice'
  | 'referencePrice'
  | 'stopLoss'
  | 'takeProfits'
  | 'volumeHint'
  | 'riskPercentHint'
  | 'maxSlippagePoints'
  | 'ttlSeconds'
  | 'expiresAt'
  | 'comment'
  | 'externalId'
  | 'ref'
  | 'sourceTimestamp'
  | 'fraction'
  | 'breakEven'
  | 'trailingDistance'
  | 'action';

/** Key names TradingView users write, in text one-liners and JSON alerts alike (matched case-insensitively). */
const KEY_ALIASES: Record<string, Target> = {
  symbol: 'symbol',
  ticker: 'symbol',
  type: 'orderType',
  order_type: 'orderType',
  ordertype: 'orderType',
  direction: 'direction',
  side: 'direction',
  price: 'entryPrice',
  entry: 'entryPrice',
  entryprice: 'entryPrice',
  stoplimit: 'stopLimitPrice',
  stop_limit: 'stopLimitPrice',
  stoplimitprice: 'stopLimitPrice',
  last: 'referencePrice',
  close: 'referencePrice',
  ref_price: 'referencePrice',
  referenceprice: 'referencePrice',
  sl: 'stopLoss',
  stop_loss: 'stopLoss',
  stoploss: 'stopLoss',
  tp: 'takeProfits',
  take_profit: 'takeProfits',
  takeprofit: 'takeProfits',
  takeprofits: 'takeProfits',
  vol: 'volumeHint',
  volume: 'volumeHint',
  lots: 'volumeHint',
  qty: 'volumeHint',
  contracts: 'volumeHint',
  volumehint: 'volumeHint',
  risk: 'riskPercentHint',
  riskpercenthint: 'riskPercentHint',
  slippage: 'maxSlippagePoints',
  slip: 'maxSlippagePoints',
  maxslippagepoints: 'maxSlippagePoints',
  ttl: 'ttlSeconds',
  ttlseconds: 'ttlSeconds',
  expiry: 'expiresAt',
  expires: 'expiresAt',
  expiresat: 'expiresAt',
  comment: 'comment',
  message: 'comment',
  id: 'externalId',
  external_id: 'externalId',
  externalid: 'externalId',
  ref: 'ref',
  refsignalid: 'ref',
  refexternalid: 'ref',
  time: 'sourceTimestamp',
  timenow: 'sourceTimestamp',
  timestamp: 'sourceTimestamp',
  sourcetimestamp: 'sourceTimestamp',
  fraction: 'fraction',
  percent: 'fraction',
  be: 'breakEven',
  breakeven: 'breakEven',
  trail: 'trailingDistance',
  trailing: 'trailingDistance',
  trailingdistance: 'trailingDistance',
  action: 'action',
};

const TP_N = /^tp([1-8])$/;
const VERBS: Record<string, { action: string; direction?: string }> = {
  buy: { action: 'open', direction: 'buy' },
  long: { action: 'open', direction: 'buy' },
  sell: { action: 'open', direction: 'sell' },
  short: { action: 'open', direction: 'sell' },
  open: { action: 'open' },
  close: { action: 'close' },
  exit: { action: 'close' },
  modify: { action: 'modify' },
  cancel: { action: 'cancel' },
};
const ORDER_TYPE_WORDS: Record<string, string> = {
  market: 'market',
  limit: 'limit',
  stop: 'stop',
  stoplimit: 'stop_limit',
  'stop-limit': 'stop_limit',
  stop_limit: 'stop_limit',
};

/** Accumulates the translated body, remembering which sender key produced each model field. */
class Builder {
  readonly body: Record<string, unknown> = {};
  readonly aliases = new Map<string, string>();
  readonly errors: FieldError[] = [];
  private readonly takeProfits: unknown[] = [];
  private takeProfitKey: string | null = null;

  set(field: string, value: unknown, senderKey: string): void {
    if (field in this.body) {
      this.errors.push(fieldError(senderKey, 'conflicting_fields', `${senderKey} repeats ${this.aliases.get(field) ?? field}`));
      return;
    }
    this.body[field] = value;
    this.aliases.set(field, senderKey);
  }

  addTakeProfits(values: unknown[], senderKey: string): void {
    this.takeProfitKey ??= senderKey;
    this.takeProfits.push(...values);
  }

  apply(target: Target, raw: unknown, senderKey: string): void {
    switch (target) {
      case 'takeProfits':
        this.addTakeProfits(toPriceList(raw), senderKey);
        return;
      case 'ref': {
        const text = typeof raw === 'number' ? String(raw) : raw;
        const field = typeof text === 'string' && isUuid(text) ? 'refSignalId' : 'refExternalId';
        this.set(field, text, senderKey);
        return;
      }
      case 'symbol':
        this.set('symbol', typeof raw === 'string' ? stripExchange(raw) : raw, senderKey);
        return;
      case 'orderType':
        this.set('orderType', typeof raw === 'string' ? (ORDER_TYPE_WORDS[raw.toLowerCase()] ?? raw) : raw, senderKey);
        return;
      case 'direction': {
        const word = typeof raw === 'string' ? raw.toLowerCase() : raw;
        this.set('direction', word === 'long' ? 'buy' : word === 'short' ? 'sell' : raw, senderKey);
        return;
      }
      case 'fraction': {
        const percent = senderKey.toLowerCase() === 'percent';
        this.set('fraction', percent ? percentToFraction(raw) : toNumber(raw), senderKey);
        return;
      }
      case 'riskPercentHint':
        this.set('riskPercentHint', typeof raw === 'string' ? toNumber(raw.replace(/%$/, '')) : raw, senderKey);
        return;
      case 'ttlSeconds':
        this.set('ttlSeconds', typeof raw === 'string' ? durationSeconds(raw) : raw, senderKey);
        return;
      case 'sourceTimestamp':
        this.set('sourceTimestamp', typeof raw === 'number' && Number.isFinite(raw) ? epochToIso(raw) : raw, senderKey);
        return;
      case 'breakEven':
        this.set('breakEven', toBoolean(raw), senderKey);
        return;
      case 'externalId':
      case 'comment':
      case 'expiresAt':
        this.set(target, typeof raw === 'number' && target === 'externalId' ? String(raw) : raw, senderKey);
        return;
      case 'action':
        this.applyVerb(raw, senderKey);
        return;
      case 'entryPrice':
      case 'stopLimitPrice':
      case 'referencePrice':
      case 'stopLoss':
      case 'volumeHint':
      case 'maxSlippagePoints':
      case 'trailingDistance':
        this.set(target, toNumber(raw), senderKey);
        return;
      default: {
        const _exhaustive: never = target;
        return _exhaustive;
      }
    }
  }

  /** Reads `buy`, `sell limit`, `close`, ... (a verb optionally followed by an order type) into action fields. */
  applyVerb(raw: unknown, senderKey: string): void {
    if (typeof raw !== 'string') {
      this.set('action', raw, senderKey);
      return;
    }
    const words = raw.trim().toLowerCase().split(/\s+/);
    const verb = VERBS[words[0] ?? ''];
    const orderType = words.length === 2 ? ORDER_TYPE_WORDS[words[1] ?? ''] : undefined;
    if (verb === undefined || words.length > 2 || (words.length === 2 && (orderType === undefined || verb.direction === undefined))) {
      this.set('action', raw, senderKey); // the validator names it an unknown action
      return;
    }
    this.set('action', verb.action, senderKey);
    if (verb.direction !== undefined) this.set('direction', verb.direction, senderKey);
    if (orderType !== undefined) this.set('orderType', orderType, senderKey);
  }

  finish(passphrase: string | null): TranslationOutcome {
    if (this.takeProfits.length > 0 && this.takeProfitKey !== null) this.set('takeProfits', this.takeProfits, this.takeProfitKey);
    if (this.errors.length > 0) return { ok: false, errors: this.errors };
    return { ok: true, alert: { body: this.body, aliases: this.aliases, passphrase } };
  }
}

function toNumber(raw: unknown): unknown {
  return typeof raw === 'string' ? numberFromText(raw) : raw;
}

function toPriceList(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw.map(toNumber);
  if (typeof raw === 'string') return raw.split(',').map((p) => numberFromText(p));
  return [raw];
}

function toBoolean(raw: unknown): unknown {
  if (typeof raw === 'string') {
    const t = raw.toLowerCase();
    if (t === 'true' || t === '1' || t === 'yes') return true;
    if (t === 'false' || t === '0' || t === 'no') return false;
  }
  if (raw === 1) return true;
  if (raw === 0) return false;
  return raw;
}

function stripExchange(symbol: string): string {
  const i = symbol.indexOf(':');
  return i >= 0 ? symbol.slice(i + 1) : symbol;
}

/** `50` or `50%` -> 0.5, computed in decimal so that 33.3 % is exactly 0.333. */
function percentToFraction(raw: unknown): unknown {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim().replace(/%$/, '') : null;
  if (text === null) return raw;
  const n = numberFromText(text);
  return typeof n === 'number' && Number.isFinite(n) ? Number(`${text}e-2`) : n;
}

/** `90`, `90s`, `5m`, `2h`, `1d` -> seconds; anything else is returned as text for the validator to refuse. */
function durationSeconds(raw: string): unknown {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/i.exec(raw.trim());
  if (!m) return numberFromText(raw);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Number(m[1]) * unit;
}

/** TradingView renders `{{time}}`-style values as ISO text, but hand-written alerts send epoch seconds or ms. */
function epochToIso(n: number): unknown {
  const ms = n < 1e11 ? n * 1000 : n;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? n : d.toISOString();
}

/**
 * Translates a TradingView JSON alert body onto the signal model. Keys are matched case-insensitively against the
 * documented aliases; `tp1`..`tp8` add take profits; an unknown key is refused by its own name.
 */
export function translateTradingViewJson(body: unknown): TranslationOutcome {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [fieldError('body', 'invalid_type', 'the alert body must be a JSON object or a one-line text command')] };
  }
  const b = new Builder();
  let passphrase: string | null = null;
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === 'passphrase') {
      if (typeof value === 'string') passphrase = value;
      else b.errors.push(fieldError(key, 'invalid_type', 'passphrase must be a string'));
      continue;
    }
    const tp = TP_N.exec(lower);
    if (tp) {
      b.addTakeProfits(toPriceList(value), key);
      continue;
    }
    const target = KEY_ALIASES[lower];
    if (target === undefined) {
      b.errors.push(fieldError(key, 'unknown_field', `${key} is not a field of a TradingView alert`));
      continue;
    }
    b.apply(target, value, key);
  }
  return b.finish(passphrase);
}

const TOKEN = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)|(\S+)/g;

/**
 * Parses a plain-text TradingView one-liner such as `buy EURUSD sl=1.0820 tp=1.0900`,
 * `sell limit XAUUSD @2350.5 sl=2360 tp=2330,2320`, `close 50% ref=<id>` or `modify ref=<id> sl=1.0850`:
 * a verb (buy, sell, long, short, close, exit, modify, cancel), an optional order type after buy/sell, an optional
 * symbol, `@price` for the entry, `N%` for a partial close, bare `be` for break-even, and `key=value` pairs
 * (values with spaces in double quotes).
 */
export function parseTradingViewText(text: string): TranslationOutcome {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) return { ok: false, errors: [fieldError('body', 'required', 'the alert is empty')] };
  if (lines.length > 1) return { ok: false, errors: [fieldError('body', 'unparsable', 'send one signal per alert: the text has several lines')] };
  const line = lines[0] ?? '';
  if (line.length > 4096) return { ok: false, errors: [fieldError('body', 'too_long', 'the alert text is too long')] };

  const b = new Builder();
  const tokens = [...line.matchAll(TOKEN)];
  const first = tokens[0]?.[3];
  const verb = first === undefined ? undefined : VERBS[first.toLowerCase()];
  if (first === undefined || verb === undefined) {
    const word = first ?? tokens[0]?.[0] ?? '';
    return { ok: false, errors: [fieldError('action', 'unknown_action', `unknown action "${word.slice(0, 40)}": start with buy, sell, close, modify or cancel`)] };
  }
  b.set('action', verb.action, first);
  if (verb.direction !== undefined) b.set('direction', verb.direction, first);

  let position = 1;
  const second = tokens[1]?.[3];
  if (verb.direction !== undefined && second !== undefined && ORDER_TYPE_WORDS[second.toLowerCase()] !== undefined) {
    b.set('orderType', ORDER_TYPE_WORDS[second.toLowerCase()], second);
    position = 2;
  }

  for (const token of tokens.slice(position)) {
    const [whole, key, rawValue, bare] = token;
    if (bare !== undefined) {
      applyBareToken(b, bare, verb.action);
      continue;
    }
    if (key === undefined || rawValue === undefined) {
      b.errors.push(fieldError('body', 'unparsable', `cannot read "${whole.slice(0, 40)}"`));
      continue;
    }
    const value = rawValue.startsWith('"') ? rawValue.slice(1, -1).replace(/\\(.)/g, '$1') : rawValue;
    const lower = key.toLowerCase();
    const tp = TP_N.exec(lower);
    if (tp) {
      b.addTakeProfits(toPriceList(value), key);
      continue;
    }
    const target = lower === 'close' ? undefined : KEY_ALIASES[lower];
    if (target === undefined || target === 'action') {
      b.errors.push(fieldError(key, 'unknown_field', `${key}= is not a known key`));
      continue;
    }
    b.apply(target, value, key);
  }
  return b.finish(null);
}

function applyBareToken(b: Builder, token: string, action: string): void {
  if (token.startsWith('@')) {
    b.apply('entryPrice', token.slice(1), '@price');
    return;
  }
  if (token.endsWith('%') && action === 'close') {
    b.set('fraction', percentToFraction(token), token);
    return;
  }
  const lower = token.toLowerCase();
  if ((lower === 'be' || lower === 'breakeven') && action === 'modify') {
    b.set('breakEven', true, token);
    return;
  }
  if (!('symbol' in b.body) && /^[A-Za-z0-9][A-Za-z0-9._#+:-]{0,40}$/.test(token)) {
    b.apply('symbol', token, 'symbol');
    return;
  }
  b.errors.push(fieldError('body', 'unparsable', `unexpected word "${token.slice(0, 40)}"`));
}

/** Rewrites model field names in errors back to the names the sender used. */
export function renameFields(errors: readonly FieldError[], aliases: ReadonlyMap<string, string>): FieldError[] {
  return errors.map((e) => {
    const m = /^([A-Za-z]+)(.*)$/.exec(e.field);
    const alias = m ? aliases.get(m[1] ?? '') : undefined;
    return alias === undefined || alias === e.field ? e : { ...e, field: `${alias}${m?.[2] ?? ''}` };
  });
}

export const TRADINGVIEW_LIMITS = { maxTextLength: 4096, maxExternalIdLength: SIGNAL_LIMITS.maxExternalIdLength } as const;

import { FieldError, fieldError } from './field-error';
import { decimalPlaces, parseIsoInstant } from './numbers';
import {
  DIRECTIONS,
  Direction,
  ORDER_TYPES,
  OrderType,
  SIGNAL_ACTIONS,
  SignalAction,
  SignalReference,
  ValidatedSignal,
} from './signal';

/** Hard bounds on what a sane signal can contain; anything beyond is a sender bug, never a trade. */
export const SIGNAL_LIMITS = {
  maxPrice: 1e9,
  maxPriceDecimals: 8,
  maxTakeProfits: 8,
  maxSlippagePoints: 100_000,
  maxVolumeHintLots: 10_000,
  maxVolumeDecimals: 3,
  maxRiskPercent: 100,
  maxRiskDecimals: 2,
  maxFractionDecimals: 6,
  maxTtlSeconds: 30 * 24 * 3600,
  maxExpiryAheadMs: 366 * 24 * 3600 * 1000,
  maxExternalIdLength: 128,
  maxCommentLength: 256,
} as const;

/** What validation needs to know besides the body; everything time- or source-dependent comes in here. */
export interface ValidationPolicy {
  /** Arrival time of the request, epoch milliseconds. */
  readonly nowMs: number;
  /** A signal whose `sourceTimestamp` is older than this on arrival is refused as stale. */
  readonly maxSignalAgeMs: number;
  /** A `sourceTimestamp` further in the future than this is refused (the sender's clock is wrong). */
  readonly maxClockSkewMs: number;
  /** Upper-case symbols this source may trade; `*` allows every symbol. */
  readonly allowedSymbols: readonly string[];
  /** Platform-wide instrument list (upper case); null accepts any well-formed symbol. */
  readonly knownSymbols: ReadonlySet<string> | null;
  /** Whether the body must carry `externalId` (the JSON API requires it; TradingView alerts may omit it). */
  readonly requireExternalId: boolean;
}

export type ValidationOutcome =
  | { readonly ok: true; readonly signal: ValidatedSignal }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

const COMMON_FIELDS = ['action', 'externalId', 'sourceTimestamp', 'expiresAt', 'ttlSeconds', 'comment', 'symbol'] as const;
const REF_FIELDS = ['refSignalId', 'refExternalId'] as const;
const FIELDS_BY_ACTION: Record<SignalAction, readonly string[]> = {
  open: [
    ...COMMON_FIELDS,
    'direction',
    'orderType',
    'entryPrice',
    'stopLimitPrice',
    'referencePrice',
    'stopLoss',
    'takeProfits',
    'maxSlippagePoints',
    'volumeHint',
    'riskPercentHint',
  ],
  modify: [...COMMON_FIELDS, ...REF_FIELDS, 'stopLoss', 'takeProfits', 'breakEven', 'trailingDistance'],
  close: [...COMMON_FIELDS, ...REF_FIELDS, 'fraction', 'maxSlippagePoints'],
  cancel: [...COMMON_FIELDS, ...REF_FIELDS],
};

/** Every field name the JSON signal model knows, across all actions. */
export const SIGNAL_FIELDS: ReadonlySet<string> = new Set(Object.values(FIELDS_BY_ACTION).flat());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const SYMBOL = /^[A-Z0-9][A-Z0-9._#+-]{0,31}$/;
const EXTERNAL_ID = /^[\x21-\x7e]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

interface NumberRule {
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max: number;
  readonly decimals: number;
  readonly integer?: boolean;
}

const PRICE: NumberRule = { min: 0, minExclusive: true, max: SIGNAL_LIMITS.maxPrice, decimals: SIGNAL_LIMITS.maxPriceDecimals };

/** Collects errors while reading typed fields out of an untrusted record. */
class FieldReader {
  readonly errors: FieldError[] = [];

  constructor(private readonly body: Readonly<Record<string, unknown>>) {}

  has(field: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.body, field) && this.body[field] !== undefined;
  }

  fail(field: string, code: FieldError['code'], message: string): void {
    this.errors.push(fieldError(field, code, message));
  }

  string(field: string, maxLength: number): string | null {
    if (!this.has(field)) return null;
    const v = this.body[field];
    if (typeof v !== 'string') {
      this.fail(field, 'invalid_type', `${field} must be a string`);
      return null;
    }
    if (v.length > maxLength) {
      this.fail(field, 'too_long', `${field} must be at most ${maxLength} characters`);
      return null;
    }
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | null {
    const v = this.string(field, 64);
    if (v === null) return null;
    const lower = v.toLowerCase();
    const found = allowed.find((a) => a === lower);
    if (found === undefined) {
      this.fail(field, 'invalid_value', `${field} must be one of ${allowed.join(', ')}`);
      return null;
    }
    return found;
  }

  boolean(field: string): boolean | null {
    if (!this.has(field)) return null;
    const v = this.body[field];
    if (typeof v !== 'boolean') {
      this.fail(field, 'invalid_type', `${field} must be true or false`);
      return null;
    }
    return v;
  }

  number(field: string, rule: NumberRule): number | null {
    if (!this.has(field)) return null;
    return this.checkNumber(field, this.body[field], rule);
  }

  checkNumber(field: string, v: unknown, rule: NumberRule): number | null {
    if (typeof v !== 'number') {
      this.fail(field, 'invalid_type', `${field} must be a number`);
      return null;
    }
    if (!Number.isFinite(v)) {
      this.fail(field, 'not_finite', `${field} must be a finite number`);
      return null;
    }
    if (rule.min === 0 && rule.minExclusive && v <= 0) {
      this.fail(field, 'must_be_positive', `${field} must be greater than 0`);
      return null;
    }
    const belowMin = rule.min !== undefined && (rule.minExclusive ? v <= rule.min : v < rule.min);
    if (belowMin || v > rule.max) {
      const low = rule.min === undefined ? '' : `${rule.minExclusive ? '>' : '>='} ${rule.min} and `;
      this.fail(field, 'out_of_range', `${field} must be ${low}<= ${rule.max}`);
      return null;
    }
    if (rule.integer && !Number.isInteger(v)) {
      this.fail(field, 'invalid_type', `${field} must be a whole number`);
      return null;
    }
    if (decimalPlaces(v) > rule.decimals) {
      this.fail(field, 'too_many_decimals', `${field} must have at most ${rule.decimals} decimal places`);
      return null;
    }
    return v;
  }

  prices(field: string): number[] {
    if (!this.has(field)) return [];
    const v = this.body[field];
    if (!Array.isArray(v)) {
      this.fail(field, 'invalid_type', `${field} must be an array of prices`);
      return [];
    }
    if (v.length === 0) {
      this.fail(field, 'invalid_value', `${field} must hold at least one price when present`);
      return [];
    }
    if (v.length > SIGNAL_LIMITS.maxTakeProfits) {
      this.fail(field, 'too_many_items', `${field} may hold at most ${SIGNAL_LIMITS.maxTakeProfits} prices`);
      return [];
    }
    const out: number[] = [];
    v.forEach((item, i) => {
      const p = this.checkNumber(`${field}[${i}]`, item, PRICE);
      if (p !== null) out.push(p);
    });
    return out.length === v.length ? out : [];
  }

  instant(field: string): number | null {
    const v = this.string(field, 64);
    if (v === null) return null;
    const ms = parseIsoInstant(v);
    if (ms === null) this.fail(field, 'invalid_format', `${field} must be an ISO 8601 instant with a zone, e.g. 2026-01-31T14:03:00Z`);
    return ms;
  }
}

/**
 * Validates an untrusted signal body against the signal model and the source's policy, reporting every problem at
 * once with the field it concerns. It never throws, whatever the input.
 *
 * Price sides: a buy needs stop loss < anchor < every take profit, a sell the reverse. The anchor is the price the
 * position will be opened at: the limit price for a stop-limit, the entry price for other pending orders, and for a
 * market order the reference (current market) price if one is given, else the entry hint. With no anchor at all only
 * the order of stop loss against take profits is checked.
 */
export function validateSignal(body: unknown, policy: ValidationPolicy): ValidationOutcome {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [fieldError('body', 'invalid_type', 'the body must be a JSON object')] };
  }
  const r = new FieldReader(body as Record<string, unknown>);
  const keys = Object.keys(body);

  for (const key of keys) {
    if (!SIGNAL_FIELDS.has(key)) r.fail(key, 'unknown_field', `${key} is not a field of a signal`);
  }

  let action: SignalAction | null = null;
  if (!r.has('action')) {
    r.fail('action', 'required', `action is required: one of ${SIGNAL_ACTIONS.join(', ')}`);
  } else {
    const raw = r.string('action', 64);
    if (raw !== null) {
      action = SIGNAL_ACTIONS.find((a) => a === raw.toLowerCase()) ?? null;
      if (action === null) r.fail('action', 'unknown_action', `unknown action "${raw}": use one of ${SIGNAL_ACTIONS.join(', ')}`);
    }
  }
  if (action !== null) {
    const applicable = new Set(FIELDS_BY_ACTION[action]);
    for (const key of keys) {
      if (SIGNAL_FIELDS.has(key) && !applicable.has(key)) r.fail(key, 'not_applicable', `${key} does not apply to a ${action} signal`);
    }
  }

  const common = readCommon(r, policy);
  const symbol = readSymbol(r, policy, action === 'open');

  if (action === null) return { ok: false, errors: r.errors };
  switch (action) {
    case 'open':
      return finish(r, () => readOpen(r, common, symbol));
    case 'modify':
      return finish(r, () => readModify(r, common, symbol));
    case 'close':
      return finish(r, () => readClose(r, common, symbol));
    case 'cancel':
      return finish(r, () => readCancel(r, common, symbol));
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

function finish(r: FieldReader, build: () => ValidatedSignal | null): ValidationOutcome {
  const signal = build();
  if (r.errors.length > 0 || signal === null) return { ok: false, errors: r.errors };
  return { ok: true, signal };
}

interface Common {
  readonly externalId: string | null;
  readonly sourceTimestamp: string | null;
  readonly expiresAt: string | null;
  readonly comment: string | null;
}

function readCommon(r: FieldReader, policy: ValidationPolicy): Common {
  const externalId = r.string('externalId', SIGNAL_LIMITS.maxExternalIdLength);
  if (externalId !== null && !EXTERNAL_ID.test(externalId)) {
    r.fail('externalId', 'invalid_format', 'externalId must be printable ASCII without spaces');
  }
  if (!r.has('externalId') && policy.requireExternalId) {
    r.fail('externalId', 'required', 'externalId (your own id for this signal) is required; it makes retries safe');
  }

  let sourceTimestamp: string | null = null;
  const sourceMs = r.instant('sourceTimestamp');
  if (sourceMs !== null) {
    if (policy.nowMs - sourceMs > policy.maxSignalAgeMs) {
      r.fail('sourceTimestamp', 'stale', `the signal is ${Math.round((policy.nowMs - sourceMs) / 1000)} s old; the limit is ${policy.maxSignalAgeMs / 1000} s`);
    } else if (sourceMs - policy.nowMs > policy.maxClockSkewMs) {
      r.fail('sourceTimestamp', 'in_future', 'sourceTimestamp is in the future; check the sender clock');
    } else {
      sourceTimestamp = new Date(sourceMs).toISOString();
    }
  }

  let expiresAt: string | null = null;
  if (r.has('ttlSeconds') && r.has('expiresAt')) {
    r.fail('expiresAt', 'conflicting_fields', 'give either ttlSeconds or expiresAt, not both');
  } else if (r.has('ttlSeconds')) {
    const ttl = r.number('ttlSeconds', { min: 0, minExclusive: true, max: SIGNAL_LIMITS.maxTtlSeconds, decimals: 0, integer: true });
    if (ttl !== null) expiresAt = new Date(policy.nowMs + ttl * 1000).toISOString();
  } else {
    const expiresMs = r.instant('expiresAt');
    if (expiresMs !== null) {
      if (expiresMs <= policy.nowMs) r.fail('expiresAt', 'in_past', 'expiresAt is already in the past');
      else if (expiresMs - policy.nowMs > SIGNAL_LIMITS.maxExpiryAheadMs) r.fail('expiresAt', 'out_of_range', 'expiresAt is more than a year ahead');
      else expiresAt = new Date(expiresMs).toISOString();
    }
  }

  const comment = r.string('comment', SIGNAL_LIMITS.maxCommentLength);
  if (comment !== null && CONTROL_CHARS.test(comment)) r.fail('comment', 'invalid_format', 'comment must not contain control characters');

  return { externalId, sourceTimestamp, expiresAt, comment };
}

function readSymbol(r: FieldReader, policy: ValidationPolicy, required: boolean): string | null {
  if (!r.has('symbol')) {
    if (required) r.fail('symbol', 'required', 'symbol is required, e.g. EURUSD');
    return null;
  }
  const raw = r.string('symbol', 32);
  if (raw === null) return null;
  const symbol = raw.toUpperCase();
  if (!SYMBOL.test(symbol)) {
    r.fail('symbol', 'invalid_format', 'symbol must be 1-32 letters, digits or . _ # + -');
    return null;
  }
  if (policy.knownSymbols !== null && !policy.knownSymbols.has(symbol)) {
    r.fail('symbol', 'unknown_symbol', `${symbol} is not an instrument the platform knows`);
    return null;
  }
  if (!policy.allowedSymbols.includes('*') && !policy.allowedSymbols.includes(symbol)) {
    r.fail('symbol', 'symbol_not_allowed', `this source may not send signals for ${symbol}`);
    return null;
  }
  return symbol;
}

function readRef(r: FieldReader): SignalReference | null {
  const hasId = r.has('refSignalId');
  const hasExternal = r.has('refExternalId');
  if (hasId && hasExternal) {
    r.fail('refExternalId', 'conflicting_fields', 'give either refSignalId or refExternalId, not both');
    return null;
  }
  if (!hasId && !hasExternal) {
    r.fail('refSignalId', 'required', 'refSignalId (or refExternalId) of the signal to act on is required');
    return null;
  }
  if (hasId) {
    const id = r.string('refSignalId', 64);
    if (id === null) return null;
    if (!UUID.test(id)) {
      r.fail('refSignalId', 'invalid_format', 'refSignalId must be a UUID');
      return null;
    }
    return { kind: 'signalId', value: id.toLowerCase() };
  }
  const ext = r.string('refExternalId', SIGNAL_LIMITS.maxExternalIdLength);
  if (ext === null) return null;
  if (!EXTERNAL_ID.test(ext)) {
    r.fail('refExternalId', 'invalid_format', 'refExternalId must be printable ASCII without spaces');
    return null;
  }
  return { kind: 'externalId', value: ext };
}

const SLIPPAGE: NumberRule = { min: 0, max: SIGNAL_LIMITS.maxSlippagePoints, decimals: 0, integer: true };

function readOpen(r: FieldReader, common: Common, symbol: string | null): ValidatedSignal | null {
  let direction: Direction | null = null;
  if (!r.has('direction')) r.fail('direction', 'required', 'direction is required: buy or sell');
  else direction = r.oneOf('direction', DIRECTIONS);
  const orderType: OrderType | null = r.has('orderType') ? r.oneOf('orderType', ORDER_TYPES) : 'market';

  const entryPrice = r.number('entryPrice', PRICE);
  const stopLimitPrice = r.number('stopLimitPrice', PRICE);
  const referencePrice = r.number('referencePrice', PRICE);
  const stopLoss = r.number('stopLoss', PRICE);
  const takeProfits = r.prices('takeProfits');
  const maxSlippagePoints = r.number('maxSlippagePoints', SLIPPAGE);
  const volumeHint = r.number('volumeHint', { min: 0, minExclusive: true, max: SIGNAL_LIMITS.maxVolumeHintLots, decimals: SIGNAL_LIMITS.maxVolumeDecimals });
  const riskPercentHint = r.number('riskPercentHint', { min: 0, minExclusive: true, max: SIGNAL_LIMITS.maxRiskPercent, decimals: SIGNAL_LIMITS.maxRiskDecimals });

  if (orderType !== null && orderType !== 'market' && !r.has('entryPrice')) {
    r.fail('entryPrice', 'required', `a ${orderType} order needs entryPrice`);
  }
  if (orderType === 'stop_limit' && !r.has('stopLimitPrice')) {
    r.fail('stopLimitPrice', 'required', 'a stop_limit order needs stopLimitPrice (the limit price placed once entryPrice is reached)');
  }
  if (orderType !== null && orderType !== 'stop_limit' && r.has('stopLimitPrice')) {
    r.fail('stopLimitPrice', 'not_applicable', 'stopLimitPrice applies only to stop_limit orders');
  }
  if (direction === null || orderType === null) return null;

  if (orderType === 'stop_limit' && entryPrice !== null && stopLimitPrice !== null) {
    if (direction === 'buy' ? stopLimitPrice > entryPrice : stopLimitPrice < entryPrice) {
      r.fail('stopLimitPrice', 'entry_inconsistent', `for a ${direction} stop_limit the limit price must be ${direction === 'buy' ? 'at or below' : 'at or above'} entryPrice`);
    }
  }
  if (orderType !== 'market' && entryPrice !== null && referencePrice !== null) {
    const mustBeAbove = (orderType === 'limit') === (direction === 'sell');
    if (mustBeAbove ? entryPrice <= referencePrice : entryPrice >= referencePrice) {
      r.fail('entryPrice', 'entry_inconsistent', `a ${direction} ${orderType} needs entryPrice ${mustBeAbove ? 'above' : 'below'} the referencePrice ${referencePrice}`);
    }
  }

  const anchor = orderType === 'stop_limit' ? stopLimitPrice : orderType === 'market' ? (referencePrice ?? entryPrice) : entryPrice;
  checkSides(r, direction, anchor, stopLoss, takeProfits);

  return {
    action: 'open',
    ...common,
    symbol: symbol ?? '',
    direction,
    orderType,
    entryPrice,
    stopLimitPrice,
    referencePrice,
    stopLoss,
    takeProfits,
    maxSlippagePoints,
    volumeHint,
    riskPercentHint,
  };
}

/** Reports a stop loss or take profit that lies on the wrong side of the anchor price (or of each other). */
export function checkSides(
  r: { fail(field: string, code: FieldError['code'], message: string): void },
  direction: Direction,
  anchor: number | null,
  stopLoss: number | null,
  takeProfits: readonly number[],
): void {
  const buy = direction === 'buy';
  if (anchor !== null) {
    if (stopLoss !== null && (buy ? stopLoss >= anchor : stopLoss <= anchor)) {
      r.fail('stopLoss', 'wrong_side', `a ${direction} needs stopLoss ${buy ? 'below' : 'above'} ${anchor}`);
    }
    takeProfits.forEach((tp, i) => {
      if (buy ? tp <= anchor : tp >= anchor) {
        r.fail(`takeProfits[${i}]`, 'wrong_side', `a ${direction} needs every take profit ${buy ? 'above' : 'below'} ${anchor}`);
      }
    });
    return;
  }
  if (stopLoss === null) return;
  takeProfits.forEach((tp, i) => {
    if (buy ? tp <= stopLoss : tp >= stopLoss) {
      r.fail(`takeProfits[${i}]`, 'wrong_side', `a ${direction} needs every take profit ${buy ? 'above' : 'below'} the stop loss ${stopLoss}`);
    }
  });
}

function readModify(r: FieldReader, common: Common, symbol: string | null): ValidatedSignal | null {
  const ref = readRef(r);
  const stopLoss = r.number('stopLoss', PRICE);
  const takeProfits = r.prices('takeProfits');
  const breakEven = r.boolean('breakEven') ?? false;
  const trailingDistance = r.number('trailingDistance', PRICE);
  if (breakEven && r.has('stopLoss')) r.fail('breakEven', 'conflicting_fields', 'give either a new stopLoss or breakEven, not both');
  if (!r.has('stopLoss') && !r.has('takeProfits') && !breakEven && !r.has('trailingDistance')) {
    r.fail('body', 'empty_modification', 'a modify signal needs stopLoss, takeProfits, breakEven or trailingDistance');
  }
  if (ref === null) return null;
  return { action: 'modify', ...common, ref, symbol, stopLoss, takeProfits, breakEven, trailingDistance };
}

function readClose(r: FieldReader, common: Common, symbol: string | null): ValidatedSignal | null {
  const ref = readRef(r);
  const fraction = r.has('fraction') ? r.number('fraction', { min: 0, minExclusive: true, max: 1, decimals: SIGNAL_LIMITS.maxFractionDecimals }) : 1;
  const maxSlippagePoints = r.number('maxSlippagePoints', SLIPPAGE);
  if (ref === null || fraction === null) return null;
  return { action: 'close', ...common, ref, symbol, fraction, maxSlippagePoints };
}

function readCancel(r: FieldReader, common: Common, symbol: string | null): ValidatedSignal | null {
  const ref = readRef(r);
  if (ref === null) return null;
  return { action: 'cancel', ...common, ref, symbol };
}

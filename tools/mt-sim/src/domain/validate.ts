import {
  ACTION_TYPES,
  ActionType,
  EXPIRATION_TYPES,
  ExpirationType,
  FILLING_MODES,
  FillingMode,
  PRICE_UNITS,
  PriceUnits,
  PriceValue,
  STOP_PRICE_BASES,
  StopPriceBase,
  TradeRequest,
} from './types';

/** One problem with one input field, as reported in a ValidationError's details. */
export interface FieldError {
  parameter: string;
  value?: unknown;
  message: string;
}

/** Either a value or every problem found with the input. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The longest comment + clientId MetaApi is documented to accept by every source in the notes. */
export const MAX_TAG_LENGTH = 26;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects field problems while reading an untrusted JSON object. */
export class FieldReader {
  readonly errors: FieldError[] = [];
  constructor(private readonly body: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  fail(parameter: string, value: unknown, message: string): void {
    this.errors.push({ parameter, value, message });
  }

  string(name: string, opts: { required?: boolean; maxLength?: number; pattern?: RegExp } = {}): string | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) {
      if (opts.required) this.fail(name, v, `${name} is required`);
      return undefined;
    }
    if (typeof v !== 'string' || v.length === 0) {
      this.fail(name, v, `${name} must be a non-empty string`);
      return undefined;
    }
    if (opts.maxLength !== undefined && v.length > opts.maxLength) {
      this.fail(name, v, `${name} must be at most ${opts.maxLength} characters`);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      this.fail(name, v, `${name} has an invalid format`);
      return undefined;
    }
    return v;
  }

  number(name: string, opts: { required?: boolean; min?: number; positive?: boolean; integer?: boolean; max?: number } = {}): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) {
      if (opts.required) this.fail(name, v, `${name} is required`);
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(name, v, `${name} must be a finite number`);
      return undefined;
    }
    if (opts.positive && !(v > 0)) return this.failed(name, v, `${name} must be greater than 0`);
    if (opts.min !== undefined && v < opts.min) return this.failed(name, v, `${name} must be at least ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) return this.failed(name, v, `${name} must be at most ${opts.max}`);
    if (opts.integer && !Number.isInteger(v)) return this.failed(name, v, `${name} must be an integer`);
    return v;
  }

  boolean(name: string): boolean | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return this.failed(name, v, `${name} must be a boolean`);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], opts: { required?: boolean } = {}): T | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) {
      if (opts.required) this.fail(name, v, `${name} is required`);
      return undefined;
    }
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      return this.failed(name, v, `${name} must be one of ${allowed.join(', ')}`);
    }
    return v as T;
  }

  raw(name: string): unknown {
    return this.body[name];
  }

  private failed(name: string, value: unknown, message: string): undefined {
    this.fail(name, value, message);
    return undefined;
  }
}

/** Parses an ISO-8601 date-time into epoch milliseconds. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

function priceField(r: FieldReader, name: string, unitsName: string): PriceValue | undefined {
  const raw = r.raw(name);
  if (raw === undefined || raw === null) return undefined;
  const defaultUnits = r.oneOf<PriceUnits>(unitsName, PRICE_UNITS) ?? 'ABSOLUTE_PRICE';
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return void r.fail(name, raw, `${name} must be a finite number`);
    if (defaultUnits === 'ABSOLUTE_PRICE' && raw < 0) return void r.fail(name, raw, `${name} must be at least 0`);
    return { value: raw, units: defaultUnits };
  }
  if (isObject(raw)) {
    const value = raw.value;
    const units = raw.units ?? defaultUnits;
    if (typeof value !== 'number' || !Number.isFinite(value)) return void r.fail(`${name}.value`, value, `${name}.value must be a finite number`);
    if (typeof units !== 'string' || !(PRICE_UNITS as readonly string[]).includes(units)) {
      return void r.fail(`${name}.units`, units, `${name}.units must be one of ${PRICE_UNITS.join(', ')}`);
    }
    if (units === 'ABSOLUTE_PRICE' && value < 0) return void r.fail(`${name}.value`, value, `${name}.value must be at least 0`);
    return { value, units: units as PriceUnits };
  }
  r.fail(name, raw, `${name} must be a number or {value, units}`);
  return undefined;
}

/**
 * Validates a MetatraderTrade body: types, enums, and the fields each action requires (notes §3). Broker rules
 * (volume steps, stops levels, ...) are not checked here; they are trade results, not validation errors.
 */
export function validateTrade(body: unknown): Validated<TradeRequest> {
  if (!isObject(body)) return { ok: false, errors: [{ parameter: 'body', value: body, message: 'body must be a JSON object' }] };
  const r = new FieldReader(body);
  const actionType = r.oneOf<ActionType>('actionType', ACTION_TYPES, { required: true });
  const req: Partial<TradeRequest> = {};
  const symbol = r.string('symbol', { maxLength: 64 });
  const volume = r.number('volume', { positive: true });
  const openPrice = priceField(r, 'openPrice', 'openPriceUnits');
  const stopLimitPrice = r.number('stopLimitPrice', { positive: true });
  const stopLoss = priceField(r, 'stopLoss', 'stopLossUnits');
  const takeProfit = priceField(r, 'takeProfit', 'takeProfitUnits');
  const stopPriceBase = r.oneOf<StopPriceBase>('stopPriceBase', STOP_PRICE_BASES);
  const orderId = r.string('orderId', { pattern: /^\d+$/ });
  const positionId = r.string('positionId', { pattern: /^\d+$/ });
  const closeByPositionId = r.string('closeByPositionId', { pattern: /^\d+$/ });
  const comment = r.string('comment');
  const clientId = r.string('clientId');
  const magic = r.number('magic', { min: 0, integer: true });
  const slippage = r.number('slippage', { min: 0 });
  let fillingModes: FillingMode[] | undefined;
  const rawFilling = r.raw('fillingModes');
  if (rawFilling !== undefined && rawFilling !== null) {
    if (!Array.isArray(rawFilling) || rawFilling.some((m) => !(FILLING_MODES as readonly unknown[]).includes(m))) {
      r.fail('fillingModes', rawFilling, `fillingModes must be an array of ${FILLING_MODES.join(', ')}`);
    } else fillingModes = rawFilling as FillingMode[];
  }
  let expiration: TradeRequest['expiration'];
  const rawExp = r.raw('expiration');
  if (rawExp !== undefined && rawExp !== null) {
    if (!isObject(rawExp) || !(EXPIRATION_TYPES as readonly unknown[]).includes(rawExp.type)) {
      r.fail('expiration.type', isObject(rawExp) ? rawExp.type : rawExp, `expiration.type must be one of ${EXPIRATION_TYPES.join(', ')}`);
    } else {
      const type = rawExp.type as ExpirationType;
      const needsTime = type === 'ORDER_TIME_SPECIFIED' || type === 'ORDER_TIME_SPECIFIED_DAY';
      const time = rawExp.time === undefined || rawExp.time === null ? undefined : parseTime(rawExp.time);
      if (rawExp.time !== undefined && rawExp.time !== null && time === undefined) r.fail('expiration.time', rawExp.time, 'expiration.time must be an ISO-8601 date-time');
      else if (needsTime && time === undefined) r.fail('expiration.time', rawExp.time, `expiration.time is required for ${type}`);
      else expiration = time === undefined ? { type } : { type, time };
    }
  }
  let trailingStopLoss: TradeRequest['trailingStopLoss'];
  const rawTrailing = r.raw('trailingStopLoss');
  if (rawTrailing !== undefined && rawTrailing !== null) {
    const d = isObject(rawTrailing) && isObject(rawTrailing.distance) ? rawTrailing.distance : undefined;
    const units = d?.units ?? 'RELATIVE_PRICE';
    if (!isObject(rawTrailing)) r.fail('trailingStopLoss', rawTrailing, 'trailingStopLoss must be an object');
    else if (d === undefined) {
      // Threshold-based trailing is accepted and not simulated.
    } else if (typeof d.distance !== 'number' || !(d.distance > 0)) r.fail('trailingStopLoss.distance.distance', d.distance, 'trailing distance must be a positive number');
    else if (units !== 'RELATIVE_PRICE' && units !== 'RELATIVE_POINTS' && units !== 'RELATIVE_PIPS') {
      r.fail('trailingStopLoss.distance.units', units, 'trailing distance units must be RELATIVE_PRICE, RELATIVE_POINTS or RELATIVE_PIPS');
    } else trailingStopLoss = { distance: d.distance, units };
  }
  if ((comment?.length ?? 0) + (clientId?.length ?? 0) > MAX_TAG_LENGTH) {
    r.fail(clientId ? 'clientId' : 'comment', clientId ?? comment, `comment and clientId together must be at most ${MAX_TAG_LENGTH} characters`);
  }

  if (actionType) {
    const need = (name: string, present: boolean): void => {
      if (!present && !r.errors.some((e) => e.parameter === name)) r.fail(name, undefined, `${name} is required for ${actionType}`);
    };
    if (actionType.startsWith('ORDER_TYPE_')) {
      need('symbol', symbol !== undefined);
      need('volume', volume !== undefined);
      if (actionType !== 'ORDER_TYPE_BUY' && actionType !== 'ORDER_TYPE_SELL') need('openPrice', openPrice !== undefined);
      if (actionType.endsWith('STOP_LIMIT')) need('stopLimitPrice', stopLimitPrice !== undefined);
    }
    if (actionType.startsWith('POSITION_')) need('positionId', positionId !== undefined);
    if (actionType === 'POSITION_PARTIAL') need('volume', volume !== undefined);
    if (actionType === 'POSITION_CLOSE_BY') need('closeByPositionId', closeByPositionId !== undefined);
    if (actionType === 'POSITIONS_CLOSE_SYMBOL') need('symbol', symbol !== undefined);
    if (actionType === 'ORDER_MODIFY' || actionType === 'ORDER_CANCEL') need('orderId', orderId !== undefined);
    if (actionType === 'ORDER_MODIFY') need('openPrice', openPrice !== undefined);
  }
  if (r.errors.length > 0 || !actionType) return { ok: false, errors: r.errors };
  req.actionType = actionType;
  const assign = <K extends keyof TradeRequest>(k: K, v: TradeRequest[K] | undefined): void => {
    if (v !== undefined) req[k] = v;
  };
  assign('symbol', symbol);
  assign('volume', volume);
  assign('openPrice', openPrice);
  assign('stopLimitPrice', stopLimitPrice);
  assign('stopLoss', stopLoss);
  assign('takeProfit', takeProfit);
  assign('stopPriceBase', stopPriceBase);
  assign('orderId', orderId);
  assign('positionId', positionId);
  assign('closeByPositionId', closeByPositionId);
  assign('comment', comment);
  assign('clientId', clientId);
  assign('magic', magic);
  assign('slippage', slippage);
  assign('fillingModes', fillingModes);
  assign('expiration', expiration);
  assign('trailingStopLoss', trailingStopLoss);
  return { ok: true, value: req as TradeRequest };
}

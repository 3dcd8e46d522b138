import { normal, Rng } from './random';
import { ACTION_TYPES, ActionType } from './types';
import { FieldError, FieldReader, Validated } from './validate';

export const FAULT_KINDS = [
  'latency',
  'requote',
  'price-changed',
  'off-quotes',
  'server-busy',
  'too-many-requests',
  'no-connection',
  'trade-timeout',
  'disconnected-before-trade',
  'disconnected-during-trade',
  'retcode',
  'partial-fill',
  'rate-limit',
  'invalid-token',
  'internal-error',
  'disconnect',
  'response-lost',
  'response-delayed',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_PATHS = ['trade', 'account-information', 'positions', 'orders', 'history-orders', 'history-deals', 'symbols', 'server-time'] as const;
export type FaultPath = (typeof FAULT_PATHS)[number];
/** `*` in a fault's paths matches every path (a terminal that is down). */
const PATH_FILTERS = [...FAULT_PATHS, '*'] as const;

/** A fault to inject into an account's requests (README "Faults"). */
export interface FaultSpec {
  kind: FaultKind;
  ms?: number;
  minMs?: number;
  maxMs?: number;
  p50Ms?: number;
  p99Ms?: number;
  execute?: boolean;
  numericCode?: number;
  fraction?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  times?: number;
  probability?: number;
  paths?: (FaultPath | '*')[];
  actionTypes?: ActionType[];
}

/** An installed fault with its bookkeeping. */
export interface ActiveFault extends FaultSpec {
  faultId: string;
  remaining?: number;
  hits: number;
}

/** Faults that only make sense for trade requests (they answer with a trade code). */
const TRADE_ONLY: ReadonlySet<FaultKind> = new Set([
  'requote',
  'price-changed',
  'off-quotes',
  'server-busy',
  'too-many-requests',
  'no-connection',
  'trade-timeout',
  'disconnected-before-trade',
  'disconnected-during-trade',
  'retcode',
  'partial-fill',
]);

/** Whether a fault executes the trade by default before answering. */
export function executesByDefault(kind: FaultKind): boolean {
  return kind === 'trade-timeout' || kind === 'disconnected-during-trade' || kind === 'response-lost' || kind === 'response-delayed' || kind === 'partial-fill';
}

/** Validates an admin fault body. */
export function validateFault(body: unknown): Validated<FaultSpec> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ parameter: 'body', value: body, message: 'body must be a JSON object' }] };
  }
  const r = new FieldReader(body as Record<string, unknown>);
  const kind = r.oneOf<FaultKind>('kind', FAULT_KINDS, { required: true });
  const spec: FaultSpec = { kind: kind ?? 'latency' };
  const num = (name: keyof FaultSpec, opts: Parameters<FieldReader['number']>[1] = { min: 0 }): void => {
    const v = r.number(name, opts);
    if (v !== undefined) (spec as unknown as Record<string, unknown>)[name] = v;
  };
  num('ms');
  num('minMs');
  num('maxMs');
  num('p50Ms', { positive: true });
  num('p99Ms', { positive: true });
  num('numericCode', { integer: true, min: -1000 });
  num('fraction', { positive: true, max: 1 });
  num('retryAfterSeconds', { min: 0 });
  num('delayMs');
  num('times', { integer: true, positive: true });
  num('probability', { min: 0, max: 1 });
  const execute = r.boolean('execute');
  if (execute !== undefined) spec.execute = execute;
  const errors: FieldError[] = r.errors;
  for (const [name, allowed] of [
    ['paths', PATH_FILTERS],
    ['actionTypes', ACTION_TYPES],
  ] as const) {
    const raw = r.raw(name);
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw) || raw.length === 0 || raw.some((x) => !(allowed as readonly unknown[]).includes(x))) {
      errors.push({ parameter: name, value: raw, message: `${name} must be a non-empty array of ${allowed.join(', ')}` });
    } else (spec as unknown as Record<string, unknown>)[name] = raw;
  }
  if (kind === 'latency' && spec.ms === undefined && (spec.minMs === undefined || spec.maxMs === undefined) && (spec.p50Ms === undefined || spec.p99Ms === undefined)) {
    errors.push({ parameter: 'ms', value: undefined, message: 'latency needs ms, or minMs and maxMs, or p50Ms and p99Ms' });
  }
  if (spec.minMs !== undefined && spec.maxMs !== undefined && spec.maxMs < spec.minMs) errors.push({ parameter: 'maxMs', value: spec.maxMs, message: 'maxMs must be at least minMs' });
  if (spec.p50Ms !== undefined && spec.p99Ms !== undefined && spec.p99Ms < spec.p50Ms) errors.push({ parameter: 'p99Ms', value: spec.p99Ms, message: 'p99Ms must be at least p50Ms' });
  if (kind === 'retcode' && spec.numericCode === undefined) errors.push({ parameter: 'numericCode', value: undefined, message: 'numericCode is required for retcode' });
  if (kind === 'response-delayed' && spec.delayMs === undefined) errors.push({ parameter: 'delayMs', value: undefined, message: 'delayMs is required for response-delayed' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: spec };
}

/** The faults that apply to one request: the summed latency and at most one other fault. */
export interface FaultDecision {
  latencyMs: number;
  fault?: ActiveFault;
}

/** The installed faults of one account, consulted for every request in creation order. */
export class FaultSet {
  private faults: ActiveFault[] = [];

  constructor(private readonly newId: () => string) {}

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, faultId: this.newId(), hits: 0 };
    if (spec.times !== undefined) fault.remaining = spec.times;
    this.faults.push(fault);
    return fault;
  }

  remove(faultId: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.faultId !== faultId);
    return this.faults.length < before;
  }

  clear(): number {
    const n = this.faults.length;
    this.faults = [];
    return n;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  get size(): number {
    return this.faults.length;
  }

  /** Decides which faults hit a request, consuming `times` budgets and drawing probabilities from `rng`. */
  select(path: FaultPath, actionType: ActionType | undefined, rng: Rng): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    if (this.faults.length === 0) return decision;
    for (const f of this.faults) {
      const paths = f.paths ?? (f.kind === 'latency' ? undefined : ['trade']);
      if (paths && !paths.includes(path) && !paths.includes('*')) continue;
      if (path !== 'trade' && TRADE_ONLY.has(f.kind)) continue;
      if (f.actionTypes && (actionType === undefined || !f.actionTypes.includes(actionType))) continue;
      if (f.kind !== 'latency' && decision.fault) continue;
      if (f.remaining !== undefined && f.remaining <= 0) continue;
      if (f.probability !== undefined && !(rng() < f.probability)) continue;
      if (f.remaining !== undefined) f.remaining -= 1;
      f.hits += 1;
      if (f.kind === 'latency') decision.latencyMs += sampleLatency(f, rng);
      else decision.fault = f;
    }
    this.faults = this.faults.filter((f) => f.remaining === undefined || f.remaining > 0);
    return decision;
  }
}

/** Draws one latency: fixed, uniform in [minMs, maxMs], or log-normal through p50 and p99. */
export function sampleLatency(f: FaultSpec, rng: Rng): number {
  if (f.ms !== undefined) return f.ms;
  if (f.minMs !== undefined && f.maxMs !== undefined) return f.minMs + rng() * (f.maxMs - f.minMs);
  if (f.p50Ms !== undefined && f.p99Ms !== undefined) {
    const mu = Math.log(f.p50Ms);
    const sigma = (Math.log(f.p99Ms) - mu) / 2.3263;
    return Math.exp(mu + sigma * normal(rng));
  }
  return 0;
}

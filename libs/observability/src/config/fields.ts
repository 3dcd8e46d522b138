import { z } from 'zod';

/**
 * Builders for environment variables. Each takes the raw string (unset and empty both count as unset) and
 * yields a typed value, with a default where one is given. Problems are reported in words an operator can act
 * on; {@link defineConfig} adds the variable name and, unless the field is a secret, the offending value.
 */

/** A field read from one environment variable: raw string (or unset) in, `T` out. */
export type EnvField<T> = z.ZodType<T, z.ZodTypeDef, string | undefined>;

/** Options every field takes. */
export interface FieldOptions<T> {
  /** Used when the variable is unset. */
  readonly default?: T;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (problem: string): Parsed<never> => ({ ok: false, problem });

const secretFields = new WeakSet<z.ZodTypeAny>();

/** Tells whether a field was built by {@link secret}, even if wrapped since (its value must never be echoed). */
export function isSecretField(schema: z.ZodTypeAny): boolean {
  for (let s: z.ZodTypeAny | undefined = schema, depth = 0; s && depth < 10; depth++) {
    if (secretFields.has(s)) return true;
    const def = s._def as { innerType?: z.ZodTypeAny; schema?: z.ZodTypeAny; in?: z.ZodTypeAny };
    s = def.innerType ?? def.schema ?? def.in;
  }
  return false;
}

function field<T>(parse: (raw: string) => Parsed<T>, options: { default?: T; optional?: boolean }): EnvField<any> {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') {
        if (options.default !== undefined) return options.default;
        if (options.optional) return undefined;
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'required but not set' });
        return z.NEVER;
      }
      const parsed = parse(raw.trim());
      if (!parsed.ok) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.problem });
        return z.NEVER;
      }
      return parsed.value;
    });
}

/** A required (or defaulted) field of type T, or an optional one when `optional: true`. */
type FieldOf<T, O> = O extends { optional: true } ? EnvField<T | undefined> : EnvField<T>;
type Opts<T> = FieldOptions<T> & { readonly optional?: boolean };

/** Any non-empty string. */
export function str<O extends Opts<string>>(options?: O): FieldOf<string, O> {
  return field((raw) => ok(raw), options ?? {});
}

/** An integer, optionally bounded. */
export function int<O extends Opts<number> & { readonly min?: number; readonly max?: number }>(options?: O): FieldOf<number, O> {
  const min = options?.min ?? Number.MIN_SAFE_INTEGER;
  const max = options?.max ?? Number.MAX_SAFE_INTEGER;
  return field((raw) => {
    if (!/^-?\d+$/.test(raw)) return fail('expected an integer');
    const n = Number(raw);
    return n < min || n > max ? fail(`expected an integer from ${min} to ${max}`) : ok(n);
  }, options ?? {});
}

/** A TCP port, 1 to 65535 (0 when `allowEphemeral`, to let the OS choose). */
export function port<O extends Opts<number> & { readonly allowEphemeral?: boolean }>(options?: O): FieldOf<number, O> {
  const min = options?.allowEphemeral ? 0 : 1;
  return field((raw) => {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    return n >= min && n <= 65535 ? ok(n) : fail(`expected a port number from ${min} to 65535`);
  }, options ?? {});
}

/** An absolute URL, optionally restricted to some protocols (given without the colon, e.g. 'postgres'). */
export function url<O extends Opts<string> & { readonly protocols?: readonly string[] }>(options?: O): FieldOf<string, O> {
  return field((raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail('expected an absolute URL');
    }
    const protocol = parsed.protocol.replace(/:$/, '');
    if (options?.protocols && !options.protocols.includes(protocol)) {
      return fail(`expected a ${options.protocols.join(' or ')} URL, got a ${protocol} URL`);
    }
    return ok(raw);
  }, options ?? {});
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "250ms", "2s", "1.5m", "1h" into milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * DURATION_UNITS_MS[match[2]!]!);
}

/** A duration with a unit ("500ms", "2s", "5m", "1h"), yielded in milliseconds. A bare number is refused. */
export function duration<O extends Opts<number> & { readonly min?: string; readonly max?: string }>(options?: O): FieldOf<number, O> {
  const min = options?.min === undefined ? 0 : requireDuration(options.min);
  const max = options?.max === undefined ? Infinity : requireDuration(options.max);
  return field((raw) => {
    const ms = parseDurationMs(raw);
    if (ms === undefined) return fail('expected a duration with a unit, e.g. 500ms, 2s, 5m or 1h');
    if (ms < min || ms > max) return fail(`expected a duration from ${options?.min ?? '0ms'} to ${options?.max ?? 'unbounded'}`);
    return ok(ms);
  }, options ?? {});
}

function requireDuration(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new Error(`invalid duration bound "${text}"`);
  return ms;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** A boolean: true/false, 1/0, yes/no, on/off (any case). */
export function bool<O extends Opts<boolean>>(options?: O): FieldOf<boolean, O> {
  return field((raw) => {
    const v = raw.toLowerCase();
    if (TRUE.has(v)) return ok(true);
    if (FALSE.has(v)) return ok(false);
    return fail('expected true or false (also 1/0, yes/no, on/off)');
  }, options ?? {});
}

/**
 * A comma-separated list, items trimmed, empty items dropped, at least one item. Each item can be checked
 * with `item`, which returns a problem text or undefined.
 */
export function list<O extends Opts<string[]> & { readonly item?: (value: string) => string | undefined }>(options?: O): FieldOf<string[], O> {
  return field((raw) => {
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (items.length === 0) return fail('expected a comma-separated list with at least one item');
    for (const [i, value] of items.entries()) {
      const problem = options?.item?.(value);
      if (problem) return fail(`item ${i + 1} ("${value}"): ${problem}`);
    }
    return ok(items);
  }, options ?? {});
}

/** One of a fixed set of values. */
export function oneOf<const V extends string, O extends Opts<V>>(values: readonly V[], options?: O): FieldOf<V, O> {
  return field((raw) => ((values as readonly string[]).includes(raw) ? ok(raw as V) : fail(`expected one of ${values.join(', ')}`)), options ?? {});
}

/**
 * A secret (token, password, key). Its value is never echoed in configuration errors; keep it out of logs
 * by giving its config key a name the log redaction knows (…TOKEN, …PASSWORD, …SECRET, …API_KEY).
 */
export function secret<O extends Opts<string> & { readonly minLength?: number }>(options?: O): FieldOf<string, O> {
  const minLength = options?.minLength ?? 1;
  const schema = field(
    (raw) => (raw.length >= minLength ? ok(raw) : fail(`expected at least ${minLength} characters`)),
    options ?? {},
  );
  secretFields.add(schema);
  return schema;
}

/** A host:port pair such as a Kafka broker address; use with {@link list} as `item`. */
export function checkHostPort(value: string): string | undefined {
  const match = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d+)$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) return 'expected host:port';
  return undefined;
}

import { z } from 'zod';
import { isSecretField } from './fields';

/** One problem with one environment variable. */
export interface ConfigViolation {
  readonly variable: string;
  readonly problem: string;
}

/** Every configuration problem found at boot, listed together so one restart fixes them all. */
export class ConfigError extends Error {
  constructor(readonly violations: readonly ConfigViolation[]) {
    super(
      `invalid configuration (${violations.length} problem${violations.length === 1 ? '' : 's'}):\n` +
        violations.map((v) => `  ${v.variable}: ${v.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** A deeply read-only view of T. */
export type DeepReadonly<T> = T extends (...args: any[]) => any
  ? T
  : T extends readonly (infer I)[]
    ? readonly DeepReadonly<I>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** A configuration schema: a zod object keyed by environment variable names, optionally transformed. */
export type ConfigSchema = z.ZodObject<z.ZodRawShape> | z.ZodEffects<z.ZodObject<z.ZodRawShape>, any, any>;

const MAX_ECHO = 80;

/**
 * Reads the service's configuration from the environment: validates every variable the schema names,
 * reports every violation at once in a {@link ConfigError} (variable name, what was wrong, the value unless
 * the field is a secret), and returns the typed result deeply frozen.
 *
 * The schema's keys are environment variable names; build fields with the helpers (`port`, `url`,
 * `duration`, `bool`, `list`, `secret`, ...) and reshape with `.transform()` if the service wants nested
 * settings. Empty variables count as unset.
 */
export function defineConfig<S extends ConfigSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): DeepReadonly<z.output<S>> {
  const shape = objectOf(schema).shape;
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(shape)) {
    const value = env[name];
    input[name] = value === undefined || value.trim() === '' ? undefined : value;
  }

  const result = schema.safeParse(input);
  if (!result.success) {
    const violations = result.error.issues.map((issue): ConfigViolation => {
      const variable = String(issue.path[0] ?? '(configuration)');
      const fieldSchema = shape[variable];
      const raw = input[variable];
      const problem = describeIssue(issue, raw);
      const secret = fieldSchema !== undefined && isSecretField(fieldSchema);
      const echo = raw !== undefined && !secret && issue.path.length > 0 ? `, got ${JSON.stringify(truncate(raw))}` : '';
      return { variable, problem: `${problem}${echo}` };
    });
    throw new ConfigError(violations);
  }
  return deepFreeze(result.data) as DeepReadonly<z.output<S>>;
}

function objectOf(schema: ConfigSchema): z.ZodObject<z.ZodRawShape> {
  return schema instanceof z.ZodEffects ? schema.innerType() : schema;
}

function describeIssue(issue: z.ZodIssue, raw: string | undefined): string {
  if (raw === undefined && issue.code === z.ZodIssueCode.invalid_type) return 'required but not set';
  if (issue.code === z.ZodIssueCode.invalid_enum_value) return `expected one of ${issue.options.join(', ')}`;
  return issue.message;
}

function truncate(value: string): string {
  return value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

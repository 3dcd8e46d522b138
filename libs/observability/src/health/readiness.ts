import { redactText } from '../logging/redact';

/** A readiness probe: resolves when the dependency is usable, rejects (or times out) when it is not. */
export type ReadinessCheck = () => Promise<unknown>;

/** Settings of one registered check. */
export interface ReadinessCheckOptions {
  /** How long the check may take before it counts as down; default 2000 ms. */
  readonly timeoutMs?: number;
}

/** One check's outcome, as served on /readyz. */
export interface CheckResult {
  readonly status: 'up' | 'down';
  readonly durationMs: number;
  /** Why it is down; secrets in the text are scrubbed. */
  readonly error?: string;
}

/** The aggregate served on /readyz: ready only when every check is up. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/**
 * The set of dependency checks behind /readyz (database, Kafka, registry, ...). Checks run concurrently,
 * each bounded by its timeout, so one hung dependency neither blocks the others nor the probe.
 */
export class ReadinessChecks {
  readonly #checks = new Map<string, { check: ReadinessCheck; timeoutMs: number }>();

  /** Adds a check under a unique name. */
  register(name: string, check: ReadinessCheck, options: ReadinessCheckOptions = {}): this {
    if (this.#checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.#checks.set(name, { check, timeoutMs: options.timeoutMs ?? 2000 });
    return this;
  }

  /** Runs every check and aggregates; with no checks registered the service is ready. */
  async evaluate(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, { check, timeoutMs }]) => [name, await runCheck(check, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, result]) => result.status === 'up');
    return { status: ready ? 'ready' : 'not_ready', checks };
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(check), timeout]);
    return { status: 'up', durationMs: elapsed(started) };
  } catch (err) {
    return { status: 'down', durationMs: elapsed(started), error: redactText(describe(err)) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(describe).join('; ');
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

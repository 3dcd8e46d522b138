import { ConfigError } from '../config/define-config';
import type { Telemetry } from '../telemetry/telemetry';

/** Exit status for a configuration the service refuses (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

/** What runService needs of a started service. */
export interface StartedService {
  /** Stops the service gracefully (drain, commit, disconnect); called once on SIGTERM/SIGINT. */
  close(): Promise<void>;
  /** Where the service answers, written on the "ready" line when present. */
  readonly url?: string;
}

/** How a service boots: its name, how it reads its configuration and how it starts. */
export interface RunServiceOptions<C, S extends StartedService> {
  /** Short service name (`signal`, `risk`, ...), written on every lifecycle line. */
  readonly name: string;
  readonly telemetry: Telemetry;
  /** Reads and validates the configuration; a ConfigError ends the process with EXIT_CONFIG. */
  readonly loadConfig: () => C;
  readonly start: (config: C) => Promise<S>;
  /**
   * Stop through `close()` on SIGTERM/SIGINT, then flush telemetry and exit (default true). Off for a service whose
   * Nest app registers its own shutdown hooks.
   */
  readonly handleSignals?: boolean;
  /** Seams for tests; the real process by default. */
  readonly exit?: (code: number) => void;
  readonly signals?: { once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown };
  readonly write?: (stream: 'stdout' | 'stderr', line: string) => void;
}

/**
 * Boots a service the same way everywhere: reads its configuration (every violation reported, exit 78), starts it
 * (a failure is reported, telemetry flushed, exit 1), reports it ready, and stops it gracefully on SIGTERM/SIGINT.
 * Resolves to the running service, or to undefined when the process is exiting.
 */
export async function runService<C, S extends StartedService>(options: RunServiceOptions<C, S>): Promise<S | undefined> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const write = options.write ?? ((stream, line) => process[stream].write(line));
  const say = (stream: 'stdout' | 'stderr', level: string, msg: string, fields: Record<string, unknown> = {}) =>
    write(stream, `${JSON.stringify({ level, service: options.name, msg, ...fields })}\n`);
  const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

  let config: C;
  try {
    config = options.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) write('stderr', `${error.message}\n`);
    else say('stderr', 'fatal', `${options.name} service configuration could not be read`, { error: message(error) });
    await options.telemetry.shutdown().catch(() => undefined);
    exit(error instanceof ConfigError ? EXIT_CONFIG : 1);
    return undefined;
  }

  let service: S;
  try {
    service = await options.start(config);
  } catch (error) {
    say('stderr', 'fatal', `${options.name} service failed to start`, { error: message(error) });
    await options.telemetry.shutdown().catch(() => undefined);
    exit(1);
    return undefined;
  }
  say('stdout', 'info', `${options.name} service ready`, service.url ? { url: service.url } : {});

  if (options.handleSignals ?? true) {
    const signals = options.signals ?? process;
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      say('stdout', 'info', `${options.name} service stopping`, { signal });
      service
        .close()
        .then(
          () => 0,
          (error: unknown) => {
            say('stderr', 'error', `${options.name} service shutdown failed`, { error: message(error) });
            return 1;
          },
        )
        .then(async (code) => {
          await options.telemetry.shutdown().catch(() => undefined);
          exit(code);
        });
    };
    signals.once('SIGTERM', () => stop('SIGTERM'));
    signals.once('SIGINT', () => stop('SIGINT'));
  }
  return service;
}

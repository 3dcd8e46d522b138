import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { redactObject, redactText, secretKeyMatcher } from './redact';

/** A structured JSON logger (pino). */
export type AppLogger = Logger;

/** Settings for {@link createLogger}. */
export interface LoggerOptions {
  /** Written as `service` on every line. */
  readonly serviceName: string;
  /** Minimum level; defaults to LOG_LEVEL, else `info`. */
  readonly level?: string;
  /** Key names to redact in addition to the built-in list (see REDACTED_KEYS). */
  readonly redactKeys?: readonly string[];
  /** Where lines go; stdout when absent. */
  readonly destination?: DestinationStream;
}

const LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Creates the service's JSON logger: one line per event with `time` (ISO), `level` (name), `service`, the
 * active span's `trace_id`/`span_id` when there is one, and secrets redacted twice over: by key name at any
 * depth, and by pattern in the final line (bearer tokens, URL passwords, credential query parameters).
 */
export function createLogger(options: LoggerOptions): AppLogger {
  const level = (options.level ?? process.env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LEVELS.includes(level as LevelWithSilent)) {
    throw new Error(`LOG_LEVEL must be one of ${LEVELS.join(', ')}; got "${level}"`);
  }
  const isSecretKey = secretKeyMatcher(options.redactKeys);

  const logger = pino(
    {
      level,
      base: { service: options.serviceName },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactObject(bindings, isSecretKey),
        log: (object) => redactObject(object, isSecretKey),
      },
      mixin: traceFields,
      hooks: { streamWrite: redactText },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );

  // pino skips the bindings formatter for child loggers, so their bindings are redacted here; children
  // inherit this method through their prototype, so grandchildren are covered too.
  const originalChild = logger.child;
  logger.child = function child(this: AppLogger, bindings: Record<string, unknown>, childOptions?: object) {
    return originalChild.call(this, redactObject(bindings, isSecretKey), childOptions);
  } as typeof logger.child;
  return logger;
}

/** The active span's ids, so a log line can be found from a trace and the other way round. */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!traceId || /^0+$/.test(traceId)) return {};
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}`.slice(-2) };
}

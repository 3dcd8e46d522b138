import type { LoggerService } from '@nestjs/common';
import type { AppLogger } from './logger';

/**
 * Routes Nest's own logging (and every `new Logger(Context)` in services) into the JSON logger, with the
 * Nest context as `context` and error stacks as `err.stack`.
 */
export class NestLoggerAdapter implements LoggerService {
  constructor(private readonly logger: AppLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest calls error(message, stack?, context?); the stack is a multi-line string starting with the error name.
    const [first, ...rest] = params;
    if (typeof first === 'string' && first.includes('\n    at ')) {
      const fields = { err: { message: messageText(message), stack: first }, ...contextOf(rest) };
      this.logger.error(fields, messageText(message));
      return;
    }
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, params: unknown[]): void {
    const context = contextOf(params);
    if (message instanceof Error) {
      this.logger[level]({ err: message, ...context }, message.message);
    } else if (message !== null && typeof message === 'object') {
      this.logger[level]({ ...(message as Record<string, unknown>), ...context });
    } else {
      this.logger[level](context, messageText(message));
    }
  }
}

// Nest passes the logger context (usually a class name) as the last string parameter.
function contextOf(params: unknown[]): { context?: string } {
  const last = params[params.length - 1];
  return typeof last === 'string' ? { context: last } : {};
}

function messageText(message: unknown): string {
  return message instanceof Error ? message.message : String(message);
}
